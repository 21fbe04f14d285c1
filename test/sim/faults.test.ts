// Scripted faults: error on the Nth use, no answer, reboot mid-session, pdpdeact (timed and during
// QSMTPPUT), garbage and lost bytes on the wire, URC noise between echo and OK, and the CLI syntax.
import test from "ava";
import { parseFault } from "../../sim/index";
import { Host } from "./harness";

const OK = "\r\nOK\r\n";

test("an error code on the Nth use of a command only", async (t) => {
  const host = new Host({ faults: [{ kind: "error", command: "QSMTPDST", nth: 2, code: 652 }] });
  await host.ready(false);
  t.is(await host.command('AT+QSMTPDST=1,1,"a@b.c"'), OK);
  t.is(await host.command('AT+QSMTPDST=1,1,"b@b.c"'), "\r\n+CME ERROR: 652\r\n");
  t.is(await host.command('AT+QSMTPDST=1,1,"c@b.c"'), OK);
  t.deepEqual(host.sim.inspect().smtp.recipients.map((r) => r.address), ["a@b.c", "c@b.c"]);
});

test("no answer: the command is dropped and the modem goes on with the next", async (t) => {
  const host = new Host({ faults: [{ kind: "silent", command: "AT+CSQ", nth: 1 }] });
  await host.ready(false);
  host.write("AT+CSQ\r");
  await host.advance(5_000);
  t.is(host.take(), "");
  t.is(await host.command("AT+CSQ"), `\r\n+CSQ: 30,99\r\n${OK}`);
});

test("a reboot mid-session loses RAM files, the email and the PDP context; UFS survives", async (t) => {
  const host = new Host({ faults: [{ kind: "reboot", command: "QSMTPSUB", nth: 1 }] });
  await host.ready(false);
  await host.command("AT+QIACT=1");
  await host.command('AT+QSMTPDST=1,1,"a@b.c"');
  for (const name of ["RAM:r.txt", "u.txt"]) {
    await host.command(`AT+QFUPL="${name}",1`);
    host.write("x");
    await host.until((r) => r.endsWith(OK));
    host.take();
  }
  host.write('AT+QSMTPSUB=0,"hi"\r');
  await host.until((r) => r.includes("RDY"));
  t.is(host.take(), "\r\nRDY\r\n", "no answer, then RDY");
  const state = host.sim.inspect();
  t.deepEqual([...state.files.keys()], ["UFS:u.txt"]);
  t.deepEqual(state.smtp.recipients, []);
  t.deepEqual(state.pdp.active, []);
  t.true(state.echo, "echo is back on");
  t.is(state.stats.reboots, 1);
});

test("a reboot at a time, also in the middle of data mode", async (t) => {
  const host = new Host({ faults: [{ kind: "reboot", atMs: 40_000 }] });
  await host.ready(false);
  t.is(await host.command("AT+QSMTPBODY=0,100,120"), "\r\nCONNECT\r\n");
  host.write("partial body");
  await host.until((r) => r.includes("RDY"));
  t.is(host.take(), "\r\nRDY\r\n");
  t.false(host.sim.inspect().inDataMode);
  t.is(await host.command("AT"), "AT\r\r\nOK\r\n");
});

test("pdpdeact during QSMTPPUT: the URC, then +QSMTPPUT: 657,0", async (t) => {
  const host = new Host({ urcport: "uart1", faults: [{ kind: "pdpdeact", command: "QSMTPPUT", nth: 1, delayMs: 500 }] });
  await host.ready(false);
  await host.command("AT+QIACT=1");
  await host.command('AT+QSMTPCFG="smtpserver","smtp.example.com",25');
  await host.command('AT+QSMTPDST=1,1,"a@b.c"');
  t.is(await host.command("AT+QSMTPPUT=60"), OK);
  await host.until((r) => r.includes("+QSMTPPUT:"));
  t.is(host.take(), '\r\n+QIURC: "pdpdeact",1\r\n\r\n+QSMTPPUT: 657,0\r\n');
  await host.advance(5_000);
  t.is(host.take(), "", "the engine's late result is not reported twice");
});

test("pdpdeact at a time", async (t) => {
  const host = new Host({ urcport: "all", faults: [{ kind: "pdpdeact", atMs: 30_000 }] });
  await host.ready(false);
  await host.command("AT+QIACT=1");
  await host.until((r) => r.includes("pdpdeact"));
  t.is(host.take(), '\r\n+QIURC: "pdpdeact",1\r\n');
  t.true(host.clock.now() >= 30_000);
});

test("URC noise between the echo and the OK", async (t) => {
  const host = new Host({ faults: [{ kind: "noise", command: "QSMTPDST", nth: 1, text: "+CREG: 0,1" }] });
  await host.ready(true);
  t.is(await host.command('AT+QSMTPDST=1,1,"a@b.c"'), 'AT+QSMTPDST=1,1,"a@b.c"\r\r\n+CREG: 0,1\r\n\r\nOK\r\n');
});

test("garbage bytes before an answer", async (t) => {
  const host = new Host({ faults: [{ kind: "garbage", command: "AT", nth: 1, text: "\xff\x00zz" }] });
  await host.ready(false);
  t.is(await host.command("AT"), `\xff\x00zz${OK}`);
});

test("bytes lost on the way to the host", async (t) => {
  const lossy = new Host({ faults: [{ kind: "lose", direction: "toHost", offset: 10, count: 2 }] });
  await lossy.boot(); // "\r\nRDY\r\n" is bytes 0-6, the echo "AT\r" 7-9
  lossy.write("AT\r");
  await lossy.advance(1_000);
  t.is(lossy.take(), "AT\rOK\r\n", "bytes 10 and 11 (the CR LF before OK) never arrive");
});

test("bytes corrupted on the way to the modem turn a command into an unknown one", async (t) => {
  const host = new Host({ faults: [{ kind: "corrupt", direction: "toModem", offset: 1, count: 1 }] });
  await host.boot();
  host.write("AT\r");
  await host.advance(1_000);
  t.is(host.take(), "A\x01\r", "the echo shows the corrupted byte; no AT prefix, no answer");
});

test("CLI fault syntax", (t) => {
  t.deepEqual(parseFault("error:QSMTPPUT#2=652"), { kind: "error", command: "QSMTPPUT", nth: 2, code: 652 });
  t.deepEqual(parseFault("error:CSQ"), { kind: "error", command: "CSQ", nth: 1 });
  t.deepEqual(parseFault("silent:CSQ#3"), { kind: "silent", command: "CSQ", nth: 3 });
  t.deepEqual(parseFault("reboot@30000"), { kind: "reboot", atMs: 30000 });
  t.deepEqual(parseFault("pdpdeact:QSMTPPUT#1=500"), { kind: "pdpdeact", command: "QSMTPPUT", nth: 1, delayMs: 500 });
  t.deepEqual(parseFault("garbage@5000=xyz"), { kind: "garbage", atMs: 5000, text: "xyz" });
  t.deepEqual(parseFault("noise:QSMTPDST#1=+CREG: 0,1"), { kind: "noise", command: "QSMTPDST", nth: 1, text: "+CREG: 0,1" });
  t.deepEqual(parseFault("lose:toHost@120x3"), { kind: "lose", direction: "toHost", offset: 120, count: 3 });
  t.throws(() => parseFault("explode"));
  t.throws(() => parseFault("lose:sideways@1x1"));
});
