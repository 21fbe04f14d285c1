// The command lines our declarations produce, compared with the SMTP manual's examples (chapter 2 and
// 3) and the facts sheet, and the limits each declaration enforces before any AT traffic.

import test from "ava";
import {
  ArgumentError, ATE0, buildCommand, CGATT_WRITE, CMEE, CPIN_READ, formatLine, IPR, QFDEL, QFLDS, QFLST, QFUPL, QIACT_READ,
  QIACT_WRITE, QICSGP_WRITE, QIDEACT, QIDNSCFG_READ, QPOWD, QSMTPATT_ADD, QSMTPATT_CLEAR, QSMTPBODY, QSMTPCFG_ACCOUNT,
  QSMTPCFG_CONTEXT, QSMTPCFG_READ, QSMTPCFG_SENDER, QSMTPCFG_SERVER, QSMTPCFG_SSLCTX, QSMTPCFG_SSLTYPE, QSMTPCLR,
  QSMTPDST_ADD, QSMTPDST_CLEAR, QSMTPDST_READ, QSMTPPUT, QSMTPSUB_ASCII, QSMTPSUB_HEX, QSSLCFG_READ, QSSLCFG_WRITE,
  QURCCFG_WRITE, AT,
} from "../../src/ec20/commands";
import type { ArgValue, CommandDecl } from "../../src/ec20/commands";
import * as tableModule from "../../src/ec20/commands/table";
import { maxLineLength } from "../../src/ec20/commands/declare";
import { TX_LINE_CAPACITY } from "../../src/at/channel";

const line = (decl: CommandDecl<unknown>, values: ArgValue[] = []) => formatLine(decl, values).line;

test("QSMTPCFG lines match the manual's chapter 3 examples", (t) => {
  t.is(line(QSMTPCFG_CONTEXT, [1]), 'AT+QSMTPCFG="contextid",1');
  t.is(line(QSMTPCFG_SSLTYPE, [0]), 'AT+QSMTPCFG="ssltype",0');
  t.is(line(QSMTPCFG_SERVER, ["smtp.aol.com", 25]), 'AT+QSMTPCFG="smtpserver","smtp.aol.com",25');
  t.is(line(QSMTPCFG_ACCOUNT, ["quectel_test@aol.com", "aol123456789"]), 'AT+QSMTPCFG="account","quectel_test@aol.com","aol123456789"');
  t.is(line(QSMTPCFG_SENDER, ["quectel_test", "quectel_test@aol.com"]), 'AT+QSMTPCFG="sender","quectel_test","quectel_test@aol.com"');
  t.is(line(QSMTPCFG_SSLCTX, [1]), 'AT+QSMTPCFG="sslctxid",1');
  t.is(line(QSMTPCFG_READ.smtpserver), 'AT+QSMTPCFG="smtpserver"');
});

test("email-content lines match the manual's examples", (t) => {
  t.is(line(QSMTPDST_ADD, [1, 1, "quectel_test@163.com"]), 'AT+QSMTPDST=1,1,"quectel_test@163.com"');
  t.is(line(QSMTPDST_ADD, [1, 2, "quectel_test@21cn.com"]), 'AT+QSMTPDST=1,2,"quectel_test@21cn.com"');
  t.is(line(QSMTPDST_CLEAR, [0]), "AT+QSMTPDST=0");
  t.is(line(QSMTPDST_READ), "AT+QSMTPDST?");
  t.is(line(QSMTPSUB_ASCII, [0, "TEST SMTP"]), 'AT+QSMTPSUB=0,"TEST SMTP"');
  t.is(line(QSMTPSUB_HEX, [1, "7465737420534D5450"]), 'AT+QSMTPSUB=1,"7465737420534D5450"');
  t.is(line(QSMTPBODY, [0, 100, 120]), "AT+QSMTPBODY=0,100,120");
  t.is(line(QFUPL, ["RAM:smtp.txt", 100, 200, 1]), 'AT+QFUPL="RAM:smtp.txt",100,200,1');
  t.is(line(QFUPL, ["RAM:test.txt", 200, 300, 1]), 'AT+QFUPL="RAM:test.txt",200,300,1');
  t.is(line(QFLST, ["RAM:*"]), 'AT+QFLST="RAM:*"');
  t.is(line(QSMTPATT_ADD, [1, 1, "RAM:smtp.txt"]), 'AT+QSMTPATT=1,1,"RAM:smtp.txt"');
  t.is(line(QSMTPATT_CLEAR, [0]), "AT+QSMTPATT=0");
  t.is(line(QSMTPCLR), "AT+QSMTPCLR");
  t.is(line(QSMTPPUT, [300]), "AT+QSMTPPUT=300");
  t.is(line(QFDEL, ["RAM:smtp.txt"]), 'AT+QFDEL="RAM:smtp.txt"');
});

