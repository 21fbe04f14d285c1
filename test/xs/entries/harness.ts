// Runs inside XS for test/xs/harness.test.ts: a tiny line-echo device on port "modem" built from
// the real framer in src/, plus functions that prove each path of the harness (values, bytes,
// timers, logs, events, exceptions).

import { Framer } from "../../../src/at/framer";
import { ascii } from "../../../src/at/line";
import { silentLog } from "../../../src/host/types";
import { xsHost } from "../../../hosts/xs/xs-host";

const host = xsHost();
const port = host.serial("modem")({
  onReadable: () => {
    let n: number;
    while ((n = port.read(rx)) > 0) framer.push(rx, 0, n);
  },
  onWritable: (count) => {
    writable = count;
    flush();
  },
  onError: (message) => host.emit("port-error", message),
});
// A small device: answers "PING <n>" with "PONG <n>", and keeps what it could not write yet.
const rx = new Uint8Array(16);
let writable = 0;
let pending: number[] = [];
const framer = new Framer({
  onLine(line) {
    const text = line.text();
    host.log("debug", `rx ${text}`);
    host.emit("line", text);
    if (text.startsWith("PING ")) send(`PONG ${text.slice(5)}\r\n`);
  },
  onAck() {},
  onPrompt() {},
  onOverflow() {},
});

function send(text: string): void {
  for (const b of ascii(text)) pending.push(b);
  flush();
}

function flush(): void {
  while (pending.length > 0 && writable > 0) {
    const n = Math.min(writable, pending.length);
    writable -= n;
    port.write(Uint8Array.from(pending.slice(0, n)));
    pending = pending.slice(n);
  }
}

// A second port nobody reads, to show overrun accounting.
host.serial("deaf", { rxCapacity: 128 })({ onReadable() {}, onWritable() {}, onError() {} });

host.expose("echo", (args, bytes) => ({ args, byteCount: bytes.length, silentLog: typeof silentLog }));
host.expose("reverse", (_args, bytes) => Uint8Array.from(bytes).reverse());
host.expose("send", (args: { text: string }) => send(args.text));
host.expose("timer", (args: { ms: number; text: string }) => {
  host.clock.setTimer(() => {
    host.emit("timer", { at: host.clock.now(), text: args.text });
    send(`${args.text}\r\n`);
  }, args.ms);
});
host.expose("chainedTimers", (args: { ms: number }) => {
  // A timer whose promise continuation sets the next timer: shows promise jobs run between deadlines.
  host.clock.setTimer(() => {
    void Promise.resolve().then(() =>
      host.clock.setTimer(() => host.emit("chained", host.clock.now()), args.ms),
    );
  }, args.ms);
});
host.expose("failingTimer", (args: { ms: number }) => {
  host.clock.setTimer(() => {
    throw new RangeError("timer callback failed");
  }, args.ms);
});
host.expose("throw", () => {
  throw new TypeError("deliberate failure inside XS");
});
host.expose("later", async (args: { value: number }) => {
  await null;
  return args.value * 2;
});
host.expose("never", () => new Promise(() => {}));
host.expose("spin", () => {
  for (;;);
});
host.expose("work", (args: { n: number }) => {
  let sum = 0;
  for (let i = 0; i < args.n; i++) sum += i;
  return sum;
});
