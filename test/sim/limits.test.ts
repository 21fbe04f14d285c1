// The manual's limits on the SMTP commands: 50-byte strings, 20 recipients, 10 attachments,
// subject 100 ASCII / 200 hex of even length, body 1..10240, QSMTPPUT 60..65535, 652 while sending,
// 659 without recipients. Each limit is checked at the edge: the last good value and the first bad one.
import test from "ava";
import { Host } from "./harness";

async function ready(): Promise<Host> {
  const host = new Host();
  await host.ready(false);
  return host;
}
const OK = "\r\nOK\r\n";
const BAD = "\r\n+CME ERROR: 664\r\n";

test("QSMTPCFG strings: 50 bytes accepted, 51 refused with 664", async (t) => {
  const host = await ready();
  const s50 = "a".repeat(50);
  const s51 = "a".repeat(51);
  t.is(await host.command(`AT+QSMTPCFG="account","${s50}","${s50}"`), OK);
  t.is(await host.command(`AT+QSMTPCFG="account","${s51}","x"`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="sender","x","${s51}"`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="smtpserver","${s51}",25`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="smtpserver","smtp.example.com",65536`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="contextid",17`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="sslctxid",6`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="ssltype",3`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="nosuchkey",1`), BAD);
  t.is(await host.command(`AT+QSMTPCFG="account"`), `\r\n+QSMTPCFG: "account","${s50}","${s50}"\r\n${OK}`);
  t.is(await host.command(`AT+QSMTPCFG="smtpserver"`), `\r\n+QSMTPCFG: "smtpserver","",25\r\n${OK}`, "default port 25");
  t.is(await host.command(`AT+QSMTPCFG="sslctxid"`), `\r\n+QSMTPCFG: "sslctxid",1\r\n${OK}`, "default SSL context 1");
});

test("QSMTPCFG test form lists the six keys", async (t) => {
  const host = await ready();
  const lines = (await host.command("AT+QSMTPCFG=?")).split("\r\n").filter((l) => l.startsWith("+QSMTPCFG:"));
  t.deepEqual(lines.map((l) => l.split(",")[0]), ["account", "sender", "smtpserver", "contextid", "sslctxid", "ssltype"].map((k) => `+QSMTPCFG: "${k}"`));
});

test("20 recipients accepted, the 21st refused; addresses up to 50 bytes", async (t) => {
  const host = await ready();
  for (let i = 0; i < 20; i++) t.is(await host.command(`AT+QSMTPDST=1,${(i % 3) + 1},"r${i}@example.com"`), OK);
  t.is(await host.command(`AT+QSMTPDST=1,1,"r21@example.com"`), BAD);
  t.is(host.sim.inspect().smtp.recipients.length, 20);
  await host.command("AT+QSMTPDST=0");
  t.is(await host.command(`AT+QSMTPDST=1,1,"${"a".repeat(38)}@example.com"`), OK);
  t.is(await host.command(`AT+QSMTPDST=1,1,"${"a".repeat(39)}@example.com"`), BAD);
  t.is(await host.command(`AT+QSMTPDST=1,4,"a@example.com"`), BAD);
  t.is(await host.command(`AT+QSMTPDST=2,1,"a@example.com"`), BAD);
});

test("subject: 100 ASCII characters, 200 hex digits of even length", async (t) => {
  const host = await ready();
  t.is(await host.command(`AT+QSMTPSUB=0,"${"s".repeat(100)}"`), OK);
  t.is(await host.command(`AT+QSMTPSUB=0,"${"s".repeat(101)}"`), BAD);
  t.is(await host.command(`AT+QSMTPSUB=1,"${"41".repeat(100)}"`), OK);
  t.is(await host.command(`AT+QSMTPSUB=1,"${"41".repeat(101)}"`), BAD);
  t.is(await host.command(`AT+QSMTPSUB=1,"414"`), BAD, "odd length");
  t.is(await host.command(`AT+QSMTPSUB=2,"4G"`), BAD, "not hex");
  t.is(await host.command(`AT+QSMTPSUB=4,"41"`), BAD, "charset");
});

test("body length 1..10240 and input time 1..65535", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QSMTPBODY=0,0,10"), BAD);
  t.is(await host.command("AT+QSMTPBODY=0,10241,10"), BAD);
  t.is(await host.command("AT+QSMTPBODY=0,10,0"), BAD);
  t.is(await host.command("AT+QSMTPBODY=0,10,65536"), BAD);
  t.is(await host.command("AT+QSMTPBODY=?"), `\r\n+QSMTPBODY: (0-3),(1-10240),(1-65535)\r\n${OK}`);
  t.is(await host.command("AT+QSMTPBODY=0,10240"), "\r\nCONNECT\r\n");
  host.write(new Uint8Array(10240).fill(0x61));
  await host.until((r) => r.endsWith(OK));
  t.is(host.take(), `\r\n+QSMTPBODY: 10240\r\n${OK}`);
});

test("body input time defaults to 90 s", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QSMTPBODY=0,10"), "\r\nCONNECT\r\n");
  host.write("abc");
  const start = host.clock.now();
  await host.until((r) => r.endsWith(OK));
  t.is(host.take(), `\r\n+QSMTPBODY: 3\r\n${OK}`);
  t.true(Math.abs(host.clock.now() - start - 90_000) < 100);
});

test("10 attachments by index 1..10; missing file 661", async (t) => {
  const host = await ready();
  t.is(await host.command('AT+QFUPL="RAM:a.txt",3'), "\r\nCONNECT\r\n");
  host.write("abc");
  await host.until((r) => r.endsWith(OK));
  host.take();
  for (let i = 1; i <= 10; i++) t.is(await host.command(`AT+QSMTPATT=1,${i},"RAM:a.txt"`), OK);
  t.is(await host.command('AT+QSMTPATT=1,11,"RAM:a.txt"'), BAD);
  t.is(await host.command('AT+QSMTPATT=1,0,"RAM:a.txt"'), BAD);
  t.is(await host.command('AT+QSMTPATT=1,1,"RAM:none.txt"'), "\r\n+CME ERROR: 661\r\n");
  t.is(await host.command("AT+QSMTPATT=0,3"), OK);
  t.is(host.sim.inspect().smtp.attachments.length, 9);
});

test("QSMTPPUT: timeout 60..65535, 659 without recipients, 652 while sending", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QSMTPPUT=59"), BAD);
  t.is(await host.command("AT+QSMTPPUT=65536"), BAD);
  t.is(await host.command("AT+QSMTPPUT=60"), "\r\n+CME ERROR: 659\r\n");
  await host.command('AT+QICSGP=1,1,"apn"');
  await host.command("AT+QIACT=1");
  await host.command('AT+QSMTPCFG="smtpserver","smtp.example.com",25');
  await host.command('AT+QSMTPDST=1,1,"a@example.com"');
  t.is(await host.command("AT+QSMTPPUT=60"), OK);
  for (const busy of ["AT+QSMTPPUT=60", 'AT+QSMTPDST=1,1,"b@example.com"', 'AT+QSMTPSUB=0,"x"', "AT+QSMTPBODY=0,5", "AT+QSMTPCLR", 'AT+QSMTPCFG="ssltype",1']) {
    t.is(await host.command(busy), "\r\n+CME ERROR: 652\r\n", busy);
  }
  t.is(await host.command("AT+QSMTPDST?"), `\r\n+QSMTPDST: 1,"a@example.com"\r\n${OK}`, "reads still work");
  await host.until((r) => r.includes("+QSMTPPUT: 0,0"));
  host.take();
  t.is(await host.command("AT+QSMTPCLR"), OK, "not busy after the result");
});

test("test forms of the SMTP commands", async (t) => {
  const host = await ready();
  t.is(await host.command("AT+QSMTPDST=?"), `\r\n+QSMTPDST: (0,1),(1-3),<emailaddr>\r\n${OK}`);
  t.is(await host.command("AT+QSMTPSUB=?"), `\r\n+QSMTPSUB: (0-3),<subject>\r\n${OK}`);
  t.is(await host.command("AT+QSMTPATT=?"), `\r\n+QSMTPATT: (0,1),(1-10),<file_name>\r\n${OK}`);
  t.is(await host.command("AT+QSMTPCLR=?"), OK);
  t.is(await host.command("AT+QSMTPPUT=?"), `\r\n+QSMTPPUT: (60-65535)\r\n${OK}`);
  t.is(await host.command("AT+QSMTPBODY?"), OK);
});
