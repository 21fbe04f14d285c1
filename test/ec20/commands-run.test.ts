// The typed command functions against the manual's example exchanges: what is sent, how the
// information lines parse, and how failures come back as ModemErrors.

import test from "ava";
import { existsSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { lineViewOf } from "../../src/at/line";
import { AtError } from "../../src/at/types";
import {
  activatePdp, addAttachment, addRecipient, BytesSource, CPIN_READ, CSQ, fileChecksum, listActiveContexts, listAttachments,
  listFiles, listRecipients, MAX_LISTED_FILES, powerDown, putError, QFLDS, QICSGP_READ, QIDNSCFG_READ, QSMTPCFG_READ,
  QSSLCFG_READ, readDriveSpace, readPdpConfig, readSimState, readSslOption, readSubject, setBody, setSubject, smtpPut, uploadFile,
  configureSsl, CEREG_READ,
} from "../../src/ec20/commands";
import { ModemError } from "../../src/ec20/errors";
import { ScriptedChannel } from "./fake-channel";

test("upload (manual 2.5): ACK mode, +QFUPL: 200,707 accepted when it matches what was sent", async (t) => {
  // 200 bytes whose checksum is 0x0707: 0x07,0x07 then 198 zero bytes.
  const bytes = new Uint8Array(200);
  bytes[0] = 7;
  bytes[1] = 7;
  t.is(fileChecksum(bytes), 0x707);
  const ch = new ScriptedChannel({ onData: () => ["+QFUPL: 200,707"] });
  const result = await uploadFile(ch, "RAM:test.txt", new BytesSource(bytes), 200, { ackMode: true, timeoutS: 300 });
  t.deepEqual(result, { size: 200, checksum: 0x707 });
  t.is(ch.lines[0], 'AT+QFUPL="RAM:test.txt",200,300,1');
  t.is(ch.sent[0].data?.ackBlock, 1024);
  t.is(ch.sent[0].expect, "+QFUPL:");
});

test("upload: a checksum or size mismatch is a transient ModemError of kind checksum", async (t) => {
  const bytes = new Uint8Array(200);
  const bad = new ScriptedChannel({ onData: () => ["+QFUPL: 200,707"] });
  const e = await t.throwsAsync(uploadFile(bad, "RAM:a.txt", new BytesSource(bytes), 200), { instanceOf: ModemError });
  t.is(e!.kind, "checksum");
  t.is(e!.retry, "transient");
  const short = new ScriptedChannel({ onData: () => ["+QFUPL: 199,0"] });
  t.is((await t.throwsAsync(uploadFile(short, "RAM:a.txt", new BytesSource(bytes), 200), { instanceOf: ModemError }))!.kind, "checksum");
});

test("upload checksum: computed while streaming in any chunk size, equal to the whole-buffer checksum", async (t) => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 37 }), async (bytes, chunk) => {
    const ch = new ScriptedChannel({ onData: (all) => [`+QFUPL: ${all.length},${fileChecksum(all).toString(16)}`] });
    ch.chunk = chunk;
    const result = await uploadFile(ch, "RAM:x", new BytesSource(bytes), bytes.length);
    return result.checksum === fileChecksum(bytes) && result.size === bytes.length;
  }));
  // Odd length: the last byte is the high half.
  t.is(fileChecksum(Uint8Array.of(0x12, 0x34, 0x56)), 0x1234 ^ 0x5600);
});

test("upload checksum: the facts sheet's real-modem vectors (ISRG Root X1 4f64, Amazon Root CA 1 2d13 / CRLF 5769)", (t) => {
  const dir = "/usr/share/ca-certificates/mozilla/";
  if (!existsSync(dir + "ISRG_Root_X1.crt")) {
    t.log("Debian ca-certificates not installed; vectors skipped");
    t.pass();
    return;
  }
  const isrg = new Uint8Array(readFileSync(dir + "ISRG_Root_X1.crt"));
  t.is(isrg.length, 1939);
  t.is(fileChecksum(isrg).toString(16), "4f64");
  const amazon = readFileSync(dir + "Amazon_Root_CA_1.crt");
  t.is(fileChecksum(new Uint8Array(amazon)).toString(16), "2d13");
  const crlf = new Uint8Array(Buffer.from(amazon.toString("latin1").replace(/\n/g, "\r\n"), "latin1"));
  t.is(crlf.length, 1208);
  t.is(fileChecksum(crlf).toString(16), "5769");
});

test("upload: a FILE +CME ERROR maps through the FILE table (421 = time out, not SMTP's 421)", async (t) => {
  const ch = new ScriptedChannel({ error: new AtError("cme", 'AT+QFUPL="RAM:a",1,5,1', 421) });
  const e = await t.throwsAsync(uploadFile(ch, "RAM:a", new BytesSource(new Uint8Array(1)), 1, { timeoutS: 5 }), { instanceOf: ModemError });
  t.is(e!.family, "file");
  t.is(e!.meaning, "Time out");
  t.is(e!.retry, "transient");
});

