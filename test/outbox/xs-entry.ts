// Runs inside XS for outbox-on-xs.test.ts: the real outbox over a 64 KB RamStorage of 4 KB blocks
// (the ESP32 layout), driven in rounds like the device's wakes, so the meter shows what it costs.
import { xsHost } from "../../hosts/xs/xs-host";
import { Outbox } from "../../src/outbox/outbox";
import { PowerLoss, RamStorage } from "./ram-storage";

const host = xsHost();
const storage = new RamStorage({ blocks: 16, blockSize: 4096 });
const open = () => new Outbox({ storage, random: () => 0.5 });
let outbox = open();
const payload = new Uint8Array(64);
const readBack = new Uint8Array(512);
let tag = 0;

host.expose("append", (args: { count: number }) => {
  for (let i = 0; i < args.count; i++) {
    payload[0] = tag++ & 0xff;
    outbox.append(i % 5 === 0 ? "alarm" : "report", payload);
  }
  return outbox.stats().pending;
});
host.expose("sendAll", () => {
  let sent = 0;
  for (let r = outbox.next(0); r; r = outbox.next(0)) {
    outbox.readPayload(r.id, readBack);
    outbox.markSent(r.id);
    sent++;
  }
  return sent;
});
host.expose("compact", () => outbox.compact());
host.expose("reboot", () => {
  outbox = open();
  const s = outbox.stats();
  return { pending: s.pending, corrupt: s.corrupt, torn: s.tornWrites };
});
host.expose("cutAppend", (args: { k: number }) => {
  storage.cutAfter(args.k);
  try {
    outbox.append("alarm", payload);
  } catch (e) {
    if (!(e instanceof PowerLoss)) throw e;
  }
  storage.reboot();
  outbox = open();
  const s = outbox.stats();
  return { pending: s.pending, corrupt: s.corrupt, next: outbox.append("alarm", payload) };
});
