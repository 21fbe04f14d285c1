// Conformance: every example exchange of sections 2 and 3 of the EC20 SMTP manual, replayed on the
// simulator with echo on and with echo off, byte for byte including the framing.
import test from "ava";
import { bytesWithChecksum707, framed, Host } from "./harness";

type Step =
  | { send: string; expect: string[] }
  /** A data-mode command: CONNECT, the data, then how input ends and the final lines. */
  | { send: string; data: Uint8Array; end?: "escape" | "timeout"; expect: string[] }
  /** An unsolicited line the modem sends by itself. */
  | { urc: string };

const body100 = new Uint8Array(Buffer.from("Hello from the EC20 simulator. ".repeat(4).slice(0, 100), "latin1"));
const body90 = body100.slice(0, 90);

async function replay(host: Host, steps: Step[], echo: boolean): Promise<{ got: string; want: string }[]> {
  const out: { got: string; want: string }[] = [];
  for (const step of steps) {
    if ("urc" in step) {
      await host.until((r) => r.includes(step.urc));
      out.push({ got: host.take(), want: `\r\n${step.urc}\r\n` });
      continue;
    }
    const echoed = echo ? `${step.send}\r` : "";
    if (!("data" in step)) {
      out.push({ got: await host.command(step.send), want: echoed + framed(step.expect) });
      continue;
    }
    out.push({ got: await host.command(step.send), want: `${echoed}\r\nCONNECT\r\n` });
    host.write(step.data);
    if (step.end === "escape") {
      await host.until(() => host.pendingWrites === 0);
      await host.advance(1_100);
      host.write("+++");
    }
    await host.until((r) => /\r\n(OK|ERROR|\+CME ERROR: \d+)\r\n$/.test(r));
    out.push({ got: host.take(), want: framed(step.expect) });
  }
  return out;
}