test("network, TLS and general lines match the manual and the facts sheet", (t) => {
  t.is(line(QICSGP_WRITE, [1, 1, "UNINET", "", "", 1]), 'AT+QICSGP=1,1,"UNINET","","",1');
  t.is(line(QIACT_WRITE, [1]), "AT+QIACT=1");
  t.is(line(QIACT_READ), "AT+QIACT?");
  t.is(line(QIDEACT, [1]), "AT+QIDEACT=1");
  t.is(line(QIDNSCFG_READ, [1]), "AT+QIDNSCFG=1");
  t.is(line(QSSLCFG_WRITE.ciphersuite, [1, 0xffff]), 'AT+QSSLCFG="ciphersuite",1,0xFFFF');
  t.is(line(QSSLCFG_WRITE.seclevel, [1, 0]), 'AT+QSSLCFG="seclevel",1,0');
  t.is(line(QSSLCFG_WRITE.sslversion, [1, 1]), 'AT+QSSLCFG="sslversion",1,1');
  t.is(line(QSSLCFG_WRITE.cacert, [1, "cacert.pem"]), 'AT+QSSLCFG="cacert",1,"cacert.pem"');
  t.is(line(QSSLCFG_WRITE.sni, [1, 1]), 'AT+QSSLCFG="sni",1,1');
  t.is(line(QSSLCFG_WRITE.negotiatetime, [1, 300]), 'AT+QSSLCFG="negotiatetime",1,300');
  t.is(line(QSSLCFG_WRITE.ignorelocaltime, [1, 1]), 'AT+QSSLCFG="ignorelocaltime",1,1');
  t.is(line(QSSLCFG_READ.ciphersuite, [1]), 'AT+QSSLCFG="ciphersuite",1');
  t.is(line(AT), "AT");
  t.is(line(ATE0), "ATE0");
  t.is(line(CMEE, [1]), "AT+CMEE=1");
  t.is(line(CPIN_READ), "AT+CPIN?");
  t.is(line(CGATT_WRITE, [1]), "AT+CGATT=1");
  t.is(line(QURCCFG_WRITE, ["uart1"]), 'AT+QURCCFG="urcport","uart1"');
  t.is(line(IPR, [921600]), "AT+IPR=921600");
  t.is(line(QPOWD, [1]), "AT+QPOWD=1");
  t.is(line(QFLDS, ["RAM"]), 'AT+QFLDS="RAM"');
});

test("timeouts come from the manual: QIACT 150 s, QIDEACT 40 s, QFUPL and QSMTPBODY their own timeout", (t) => {
  t.is(buildCommand(QIACT_WRITE, [1]).timeoutMs, 150_000);
  t.is(buildCommand(QIDEACT, [1]).timeoutMs, 40_000);
  t.true(buildCommand(QFUPL, ["RAM:a", 10, 200, 1]).timeoutMs >= 200_000);
  t.true(buildCommand(QSMTPBODY, [0, 100, 120]).timeoutMs >= 120_000);
  t.true(buildCommand(CMEE, [1]).timeoutMs <= 5_000);
});

test("credentials are masked in traceAs but sent in the line", (t) => {
  const account = formatLine(QSMTPCFG_ACCOUNT, ["user@example.com", "s3cret-Pa55"]);
  t.true(account.line.includes("s3cret-Pa55"));
  t.false(account.traceAs.includes("s3cret-Pa55"));
  t.is(account.traceAs, 'AT+QSMTPCFG="account","user@example.com","***"');
  const pdp = buildCommand(QICSGP_WRITE, [1, 1, "internet", "apnuser", "apnpass", 3]);
  t.false(pdp.traceAs!.includes("apnuser"));
  t.false(pdp.traceAs!.includes("apnpass"));
  t.is(pdp.traceAs, 'AT+QICSGP=1,1,"internet","***","***",3');
});

function argumentError(t: import("ava").ExecutionContext, f: () => unknown) {
  return t.throws(f, { instanceOf: ArgumentError }) as ArgumentError;
}

test("string arguments: 50 bytes pass, 51 fail with the limit", (t) => {
  const at50 = "a".repeat(38) + "@example.com"; // 50 bytes
  t.is(at50.length, 50);
  t.notThrows(() => formatLine(QSMTPDST_ADD, [1, 1, at50]));
  const e = argumentError(t, () => formatLine(QSMTPDST_ADD, [1, 1, "b" + at50]));
  t.is(e.argument, "emailaddr");
  t.is(e.rule, "max-bytes");
  t.is(e.limit, 50);
});