test("QFLST (manual 2.5): +QFLST: \"RAM:test.txt\",200 parses; a third field is ignored; the list is bounded", async (t) => {
  const ch = new ScriptedChannel({ info: ['+QFLST: "RAM:test.txt",200', '+QFLST: "RAM:b.bin",1379,10240'] });
  t.deepEqual(await listFiles(ch, "RAM:*"), { files: [{ name: "RAM:test.txt", size: 200 }, { name: "RAM:b.bin", size: 1379 }], omitted: 0 });
  const many = Array.from({ length: MAX_LISTED_FILES + 3 }, (_, i) => `+QFLST: "RAM:f${i}",${i}`);
  const listed = await listFiles(new ScriptedChannel({ info: many }), "RAM:*");
  t.is(listed.files.length, MAX_LISTED_FILES);
  t.is(listed.omitted, 3);
});

test("a garbled information line is an error, not an empty success", async (t) => {
  const ch = new ScriptedChannel({ info: ['+QFLST: "RAM:test.txt",2x0'] });
  t.is((await t.throwsAsync(listFiles(ch, "RAM:*"), { instanceOf: ModemError }))!.kind, "response");
});

test("QSMTPATT? (manual 2.5) and QSMTPDST? (2.2) parse into typed lists", async (t) => {
  t.deepEqual(await listAttachments(new ScriptedChannel({ info: ['+QSMTPATT: 1,"RAM:test.txt",200'] })), [{ index: 1, name: "RAM:test.txt", size: 200 }]);
  t.deepEqual(await listRecipients(new ScriptedChannel({ info: ['+QSMTPDST: 1,"quectel_test@163.com"', '+QSMTPDST: 2,"quectel_test@21cn.com"'] })), [
    { type: 1, address: "quectel_test@163.com" }, { type: 2, address: "quectel_test@21cn.com" },
  ]);
  t.deepEqual(await readSubject(new ScriptedChannel({ info: ['+QSMTPSUB: 1,"7465737420534D5450"'] })), { charset: 1, subject: "7465737420534D5450" });
});

test("QSMTPPUT (manual 2.7): OK then +QSMTPPUT: 0,0 is success", async (t) => {
  const ch = new ScriptedChannel({ urc: "+QSMTPPUT: 0,0" });
  const result = await smtpPut(ch, 300);
  t.deepEqual(result, { err: 0, protocolError: 0 });
  t.is(ch.lines[0], "AT+QSMTPPUT=300");
  t.is(ch.sent[0].awaitUrc?.prefix, "+QSMTPPUT:");
  t.true(ch.sent[0].awaitUrc!.timeoutMs >= 300_000);
  t.is(putError(result), undefined);
});

test("QSMTPPUT failure: 677/535 is a permanent auth failure; 654 transient; a missing result is urc-timeout", async (t) => {
  const auth = putError(await smtpPut(new ScriptedChannel({ urc: "+QSMTPPUT: 677,535" }), 300))!;
  t.is(auth.code, 677);
  t.is(auth.protocolError, 535);
  t.is(auth.retry, "permanent");
  t.is(auth.meaning, "Authentication failed (SMTP 535)");
  t.is(putError({ err: 654, protocolError: 0 })!.retry, "transient");
  const lost = await t.throwsAsync(smtpPut(new ScriptedChannel({}), 300), { instanceOf: ModemError });
  t.is(lost!.kind, "urc-timeout");
});

test("QIACT? (manual 3.1): +QIACT: 1,1,1,\"10.7.157.1\"; none active is an empty list", async (t) => {
  t.deepEqual(await listActiveContexts(new ScriptedChannel({ info: ['+QIACT: 1,1,1,"10.7.157.1"'] })), [
    { contextId: 1, state: 1, contextType: 1, address: "10.7.157.1" },
  ]);
  t.deepEqual(await listActiveContexts(new ScriptedChannel({})), []);
});

test("QIACT failures: a bare ERROR is transient; TCP/IP 570 needs a reconnect", async (t) => {
  const bare = await t.throwsAsync(activatePdp(new ScriptedChannel({ error: new AtError("error", "AT+QIACT=1") }), 1), { instanceOf: ModemError });
  t.is(bare!.kind, "error");
  t.is(bare!.retry, "transient");
  const broken = await t.throwsAsync(activatePdp(new ScriptedChannel({ error: new AtError("cme", "AT+QIACT=1", 570) }), 1), { instanceOf: ModemError });
  t.is(broken!.family, "tcpip");
  t.is(broken!.retry, "reconnect");
  t.is(broken!.command, "AT+QIACT=1");
});

test("a general CME code from an SMTP command (10, SIM not inserted) is still named", async (t) => {
  const ch = new ScriptedChannel({ error: new AtError("cme", 'AT+QSMTPDST=1,1,"a@b.c"', 10) });
  const e = await t.throwsAsync(addRecipient(ch, 1, "a@b.c"), { instanceOf: ModemError });
  t.is(e!.meaning, "SIM not inserted");
  t.is(e!.retry, "permanent");
});

