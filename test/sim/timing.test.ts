// The timing model: 10 bits per byte at the configured rate both ways, command latencies, one time
// factor for everything, AT+IPR taking effect after its OK, and the in-process port's write window.
import test from "ava";
import { createSimulator, VirtualClock } from "../../sim/index";
import { Host } from "./harness";

test("an AT exchange at 9600 baud takes the wire time of 12 bytes plus the latency", async (t) => {
  const host = new Host({ baud: 9600 });
  await host.ready(true);
  const start = host.clock.now();
  t.is(await host.command("AT"), "AT\r\r\nOK\r\n");
  const elapsed = host.clock.now() - start;
  const byteMs = 10_000 / 9600;
  t.is(host.sim.timing.byteMs(), byteMs);
  // 3 bytes out, then the latency (longer than the 3-byte echo), then 6 bytes back.
  const floor = host.sim.timing.floorMs("", 3, 6);
  t.true(elapsed >= floor - 1e-9, `${elapsed} >= ${floor}`);
  t.true(elapsed < floor + byteMs, `${elapsed} < ${floor + byteMs}`);
});

test("one time factor scales RDY, latencies, the UART and command timeouts", async (t) => {
  const host = new Host({ timeFactor: 0.01 });
  await host.boot();
  t.true(host.clock.now() >= 120 && host.clock.now() < 121, `RDY at ${host.clock.now()}`);
  t.is(host.sim.timing.byteMs(), (10_000 / 115200) * 0.01);
  t.is(host.sim.timing.commandMs("+QIACT"), 8);
  await host.advance(100);
  host.take();
  await host.command("ATE0");
  t.is(await host.command("AT+QSMTPBODY=0,10,120"), "\r\nCONNECT\r\n");
  const start = host.clock.now();
  await host.until((r) => r.endsWith("OK\r\n"));
  t.true(Math.abs(host.clock.now() - start - 1_200) < 2, "input_time 120 s becomes 1.2 s");
});

test("AT+IPR: the OK comes at the old rate, then a host at the old rate reads garbage", async (t) => {
  const host = new Host();
  await host.ready(false);
  t.is(await host.command("AT+IPR=9600"), "\r\nOK\r\n");
  t.is(host.sim.inspect().baud, 9600);
  host.write("AT\r");
  await host.advance(1_000);
  t.not(host.take(), "\r\nOK\r\n");
  host.sim.setHostBaud(9600);
  t.is(await host.command("AT"), "\r\nOK\r\n");
  t.is(await host.command("AT+IPR?"), "\r\n+IPR: 9600\r\n\r\nOK\r\n");
  t.is(await host.command("AT+IPR=1234"), "\r\nERROR\r\n");
});

test("the driver port refuses writes beyond the writable count and reports room asynchronously", async (t) => {
  const clock = new VirtualClock();
  const sim = createSimulator({ scheduler: clock });
  const writable: number[] = [];
  const port = sim.openDriverPort({ onReadable: () => {}, onWritable: (n) => writable.push(n), onError: () => {} });
  t.deepEqual(writable, [], "nothing synchronous from open()");
  await clock.advance(0);
  t.deepEqual(writable, [128]);
  t.throws(() => port.write(new Uint8Array(129)));
  port.write(new Uint8Array(100));
  t.throws(() => port.write(new Uint8Array(29)));
  await clock.advance(1_000);
  t.is(writable[writable.length - 1], 128, "the FIFO drained at the baud rate");
  t.is(sim.portStats.refusedWrites, 2);
  t.throws(() => sim.openDriverPort({ onReadable: () => {}, onWritable: () => {}, onError: () => {} }), undefined, "one port at a time");
});

test("bytes the driver does not read in time overflow its receive buffer", async (t) => {
  const clock = new VirtualClock();
  const sim = createSimulator({ scheduler: clock, hostRxCapacity: 4 });
  sim.openDriverPort({ onReadable: () => {}, onWritable: () => {}, onError: () => {} });
  sim.powerOn();
  await clock.advance(13_000);
  t.is(sim.portStats.rxOverflow, 3, "\\r\\nRDY\\r\\n is 7 bytes");
});

test("+++ guard: the escape needs 1 s of silence after it too", async (t) => {
  const host = new Host();
  await host.ready(false);
  await host.command("AT+QSMTPBODY=0,100,120");
  host.write("body");
  await host.advance(1_100);
  host.write("+++");
  await host.advance(900);
  t.is(host.peek(), "", "not yet: the silence after is not over");
  await host.advance(200);
  t.is(host.take(), "\r\n+QSMTPBODY: 4\r\n\r\nOK\r\n");
});

test("a DTR rise ends body input like +++ with AT&D1, and is ignored with AT&D0", async (t) => {
  const host = new Host();
  await host.ready(false);
  await host.command("AT&D1");
  await host.command("AT+QSMTPBODY=0,100,120");
  host.write("short");
  await host.advance(50);
  host.sim.setDtr(1);
  await host.until((r) => r.endsWith("OK\r\n"));
  t.is(host.take(), "\r\n+QSMTPBODY: 5\r\n\r\nOK\r\n");
  host.sim.setDtr(0);
  await host.command("AT&D0");
  await host.command("AT+QSMTPBODY=0,100,120");
  host.write("short");
  await host.advance(50);
  host.sim.setDtr(1);
  await host.advance(1_000);
  t.is(host.take(), "", "still in data mode");
});
