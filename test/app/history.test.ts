// The readings history ring and the CSV streamed from it: what is kept, what survives a reset, and
// that the CSV's declared length is exactly what streams out and parses back to the readings.
import test from "ava";
import fc from "fast-check";
import { formatFixed, formatUtc } from "../../src/app/ascii";
import { newRecord, ReadingHistory } from "../../src/app/history";
import { ReadingLines } from "../../src/app/lines";
import { asciiBytes } from "../../src/app/ascii";
import { RamStorage } from "../outbox/ram-storage";
import { drain, parseCsv } from "./fakes";

const names = { ids: ["temp", "hum"], decimals: [2, 1] };

function csvOf(history: ReadingHistory, from = 0, to = history.nextSeq) {
  return new ReadingLines({ history, fromSeq: from, toSeq: to, names, prefix: asciiBytes("time,source,value\n"), eol: "\n" });
}

test("records read back; the ring keeps the newest when it wraps, erasing one block ahead", (t) => {
  const storage = new RamStorage({ blocks: 4, blockSize: 256, mode: "flash" }); // 64 slots, 16 per block
  const h = new ReadingHistory(storage);
  t.is(h.capacity, 64);
  for (let i = 0; i < 200; i++) t.is(h.append(1_000_000 + i, i % 2, i / 4), i);
  const r = newRecord();
  let kept = 0;
  for (let seq = 0; seq < 200; seq++) {
    if (!h.read(seq, r)) continue;
    kept++;
    t.deepEqual(r, { seq, time: 1_000_000 + seq, value: seq / 4, source: seq % 2 });
  }
  t.true(kept >= 64 - 16 && kept <= 64, String(kept));
  t.true(h.read(199, r));
  t.false(h.read(200 - 64, r), "overwritten");
});

test("the head is found again after a reset: from a stale hint, and by a full scan without one", (t) => {
  const storage = new RamStorage({ blocks: 4, blockSize: 256, mode: "flash" });
  const h = new ReadingHistory(storage);
  for (let i = 0; i < 150; i++) h.append(i, 0, i);
  t.is(new ReadingHistory(storage, 140).nextSeq, 150);
  t.is(new ReadingHistory(storage).nextSeq, 150);
  const again = new ReadingHistory(storage, 150);
  t.is(again.append(150, 0, 150), 150);
});

test("a write cut by a power loss leaves a slot that is skipped, never programmed over", (t) => {
  const storage = new RamStorage({ blocks: 4, blockSize: 256, mode: "flash", strictFlash: true, tornByte: () => 0x5a });
  const h = new ReadingHistory(storage);
  for (let i = 0; i < 5; i++) h.append(i, 0, i);
  storage.cutAfter(7);
  t.throws(() => h.append(5, 0, 5));
  storage.reboot();
  const after = new ReadingHistory(storage, 5);
  t.is(after.nextSeq, 5, "the torn record is not a record");
  t.is(after.append(6, 0, 6), 6, "skips the torn slot (strict flash would throw on a rewrite)");
  const r = newRecord();
  t.false(after.read(5, r));
  t.true(after.read(6, r));
  t.is(r.value, 6);
});

test("an erase cut part-way is redone when the ring next enters the block", (t) => {
  const storage = new RamStorage({ blocks: 4, blockSize: 256, mode: "flash" });
  const h = new ReadingHistory(storage);
  for (let i = 0; i < 64; i++) h.append(i, 0, i);
  storage.cutAfter(100); // slot 64 = block 0: the erase stops after 100 bytes
  t.throws(() => h.append(64, 0, 64));
  storage.reboot();
  const after = new ReadingHistory(storage, 64);
  t.is(after.append(64, 0, 64), 64);
  const r = newRecord();
  t.true(after.read(64, r));
  for (let seq = 65; seq < 80; seq++) t.false(after.read(seq, r));
});

test("property: the CSV streams exactly its declared length and parses back to the stored readings", (t) => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ dt: fc.integer({ min: 0, max: 100_000 }), source: fc.integer({ min: 0, max: 2 }), value: fc.float({ min: -1e6, max: 1e6, noNaN: true }) }), { maxLength: 150 }),
      (rows) => {
        const storage = new RamStorage({ blocks: 4, blockSize: 256, mode: "flash" });
        const h = new ReadingHistory(storage);
        let time = 1_700_000_000;
        for (const row of rows) h.append((time += row.dt), row.source, row.value);
        const csv = csvOf(h, 0, h.nextSeq);
        const text = drain(csv, csv.length);
        const parsed = parseCsv(text);
        const expected: { time: number; source: string; value: number }[] = [];
        const r = newRecord();
        for (let seq = 0; seq < h.nextSeq; seq++) {
          if (!h.read(seq, r)) continue;
          expected.push({ time: r.time, source: names.ids[r.source] ?? `#${r.source}`, value: Number(formatFixed(r.value, names.decimals[r.source] ?? 2)) });
        }
        t.deepEqual(parsed, expected);
        t.is(csv.count, expected.length);
        for (const p of parsed) if (p.source !== "#2") t.true(Number.isFinite(p.value));
      },
    ),
    { numRuns: 150 },
  );
});

test("property: times are ISO 8601 UTC, as Date prints them", (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 0xffffffff }), (s) => {
      t.is(formatUtc(s), new Date(s * 1000).toISOString().replace(/\.000Z$/, "Z"));
      t.is(formatUtc(s, true), new Date(s * 1000).toISOString().slice(0, 16).replace("T", " ") + "Z");
    }),
  );
});

test("property: fixed-point values print like toFixed", (t) => {
  fc.assert(
    fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.integer({ min: 0, max: 6 }), (v, d) => {
      const mine = Number(formatFixed(v, d));
      t.true(Math.abs(mine - v) <= 0.5 * 10 ** -d * (1 + 1e-9) + Math.abs(v) * 1e-15, `${v} ${d} ${formatFixed(v, d)}`);
    }),
  );
  t.is(formatFixed(-0.001, 2), "0.00");
  t.is(formatFixed(-1.005, 1), "-1.0");
  t.is(formatFixed(12.5, 0), "13");
  t.is(formatFixed(Infinity, 2), "NaN");
});