test("quotes, backslashes, CR, LF and non-ASCII never reach a quoted argument", (t) => {
  for (const bad of ['a"b', "a\\b", "a\rb", "a\nb", "a\u0000b", "caf\u00e9", "a\u007fb"]) {
    const e = argumentError(t, () => formatLine(QSMTPCFG_SENDER, [bad, "x@example.com"]));
    t.is(e.rule, "unsafe-char");
  }
  const secret = argumentError(t, () => formatLine(QSMTPCFG_ACCOUNT, ["u", 'pa"ss']));
  t.false(secret.message.includes("pa\"ss"));
});

test("integer arguments are range-checked before any traffic", (t) => {
  t.notThrows(() => formatLine(QSMTPPUT, [60]));
  t.notThrows(() => formatLine(QSMTPPUT, [65535]));
  t.is(argumentError(t, () => formatLine(QSMTPPUT, [59])).rule, "range");
  t.is(argumentError(t, () => formatLine(QSMTPPUT, [65536])).limit, 65535);
  t.is(argumentError(t, () => formatLine(QSMTPBODY, [0, 10241, 90])).argument, "body_length");
  t.notThrows(() => formatLine(QSMTPBODY, [0, 10240, 90]));
  t.is(argumentError(t, () => formatLine(QSMTPATT_ADD, [1, 11, "RAM:a"])).argument, "file_index");
  t.is(argumentError(t, () => formatLine(QIACT_WRITE, [17])).argument, "contextID");
  t.is(argumentError(t, () => formatLine(QSSLCFG_WRITE.negotiatetime, [1, 9])).argument, "negotiate_time");
  t.is(argumentError(t, () => formatLine(IPR, [12345])).argument, "rate");
  t.is(argumentError(t, () => formatLine(QSMTPPUT, [1.5])).rule, "range");
});

test("subject limits: 100 ASCII characters, 200 uppercase hex digits", (t) => {
  t.notThrows(() => formatLine(QSMTPSUB_ASCII, [0, "x".repeat(100)]));
  t.is(argumentError(t, () => formatLine(QSMTPSUB_ASCII, [0, "x".repeat(101)])).limit, 100);
  t.notThrows(() => formatLine(QSMTPSUB_HEX, [1, "AB".repeat(100)]));
  t.is(argumentError(t, () => formatLine(QSMTPSUB_HEX, [1, "AB".repeat(100) + "CD"])).limit, 200);
  t.is(argumentError(t, () => formatLine(QSMTPSUB_HEX, [1, "ABC"])).rule, "syntax");
  t.is(argumentError(t, () => formatLine(QSMTPSUB_HEX, [1, "ab"])).rule, "syntax");
});

test("maxLineLength is the length of the longest line the limits allow", (t) => {
  const longest = formatLine(QICSGP_WRITE, [16, 3, "a".repeat(100), "u".repeat(64), "p".repeat(64), 3]).line;
  t.is(maxLineLength(QICSGP_WRITE), longest.length);
  t.is(maxLineLength(QSMTPDST_ADD), formatLine(QSMTPDST_ADD, [1, 1, "x".repeat(50)]).line.length);
});

test("missing and extra values are refused", (t) => {
  t.is(argumentError(t, () => formatLine(QSMTPDST_ADD, [1, 1])).rule, "required");
  t.is(argumentError(t, () => formatLine(QSMTPPUT, [300, 1])).rule, "count");
});

test("every declaration in the table is well-formed: a timeout, a source, a parser when it expects lines", (t) => {
  const { COMMAND_TABLE } = tableModule;
  t.true(COMMAND_TABLE.length >= 60);
  for (const decl of COMMAND_TABLE) {
    const label = `AT${decl.name} ${decl.form} ${decl.args.map((a) => (a.kind === "key" ? a.text : a.name)).join(",")}`;
    t.true(Object.isFrozen(decl), label);
    t.truthy(decl.timeoutSource, label);
    if (typeof decl.timeoutMs === "number") t.true(decl.timeoutMs >= 1000 && decl.timeoutMs <= 150_000, label);
    if (decl.expect !== undefined) t.is(typeof decl.parse, "function", label);
    if (decl.form !== "write") t.is(decl.args.length, 0, label);
    t.true(maxLineLength(decl) < TX_LINE_CAPACITY, `${label}: ${maxLineLength(decl)} bytes`);
  }
});
