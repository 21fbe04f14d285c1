import test from "ava";
import { OutboxError } from "../../src/outbox/errors";
import { Outbox } from "../../src/outbox/outbox";
import { RamStorage } from "./ram-storage";
import { contents, openOutbox, payloadFor, sameBytes, smallStorage } from "./harness";

test("records survive a reboot intact, with their ids", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const a = outbox.append("report", payloadFor(1));
  const b = outbox.append("alarm", payloadFor(2, 40));
  const c = outbox.append("report", new Uint8Array(0));
  const held = contents(openOutbox(storage));
  t.deepEqual([...held.keys()], [a, b, c]);
  t.true(sameBytes(held.get(a)!.payload, payloadFor(1)));
  t.true(sameBytes(held.get(b)!.payload, payloadFor(2, 40)));
  t.is(held.get(b)!.kind, "alarm");
  t.is(held.get(c)!.payload.length, 0);
});

test("alarms come first, then reports oldest first", (t) => {
  const outbox = openOutbox(smallStorage());
  const r1 = outbox.append("report", payloadFor(1));
  const a1 = outbox.append("alarm", payloadFor(2));
  const r2 = outbox.append("report", payloadFor(3));
  const a2 = outbox.append("alarm", payloadFor(4));
  const order: number[] = [];
  for (let r = outbox.next(0); r; r = outbox.next(0)) {
    order.push(r.id);
    outbox.markSent(r.id);
  }
  t.deepEqual(order, [a1, a2, r1, r2]);
  t.is(outbox.stats().pending, 0);
});

test("a record not marked sent is delivered again after a reboot; a sent one is not", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const sent = outbox.append("report", payloadFor(1));
  const unsent = outbox.append("report", payloadFor(2));
  t.true(outbox.markSent(sent));
  // reset before +QSMTPPUT: 0,0 arrived for `unsent`
  const after = openOutbox(storage);
  t.is(after.peek(0)?.id, unsent);
  t.deepEqual([...contents(after).keys()], [unsent]);
  t.false(after.markSent(sent), "marking an unknown id is harmless");
});

test("ids keep growing across reboots even when every record was sent and compacted away", (t) => {
  const storage = smallStorage();
  let outbox = openOutbox(storage);
  let last = 0;
  for (let round = 0; round < 30; round++) {
    const id = outbox.append(round % 3 ? "report" : "alarm", payloadFor(round, 30));
    t.true(id > last);
    last = id;
    outbox.markSent(id);
    outbox.compact();
    outbox = openOutbox(storage);
  }
  t.is(outbox.append("report", payloadFor(0)), last + 1);
});

test("a transient failure schedules a retry with backoff that survives a reboot", (t) => {
  const storage = smallStorage();
  const outbox = new Outbox({ storage, random: () => 0, maxPayload: 40 });
  const id = outbox.append("alarm", payloadFor(1));
  t.deepEqual(outbox.markFailed(id, "transient", 0, 1000), { dead: false, notBefore: 1060 });
  t.is(outbox.peek(1059), undefined);
  t.is(outbox.peek(1060)?.id, id);
  t.deepEqual(outbox.markFailed(id, "transient", 0, 1060), { dead: false, notBefore: 1180 });
  const after = new Outbox({ storage, random: () => 0, maxPayload: 40 });
  const r = after.get(id)!;
  t.is(r.attempts, 2);
  t.is(r.notBefore, 1180);
  t.is(after.peek(1100), undefined);
});

test("nextDueAt tells the app when to wake for the next session", (t) => {
  const outbox = new Outbox({ storage: smallStorage(), random: () => 0, maxPayload: 40 });
  t.is(outbox.nextDueAt(0), -1);
  const a = outbox.append("alarm", payloadFor(1));
  const b = outbox.append("report", payloadFor(2));
  t.is(outbox.nextDueAt(500), 500);
  outbox.markFailed(a, "transient", 0, 1000);
  outbox.markFailed(b, "throttled", 421, 1000);
  t.is(outbox.nextDueAt(1000), 1060);
  t.is(outbox.peek(1060)?.id, a);
});

