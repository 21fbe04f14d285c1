// The wire trace: every byte each way, passwords masked in commands, echoes and read-backs.
import test from "ava";
import { maskCredentials } from "../../sim/trace";
import { Host } from "./harness";

test("the account and APN passwords never appear in the trace", async (t) => {
  const host = new Host();
  await host.ready(true);
  await host.command('AT+QSMTPCFG="account","me@example.com","hunter2pw"');
  await host.command('AT+QSMTPCFG="account"');
  await host.command('AT+QICSGP=1,1,"apn","user","apnsecret",1');
  await host.command("AT+QICSGP=1");
  const text = host.sim.trace.format();
  t.false(text.includes("hunter2pw"));
  t.false(text.includes("apnsecret"));
  t.true(text.includes('>> AT+QSMTPCFG=\\"account\\"'.replace(/\\"/g, '"')));
  t.true(text.includes('"me@example.com","***"'), "user names stay visible");
  t.true(text.includes('+QICSGP: 1,"apn","user","***",1'));
  t.true(host.sim.trace.entries.some((e) => e.direction === "rx" && e.text === "\\r\\nOK\\r\\n"));
});

test("every byte is in the trace, in order, each way", async (t) => {
  const host = new Host();
  await host.ready(false);
  host.sim.trace.entries.length = 0;
  await host.command("AT+CSQ");
  host.sim.trace.flush();
  const tx = host.sim.trace.entries.filter((e) => e.direction === "tx").map((e) => e.text).join("");
  const rx = host.sim.trace.entries.filter((e) => e.direction === "rx").map((e) => e.text).join("");
  t.is(tx, "AT+CSQ\\r");
  t.is(rx, "\\r\\n+CSQ: 30,99\\r\\n\\r\\nOK\\r\\n");
});

test("maskCredentials leaves other lines alone", (t) => {
  t.is(maskCredentials('AT+QSMTPCFG="sender","a","b"'), 'AT+QSMTPCFG="sender","a","b"');
  t.is(maskCredentials('+QSMTPCFG: "account","u","p"'), '+QSMTPCFG: "account","u","***"');
  t.is(maskCredentials('AT+QICSGP=1,1,"UNINET","",1'), 'AT+QICSGP=1,1,"UNINET","",1');
});
