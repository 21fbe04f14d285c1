// The ESP32 UART adapter against a fake of Moddable's ESP32 serial driver (128-byte FIFOs, "output full"
// instead of a partial write): what the AT channel may write, what it reads, and baud changes.

import test from "ava";
import { AtChannel } from "../../src/at/channel";
import type { ByteSource } from "../../src/at/types";
import { Esp32SerialLink, SerialError } from "../../hosts/esp32/serial";
import type { SerialEvents } from "../../src/host/types";
import { VirtualClock } from "../at/fakes";
import { FIFO, fakeSerialClass, Wire } from "./fakes";
import { FakeEc20 } from "./modem";
import { fakeDigitalClass } from "./fakes";
import { settle } from "./rig";

const UART = { port: 2, receive: 16, transmit: 17, baud: 115200 };

function recordingEvents() {
  const seen: string[] = [];
  const events: SerialEvents = {
    onReadable: (count) => seen.push(`readable ${count}`),
    onWritable: (count) => seen.push(`writable ${count}`),
    onError: (message) => seen.push(`error ${message}`),
  };
  return { seen, events };
}

test("the port opens the UART for buffers at the configured pins and baud, and reports the empty TX FIFO", (t) => {
  const clock = new VirtualClock();
  const Serial = fakeSerialClass(new Wire(clock));
  const { seen, events } = recordingEvents();
  new Esp32SerialLink(Serial, UART).open(events);
  const uart = Serial.instances[0];
  t.like(uart.options, { port: 2, receive: 16, transmit: 17, baud: 115200, format: "buffer" });
  t.deepEqual(seen, [], "the driver reports from a posted message, not from inside the constructor");
  clock.advance(0);
  t.deepEqual(seen, [`writable ${FIFO}`]);
});

test("a write larger than the reported writable count is refused with a typed error and never reaches the driver", (t) => {
  const clock = new VirtualClock();
  const Serial = fakeSerialClass(new Wire(clock));
  const link = new Esp32SerialLink(Serial, UART);
  const port = link.open(recordingEvents().events);
  const early = t.throws(() => port.write(new Uint8Array(1)), { instanceOf: SerialError });
  t.is(early.kind, "output-full", "nothing may be written before the driver reports space");
  clock.advance(0);
  port.write(new Uint8Array(100));
  const error = t.throws(() => port.write(new Uint8Array(29)), { instanceOf: SerialError });
  t.is(error.kind, "output-full");
  t.notThrows(() => port.write(new Uint8Array(28)), "exactly the rest of the reported count fits");
  t.is(Serial.instances[0].stats.outputFull, 0, "the driver never had to throw");
  t.is(link.stats.refusedWrites, 2);
});

test("read fills the caller's buffer and returns 0, not undefined, when the FIFO is empty", (t) => {
  const clock = new VirtualClock();
  const wire = new Wire(clock);
  const Serial = fakeSerialClass(wire);
  const port = new Esp32SerialLink(Serial, UART).open(recordingEvents().events);
  const into = new Uint8Array(16);
  t.is(port.read(into), 0);
  Serial.instances[0].arrive([0x4f, 0x4b]);
  t.is(port.read(into), 2);
  t.deepEqual([...into.subarray(0, 2)], [0x4f, 0x4b]);
});

test("setBaud reopens the UART at the new rate under the same port, ignoring the old driver's late callbacks", (t) => {
  const clock = new VirtualClock();
  const Serial = fakeSerialClass(new Wire(clock));
  const link = new Esp32SerialLink(Serial, UART);
  const { seen, events } = recordingEvents();
  const port = link.open(events);
  const old = Serial.instances[0];
  link.setBaud(921600); // before the first onWritable was delivered
  clock.advance(0);
  t.true(old.closed);
  t.is(Serial.instances.length, 2);
  t.is(Serial.instances[1].options.baud, 921600);
  t.deepEqual(seen, ["writable 0", `writable ${FIFO}`], "the count drops to 0 at the switch; only the new UART reports");
  t.notThrows(() => port.write(new Uint8Array(FIFO)));
  t.is(link.baud, 921600);
});

/** Deterministic bytes for a data phase. */
class CountingSource implements ByteSource {
  offset = 0;
  read(into: Uint8Array): number {
    for (let i = 0; i < into.length; i++) into[i] = (this.offset + i) & 0xff;
    this.offset += into.length;
    return into.length;
  }
}

test("a 10 KB data phase streams through the 128-byte FIFO without a single 'output full'", async (t) => {
  const clock = new VirtualClock();
  const wire = new Wire(clock);
  const Serial = fakeSerialClass(wire);
  const Digital = fakeDigitalClass(clock);
  const modem = new FakeEc20(wire, clock, { pwrkey: new Digital({ pin: 25, mode: Digital.Output }) }, { startOn: true });
  const link = new Esp32SerialLink(Serial, UART);
  const channel = new AtChannel({ open: link.open, clock });
  const sizes: number[] = [];
  const run = channel.run({
    line: 'AT+QFUPL="RAM:report.bin",10240,60',
    timeoutMs: 30_000,
    expect: "+QFUPL:",
    onInfo: (line) => sizes.push(line.int(0)),
    data: { length: 10240, source: new CountingSource() },
  });
  const done = await settle(clock, run);
  t.is(done.error, undefined);
  t.deepEqual(sizes, [10240], "the modem counted every byte");
  const uart = Serial.instances[0];
  t.is(uart.stats.outputFull, 0, "the driver never threw");
  t.is(link.stats.refusedWrites, 0);
  t.is(uart.stats.bytesWritten, 'AT+QFUPL="RAM:report.bin",10240,60\r'.length + 10240);
  t.is(wire.garbled, 0);
  // 10 bits per byte at 115200 baud: ~890 ms on the wire, and the FIFO kept it busy throughout.
  t.true(done.at >= 890 && done.at < 1100, `took ${done.at} ms`);
  t.is(modem.lines.length, 1);
});

test("a 10 KB burst of URCs is drained: no RX overrun and an empty FIFO after every onReadable", async (t) => {
  const clock = new VirtualClock();
  const wire = new Wire(clock);
  const Serial = fakeSerialClass(wire);
  const Digital = fakeDigitalClass(clock);
  new FakeEc20(wire, clock, { pwrkey: new Digital({ pin: 25, mode: Digital.Output }) }, { startOn: true });
  const link = new Esp32SerialLink(Serial, UART);
  const channel = new AtChannel({ open: link.open, clock });
  let urcs = 0;
  channel.subscribe("+QIURC:", () => urcs++);
  const line = '\r\n+QIURC: "recv",1,"0123456789012345678901234567890123456789"\r\n';
  const count = Math.ceil(10240 / line.length);
  for (let i = 0; i < count; i++) wire.sendTextToHost(line);
  clock.advance(1500);
  const uart = Serial.instances[0];
  t.is(urcs, count);
  t.is(uart.stats.overruns, 0);
  t.is(uart.stats.leftAfterReadable, 0, "each onReadable emptied the FIFO");
  t.true(link.stats.bytesIn >= 10240);
});
