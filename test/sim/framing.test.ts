// Power-up and response framing: boot URCs, echo with its CR, ATV0/ATV1, AT+CMEE 0/1/2, unknown
// commands, general status commands.
import test from "ava";
import { Host } from "./harness";

test("echo is on at power-up and includes the CR: AT\\r gives AT\\r\\r\\nOK\\r\\n", async (t) => {
  const host = new Host();
  await host.ready();
  t.is(await host.command("AT"), "AT\r\r\nOK\r\n");
});

test("ATE0 turns echo off; its own answer is still echoed", async (t) => {
  const host = new Host();
  await host.ready();
  t.is(await host.command("ATE0"), "ATE0\r\r\nOK\r\n");
  t.is(await host.command("AT"), "\r\nOK\r\n");
  t.is(await host.command("ATE1"), "\r\nOK\r\n");
  t.is(await host.command("AT"), "AT\r\r\nOK\r\n");
});

test("RDY arrives about 12 s after power-on and nothing is answered before it", async (t) => {
  const host = new Host();
  host.sim.powerOn();
  host.write("AT\r");
  await host.advance(11_900);
  t.is(host.peek(), "");
  await host.until((r) => r.includes("RDY"));
  t.is(host.take(), "\r\nRDY\r\n");
  t.true(host.clock.now() >= 12_000 && host.clock.now() < 12_100);
});

test("boot URCs follow RDY in order when the URC port includes the UART", async (t) => {
  const host = new Host({ urcport: "uart1" });
  await host.boot();
  await host.advance(7_000);
  t.is(host.take(), ["+CFUN: 1", "+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE", "+QIND: PB DONE"].map((l) => `\r\n${l}\r\n`).join(""));
});

test("with the factory URC port (usbat) the routed boot URCs do not reach the UART", async (t) => {
  const host = new Host();
  await host.boot();
  await host.advance(7_000);
  t.is(host.take(), "");
  t.is(await host.command('AT+QURCCFG="urcport"'), 'AT+QURCCFG="urcport"\r\r\n+QURCCFG: "urcport","usbat"\r\n\r\nOK\r\n');
});

test("an unknown command answers a bare ERROR even with CMEE=2", async (t) => {
  const host = new Host();
  await host.ready(false);
  await host.command("AT+CMEE=2");
  t.is(await host.command("ATBOGUS"), "\r\nERROR\r\n");
  t.is(await host.command("AT+NOSUCH?"), "\r\nERROR\r\n");
});

test("AT+CMEE selects bare ERROR, numeric or verbose CME errors", async (t) => {
  const host = new Host();
  await host.ready(false);
  t.is(await host.command("AT+QSMTPPUT=30"), "\r\n+CME ERROR: 664\r\n");
  await host.command("AT+CMEE=0");
  t.is(await host.command("AT+QSMTPPUT=30"), "\r\nERROR\r\n");
  await host.command("AT+CMEE=2");
  t.is(await host.command("AT+QSMTPPUT=30"), "\r\n+CME ERROR: The input parameter is wrong\r\n");
  t.is(await host.command("AT+CMEE?"), "\r\n+CMEE: 2\r\n\r\nOK\r\n");
});

test("ATV0 gives numeric result codes and unframed information lines", async (t) => {
  const host = new Host();
  await host.ready(false);
  t.is(await host.command("ATV0"), "0\r");
  t.is(await host.command("AT+CSQ"), "+CSQ: 30,99\r\n0\r");
  t.is(await host.command("ATBOGUS"), "4\r");
  t.is(await host.command("ATV1"), "\r\nOK\r\n");
});

test("ATI, AT+CPIN?, registration and signal reads", async (t) => {
  const host = new Host();
  await host.boot();
  host.take();
  await host.command("ATE0");
  t.is(await host.command("AT+CREG?"), "\r\n+CREG: 0,2\r\n\r\nOK\r\n", "searching right after boot");
  t.is(await host.command("AT+CSQ"), "\r\n+CSQ: 99,99\r\n\r\nOK\r\n");
  await host.advance(3_000);
  t.is(await host.command("AT+CREG?"), "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
  t.is(await host.command("AT+CGREG?"), "\r\n+CGREG: 0,1\r\n\r\nOK\r\n");
  t.is(await host.command("AT+CEREG?"), "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
  t.is(await host.command("AT+CGATT?"), "\r\n+CGATT: 1\r\n\r\nOK\r\n");
  t.is(await host.command("AT+CPIN?"), "\r\n+CPIN: READY\r\n\r\nOK\r\n");
  t.is(await host.command("ATI"), "\r\nQuectel\r\nEC20F\r\nRevision: EC20CEFAGR06A15M4G\r\n\r\nOK\r\n");
  t.is(await host.command("AT&D1"), "\r\nOK\r\n");
  t.is(await host.command("AT+QSCLK=1"), "\r\nOK\r\n");
});

test("without a SIM, AT+CPIN? answers +CME ERROR: 10", async (t) => {
  const host = new Host({ simPresent: false });
  await host.ready(false);
  t.is(await host.command("AT+CPIN?"), "\r\n+CME ERROR: 10\r\n");
});

test("AT+QPOWD answers OK, then POWERED DOWN, then the modem is off", async (t) => {
  const host = new Host();
  await host.ready(false);
  t.is(await host.command("AT+QPOWD=1"), "\r\nOK\r\n");
  await host.until((r) => r.includes("POWERED DOWN"));
  t.is(host.take(), "\r\nPOWERED DOWN\r\n");
  t.is(host.sim.inspect().power, "off");
  host.write("AT\r");
  await host.advance(1_000);
  t.is(host.take(), "");
});

test("a command line may be split into pieces and keeps LF-tolerance", async (t) => {
  const host = new Host();
  await host.ready(false);
  host.write("AT+C");
  await host.advance(50);
  host.write("SQ\r\n");
  await host.until((r) => r.endsWith("OK\r\n"));
  t.is(host.take(), "\r\n+CSQ: 30,99\r\n\r\nOK\r\n");
});