test("a retry time beyond the longest backoff means the clock went back: the record is due", (t) => {
  const outbox = new Outbox({ storage: smallStorage(), random: () => 0, maxPayload: 40 });
  const id = outbox.append("report", payloadFor(1));
  outbox.markFailed(id, "transient", 0, 1_000_000);
  t.is(outbox.peek(1_000_000), undefined);
  t.is(outbox.peek(5)?.id, id, "after a power loss without RTC the clock restarts near 0");
});

test("a permanent failure makes a dead letter, counted once with its code, until reset", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const id = outbox.append("report", payloadFor(1));
  t.deepEqual(outbox.markFailed(id, "permanent", 550, 0), { dead: true, notBefore: 0 });
  t.is(outbox.peek(0), undefined);
  let after = openOutbox(storage);
  let stats = after.stats();
  t.is(stats.permanentFailures, 1);
  t.is(stats.lastPermanentCode, 550);
  t.is(stats.pending, 0);
  after.resetCounters(stats);
  after = openOutbox(storage);
  t.is(after.stats().permanentFailures, 0);
});

test("when full, the oldest reports are dropped first, alarms never, and drops are counted", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const budget = outbox.stats().budgetBytes;
  const reports: number[] = [];
  const alarms: number[] = [];
  // entry of a 12-byte payload = 36 bytes
  const fit = Math.floor(budget / 36);
  for (let i = 0; i < fit; i++) (i % 4 === 0 ? alarms : reports).push(outbox.append(i % 4 === 0 ? "alarm" : "report", payloadFor(i)));
  t.is(outbox.stats().droppedReports, 0);
  const extra = outbox.append("report", payloadFor(999));
  const stats = outbox.stats();
  t.is(stats.droppedReports, 1);
  t.is(outbox.get(reports[0]), undefined, "the oldest report went");
  for (const a of alarms) t.truthy(outbox.get(a));
  t.truthy(outbox.get(extra));
  const after = openOutbox(storage);
  t.is(after.stats().droppedReports, 1);
  t.deepEqual([...contents(after).keys()], [...contents(outbox).keys()]);
});

test("with only alarms left and no room, an alarm is refused with a typed error and counted", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const ids: number[] = [];
  let refused: unknown;
  for (let i = 0; i < 100 && !refused; i++) {
    try {
      ids.push(outbox.append("alarm", payloadFor(i)));
    } catch (e) {
      refused = e;
    }
  }
  t.true(refused instanceof OutboxError);
  t.is((refused as OutboxError).code, "full");
  t.true((refused as OutboxError).retryable);
  const after = openOutbox(storage);
  t.is(after.stats().refusedAlarms, 1);
  t.deepEqual([...contents(after).keys()], ids, "every accepted alarm is still there");
  // sending some makes room again
  after.markSent(ids[0]);
  after.markSent(ids[1]);
  t.true(after.append("alarm", payloadFor(500)) > ids[ids.length - 1]);
});

test("the RAM index bound is a capacity limit like bytes: reports dropped, alarms refused", (t) => {
  const outbox = new Outbox({ storage: smallStorage(), random: () => 0, maxPayload: 40, maxRecords: 3 });
  const a = outbox.append("alarm", payloadFor(1));
  const r = outbox.append("report", payloadFor(2));
  const b = outbox.append("alarm", payloadFor(3));
  const c = outbox.append("alarm", payloadFor(4));
  t.is(outbox.get(r), undefined);
  t.deepEqual([a, b, c].map((id) => outbox.get(id)?.id), [a, b, c]);
  t.throws(() => outbox.append("alarm", payloadFor(5)), { instanceOf: OutboxError, message: /full/ });
  t.throws(() => outbox.append("report", payloadFor(6)), { instanceOf: OutboxError });
  t.is(outbox.stats().refusedReports, 1);
});