const examples: Record<string, Step[]> = {
  "2.2 AT+QSMTPDST add, query, delete all": [
    { send: 'AT+QSMTPDST=1,1,"quectel_test@aol.com"', expect: ["OK"] },
    { send: 'AT+QSMTPDST=1,2,"quectel_test@21cn.com"', expect: ["OK"] },
    { send: "AT+QSMTPDST?", expect: ['+QSMTPDST: 1,"quectel_test@aol.com"', '+QSMTPDST: 2,"quectel_test@21cn.com"', "OK"] },
    { send: "AT+QSMTPDST=0", expect: ["OK"] },
    { send: "AT+QSMTPDST?", expect: ["OK"] },
  ],
  "2.3 AT+QSMTPSUB ASCII and UTF-8 hex": [
    { send: 'AT+QSMTPSUB=0,"TEST SMTP"', expect: ["OK"] },
    { send: "AT+QSMTPSUB?", expect: ['+QSMTPSUB: 0,"TEST SMTP"', "OK"] },
    { send: 'AT+QSMTPSUB=1,"7465737420534D5450"', expect: ["OK"] },
    { send: "AT+QSMTPSUB?", expect: ['+QSMTPSUB: 1,"7465737420534D5450"', "OK"] },
  ],
  "2.4 AT+QSMTPBODY full length, +++ early end, input time expired": [
    { send: "AT+QSMTPBODY=0,100,120", data: body100, expect: ["+QSMTPBODY: 100", "OK"] },
    { send: "AT+QSMTPBODY=0,100,120", data: body90, end: "escape", expect: ["+QSMTPBODY: 90", "OK"] },
    { send: "AT+QSMTPBODY=0,100,120", data: body90, end: "timeout", expect: ["+QSMTPBODY: 90", "OK"] },
  ],
  "2.5 AT+QSMTPATT with a RAM file uploaded in ACK mode": [
    { send: 'AT+QFUPL="RAM:test.txt",200,300,1', data: bytesWithChecksum707(200), expect: ["+QFUPL: 200,707", "OK"] },
    { send: 'AT+QFLST="RAM:*"', expect: ['+QFLST: "RAM:test.txt",200', "OK"] },
    { send: 'AT+QSMTPATT=1,1,"RAM:test.txt"', expect: ["OK"] },
    { send: "AT+QSMTPATT?", expect: ['+QSMTPATT: 1,"RAM:test.txt",200', "OK"] },
    { send: "AT+QSMTPATT=0", expect: ["OK"] },
    { send: "AT+QSMTPATT?", expect: ["OK"] },
  ],
  "2.6 AT+QSMTPCLR": [
    { send: 'AT+QSMTPDST=1,1,"quectel_test@aol.com"', expect: ["OK"] },
    { send: 'AT+QSMTPSUB=0,"TEST SMTP"', expect: ["OK"] },
    { send: "AT+QSMTPCLR", expect: ["OK"] },
    { send: "AT+QSMTPDST?", expect: ["OK"] },
    { send: "AT+QSMTPSUB?", expect: ['+QSMTPSUB: 0,""', "OK"] },
    { send: "AT+QSMTPATT?", expect: ["OK"] },
  ],
  "2.7 AT+QSMTPPUT": [
    { send: 'AT+QICSGP=1,1,"UNINET","",1', expect: ["OK"] },
    { send: "AT+QIACT=1", expect: ["OK"] },
    { send: 'AT+QSMTPCFG="smtpserver","smtp.aol.com",25', expect: ["OK"] },
    { send: 'AT+QSMTPDST=1,1,"quectel_test@163.com"', expect: ["OK"] },
    { send: "AT+QSMTPPUT=300", expect: ["OK"] },
    { urc: "+QSMTPPUT: 0,0" },
  ],
  "3.1 send email without SSL": [
    { send: 'AT+QICSGP=1,1,"UNINET","",1', expect: ["OK"] },
    { send: "AT+QIACT=1", expect: ["OK"] },
    { send: "AT+QIACT?", expect: ['+QIACT: 1,1,1,"10.7.157.1"', "OK"] },
    { send: 'AT+QSMTPCFG="contextid",1', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="ssltype",0', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="smtpserver","smtp.aol.com",25', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="account","quectel_test@aol.com","aol123456789"', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="sender","quectel_test","quectel_test@aol.com"', expect: ["OK"] },
    { send: 'AT+QSMTPDST=1,1,"quectel_test@163.com"', expect: ["OK"] },
    { send: 'AT+QSMTPDST=1,2,"quectel_test@21cn.com"', expect: ["OK"] },
    { send: "AT+QSMTPDST?", expect: ['+QSMTPDST: 1,"quectel_test@163.com"', '+QSMTPDST: 2,"quectel_test@21cn.com"', "OK"] },
    { send: 'AT+QSMTPSUB=0,"TEST SMTP"', expect: ["OK"] },
    { send: "AT+QSMTPSUB?", expect: ['+QSMTPSUB: 0,"TEST SMTP"', "OK"] },
    { send: "AT+QSMTPBODY=0,100,120", data: body100, expect: ["+QSMTPBODY: 100", "OK"] },
    { send: 'AT+QFUPL="RAM:smtp.txt",100,200,1', data: bytesWithChecksum707(100), expect: ["+QFUPL: 100,707", "OK"] },
    { send: 'AT+QFLST="RAM:*"', expect: ['+QFLST: "RAM:smtp.txt",100', "OK"] },
    { send: 'AT+QSMTPATT=1,1,"RAM:smtp.txt"', expect: ["OK"] },
    { send: "AT+QSMTPATT?", expect: ['+QSMTPATT: 1,"RAM:smtp.txt",100', "OK"] },
    { send: "AT+QSMTPPUT=300", expect: ["OK"] },
    { urc: "+QSMTPPUT: 0,0" },
    { send: "AT+QSMTPCLR", expect: ["OK"] },
    { send: 'AT+QFDEL="RAM:smtp.txt"', expect: ["OK"] },
    { send: "AT+QIDEACT=1", expect: ["OK"] },
  ],
  "3.2 send email by SSL (configuration)": [
    { send: 'AT+QSMTPCFG="ssltype",1', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="sslctxid",1', expect: ["OK"] },
    { send: 'AT+QSSLCFG="ciphersuite",1,0xffff', expect: ["OK"] },
    { send: 'AT+QSSLCFG="seclevel",1,0', expect: ["OK"] },
    { send: 'AT+QSSLCFG="sslversion",1,1', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="smtpserver","smtp.gmail.com",465', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="account","quecteltestmail@gmail.com","yy123456"', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="sender","quectel","quecteltestmail@gmail.com"', expect: ["OK"] },
  ],
  "3.3 send email by STARTTLS (configuration)": [
    { send: 'AT+QSMTPCFG="ssltype",2', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="sslctxid",1', expect: ["OK"] },
    { send: 'AT+QSSLCFG="ciphersuite",1, 0xffff', expect: ["OK"] },
    { send: 'AT+QSSLCFG="seclevel",1,0', expect: ["OK"] },
    { send: 'AT+QSSLCFG="sslversion",1,1', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="smtpserver", "smtp.gmail.com", 25', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="account", "quecteltestmail@gmail.com", "yy123456"', expect: ["OK"] },
    { send: 'AT+QSMTPCFG="sender", "quectel", "quecteltestmail@gmail.com"', expect: ["OK"] },
  ],
};

for (const [name, steps] of Object.entries(examples)) {
  for (const echo of [true, false]) {
    test(`manual ${name}, echo ${echo ? "on" : "off"}`, async (t) => {
      const host = new Host();
      await host.ready(echo);
      for (const { got, want } of await replay(host, steps, echo)) t.is(got, want);
    });
  }
}

test("3.1 the email reaches the delivery engine as configured, attachment name without RAM:", async (t) => {
  const host = new Host();
  await host.ready(false);
  await replay(host, examples["3.1 send email without SSL"]!.slice(0, 19), false);
  await host.until((r) => r.includes("+QSMTPPUT:"));
  t.is(host.requests.length, 1);
  const request = host.requests[0]!;
  t.deepEqual(request.server, { host: "smtp.aol.com", port: 25 });
  t.deepEqual(request.account, { user: "quectel_test@aol.com", password: "aol123456789" });
  t.deepEqual(request.sender, { name: "quectel_test", email: "quectel_test@aol.com" });
  t.deepEqual(request.recipients, [
    { type: 1, address: "quectel_test@163.com" },
    { type: 2, address: "quectel_test@21cn.com" },
  ]);
  t.deepEqual(request.subject, { charset: 0, text: "TEST SMTP" });
  t.deepEqual(Buffer.from(request.body.bytes), Buffer.from(body100));
  t.deepEqual(request.attachments.map((a) => [a.name, a.bytes.length]), [["smtp.txt", 100]]);
  t.is(request.ssltype, 0);
  t.is(request.timeoutMs, 300_000);
});