test("QSMTPBODY (manual 2.4): streams exactly the body and checks +QSMTPBODY: 100", async (t) => {
  const body = new Uint8Array(100).fill(0x41);
  let received: Uint8Array | undefined;
  const ch = new ScriptedChannel({ onData: (b) => { received = b; return ["+QSMTPBODY: 100"]; } });
  t.is(await setBody(ch, 0, new BytesSource(body), 100, { inputTimeS: 120 }), 100);
  t.is(ch.lines[0], "AT+QSMTPBODY=0,100,120");
  t.deepEqual(received, body);
  const cut = new ScriptedChannel({ onData: () => ["+QSMTPBODY: 90"] });
  t.is((await t.throwsAsync(setBody(cut, 0, new BytesSource(body), 100), { instanceOf: ModemError }))!.kind, "checksum");
});

test("setSubject picks the declaration by charset", async (t) => {
  const ch = new ScriptedChannel({}, {});
  await setSubject(ch, 0, "TEST SMTP");
  await setSubject(ch, 1, "7465737420534D5450");
  t.deepEqual(ch.lines, ['AT+QSMTPSUB=0,"TEST SMTP"', 'AT+QSMTPSUB=1,"7465737420534D5450"']);
});

test("an invalid argument throws before anything is sent", async (t) => {
  const ch = new ScriptedChannel();
  await t.throwsAsync(addAttachment(ch, 11, "RAM:x"));
  await t.throwsAsync(configureSsl(ch, { contextId: 1, sslVersion: 4, negotiateTimeS: 5000 }));
  t.is(ch.sent.length, 0);
});

test("read-back parsers: CPIN, CSQ, CEREG, QICSGP, QIDNSCFG, QSSLCFG, QSMTPCFG, QFLDS", async (t) => {
  t.is(CPIN_READ.parse!(lineViewOf("+CPIN: READY")), "READY");
  t.is(await readSimState(new ScriptedChannel({ info: ["+CPIN: SIM PIN"] })), "SIM PIN");
  t.deepEqual(CSQ.parse!(lineViewOf("+CSQ: 30,99")), { rssi: 30, ber: 99, dbm: -53 });
  t.deepEqual(CSQ.parse!(lineViewOf("+CSQ: 99,99")), { rssi: 99, ber: 99, dbm: undefined });
  t.deepEqual(CEREG_READ.parse!(lineViewOf("+CEREG: 0,5")), { mode: 0, stat: 5, registered: true });
  t.deepEqual(CEREG_READ.parse!(lineViewOf("+CEREG: 0,2")), { mode: 0, stat: 2, registered: false });
  t.deepEqual(QICSGP_READ.parse!(lineViewOf('+QICSGP: 1,"","","",0')), { contextType: 1, apn: "", authentication: 0, hasCredentials: false });
  const pdp = await readPdpConfig(new ScriptedChannel({ info: ['+QICSGP: 1,"UNINET","u","secret",1'] }), 1);
  t.false(JSON.stringify(pdp).includes("secret"));
  t.true(pdp.hasCredentials);
  t.deepEqual(QIDNSCFG_READ.parse!(lineViewOf('+QIDNSCFG: 3,"198.224.186.135","198.224.187.135"')), {
    contextId: 3, primary: "198.224.186.135", secondary: "198.224.187.135",
  });
  t.is(QSSLCFG_READ.ciphersuite.parse!(lineViewOf('+QSSLCFG: "ciphersuite",1,0XFFFF')), 0xffff);
  t.is(await readSslOption(new ScriptedChannel({ info: ['+QSSLCFG: "sni",1,0'] }), "sni", 1), 0);
  t.is(QSSLCFG_READ.sni.parse!(lineViewOf('+QSSLCFG: "seclevel",1,0')), undefined);
  t.deepEqual(QSMTPCFG_READ.smtpserver.parse!(lineViewOf('+QSMTPCFG: "smtpserver","smtp.aol.com",25')), { key: "smtpserver", address: "smtp.aol.com", port: 25 });
  t.deepEqual(QSMTPCFG_READ.account.parse!(lineViewOf('+QSMTPCFG: "account","u@aol.com","pw"')), { key: "account", username: "u@aol.com" });
  t.deepEqual(QFLDS.parse!(lineViewOf("+QFLDS: 340168,647668,340168")), { free: 340168, total: 647668 });
  t.deepEqual(await readDriveSpace(new ScriptedChannel({ info: ["+QFLDS: 12987840,14483456"] }), "UFS"), { free: 12987840, total: 14483456 });
});

test("QPOWD waits for POWERED DOWN", async (t) => {
  const ch = new ScriptedChannel({ urc: "POWERED DOWN" });
  await powerDown(ch);
  t.is(ch.sent[0].awaitUrc?.prefix, "POWERED DOWN");
  t.is(ch.sent[0].awaitUrc?.timeoutMs, 65_000);
});