test("a flipped bit is detected: that record is skipped and counted, all others recovered", (t) => {
  for (const where of ["payload", "length field", "crc"] as const) {
    const storage = smallStorage();
    const outbox = openOutbox(storage);
    const ids = [1, 2, 3, 4, 5].map((i) => outbox.append("report", payloadFor(i)));
    // record 3 (36 bytes each) starts at 24 + 2 * 36 in block 0
    const start = 24 + 2 * 36;
    const offset = where === "payload" ? start + 25 : where === "length field" ? start + 8 : start + 32;
    storage.bytes[offset] ^= 0x04;
    const after = openOutbox(storage);
    t.deepEqual([...contents(after).keys()], [ids[0], ids[1], ids[3], ids[4]], where);
    t.is(after.stats().corrupt, 1, where);
    t.true(after.append("report", payloadFor(9)) > ids[4], where);
  }
});

test("bit rot after boot is caught when the payload is read, not sent as if valid", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const id = outbox.append("alarm", payloadFor(1));
  storage.bytes[24 + 22] ^= 1;
  t.throws(() => outbox.readPayload(id, new Uint8Array(40)), { instanceOf: OutboxError, message: /checksum/ });
});

test("the last record of a block that was overwritten by rot counts as corruption, not a cut write", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const ids: number[] = [];
  for (let i = 0; i < 8; i++) ids.push(outbox.append("report", payloadFor(i, 40)));
  // 68-byte entries: three per 256-byte block; ids[2] is the last entry of block 0
  storage.bytes[24 + 2 * 68 + 30] ^= 0x80;
  const after = openOutbox(storage);
  t.is(after.stats().corrupt, 1);
  t.is(after.stats().tornWrites, 0);
  t.deepEqual([...contents(after).keys()], ids.filter((_, i) => i !== 2));
});

test("compact() erases blocks whose records were all sent and keeps the pending ones", (t) => {
  const storage = smallStorage();
  const outbox = openOutbox(storage);
  const ids: number[] = [];
  for (let i = 0; i < 12; i++) ids.push(outbox.append("report", payloadFor(i, 40)));
  for (const id of ids.slice(0, 10)) outbox.markSent(id);
  const erasesBefore = storage.erases;
  t.true(outbox.compact() >= 3);
  t.true(storage.erases > erasesBefore);
  const after = openOutbox(storage);
  t.deepEqual([...contents(after).keys()], ids.slice(10));
});

test("a long life of appends, sends and failures never writes a bit flash cannot write", (t) => {
  const storage = smallStorage({ strictFlash: true });
  let outbox = openOutbox(storage);
  let now = 0;
  for (let i = 0; i < 2000; i++) {
    const r = outbox.peek(now);
    if (i % 3 === 0 && r) {
      if (i % 9 === 0) outbox.markFailed(r.id, "transient", 1, now);
      else outbox.markSent(r.id);
    } else {
      try {
        outbox.append(i % 5 ? "report" : "alarm", payloadFor(i, i % 41));
      } catch (e) {
        t.is((e as OutboxError).code, "full");
      }
    }
    if (i % 97 === 0) outbox = openOutbox(storage);
    now += 30;
  }
  t.is(outbox.stats().corrupt, 0);
});

test("a file-mode store (overwrite, not AND) works the same", (t) => {
  const storage = smallStorage({ mode: "file" });
  const outbox = openOutbox(storage);
  const ids = [1, 2, 3].map((i) => outbox.append("alarm", payloadFor(i)));
  outbox.markSent(ids[1]);
  t.deepEqual([...contents(openOutbox(storage)).keys()], [ids[0], ids[2]]);
});

test("bad sizes are refused with typed errors", (t) => {
  const outbox = openOutbox(smallStorage());
  t.throws(() => outbox.append("report", new Uint8Array(41)), { instanceOf: OutboxError, message: /payload/ });
  t.throws(() => openOutbox(new RamStorage({ blocks: 2, blockSize: 256 })), { instanceOf: OutboxError });
  t.throws(() => outbox.readPayload(12345, new Uint8Array(40)), { instanceOf: OutboxError });
});

test("a 64 KB partition of 4 KB blocks has the documented budget", (t) => {
  const outbox = new Outbox({ storage: new RamStorage({ blocks: 16, blockSize: 4096 }), random: () => 0 });
  t.is(outbox.stats().budgetBytes, 53016);
  t.is(outbox.stats().freeSlots, 256);
});
