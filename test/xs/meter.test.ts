// What the AT layer costs on XS: 10 KB of mixed responses and URCs in 64-byte pieces through the
// framer alone and through the whole channel, against a loop that only reads each byte. XS's meter
// is deterministic, so the figures must repeat exactly, and a long-lived channel must not keep
// anything from one pass over the stream to the next.

import test from "ava";
import { heapOfRun, measureStream, type StreamFigures } from "../../hosts/xs/measure";
import { XsWorker } from "../../hosts/xs/worker";

const ENTRY = "test/xs/entries/meter.ts";
const CHUNK = 64;

interface Expected {
  bytes: number;
  commands: number;
  infos: number;
  errors: number;
  results: number;
  urcs: number;
  unknownUrcs: number;
}

async function measureAll(name: string) {
  const xs = await XsWorker.start({ entry: ENTRY, name });
  try {
    const framer = await measureStream(xs, "framer", CHUNK);
    const channel = await measureStream(xs, "channel", CHUNK);
    const summary = (await xs.call<{ summary: Record<string, number> }>("channel:summary")).value.summary;
    const expected = (await xs.call<Expected>("expected")).value;
    // Two more passes over the same long-lived channel: nothing may accumulate.
    const again = [await heapOfRun(xs, "channel", CHUNK, channel.bytes), await heapOfRun(xs, "channel", CHUNK, channel.bytes)];
    return { framer, channel, summary, expected, again };
  } finally {
    await xs.close();
  }
}

function describe(label: string, f: StreamFigures): string {
  return (
    `${label}: ${f.bytes} bytes in ${f.chunk}-byte pieces: compute ${f.compute} ` +
    `(${(f.compute / f.bytes).toFixed(1)}/byte), floor ${f.floorCompute} ` +
    `(${(f.floorCompute / f.bytes).toFixed(1)}/byte), ratio ${f.ratio.toFixed(2)}; ` +
    `slots: baseline ${f.baselineSlots}, peak +${f.peakSlots}, allocated ${f.allocatedSlots} ` +
    `(${(f.allocatedSlots / f.bytes).toFixed(2)}/byte), retained ${f.retainedSlots}`
  );
}

const first = measureAll("meter-a");
first.catch(() => {}); // each test awaits it and reports the failure itself

test("the channel makes sense of the whole stream: every command ends as the modem said", async (t) => {
  const { summary, expected } = await first;
  t.log(`stream: ${JSON.stringify(expected)}`);
  // Two passes so far (the compute run and the heap run).
  t.is(summary.mismatches, 0);
  t.is(summary.ok + summary.errors, 2 * expected.commands);
  t.is(summary.errors, 2 * expected.errors);
  t.is(summary.infos, 2 * expected.infos);
  t.is(summary.results, 2 * expected.results);
  t.is(summary.urcs, 2 * expected.urcs);
  t.is(summary.unknownUrcs, 2 * expected.unknownUrcs);
  t.is(summary.overflowLines, 0);
  t.is(summary.strayResults, 0);
  t.true(expected.bytes >= 10 * 1024);
});

test("compute and heap figures for the framer and the channel on XS", async (t) => {
  const { framer, channel } = await first;
  t.log(describe("framer ", framer));
  t.log(describe("channel", channel));
  t.true(framer.floorCompute > 0 && channel.floorCompute === framer.floorCompute, "same floor loop for both");
  t.true(framer.compute > framer.floorCompute, "the framer does more than read each byte");
  t.true(channel.compute > framer.compute, "the channel includes the framer");
});

test("the figures are deterministic: a second worker measures exactly the same", async (t) => {
  const a = await first;
  const b = await measureAll("meter-b");
  t.deepEqual(b.framer, a.framer);
  t.deepEqual(b.channel, a.channel);
  t.deepEqual(b.again, a.again);
});

test("the heap does not grow across repeated passes over a long-lived channel", async (t) => {
  const { channel, again } = await first;
  t.log(`retained slots per pass: ${[channel, ...again].map((f) => f.retainedSlots).join(", ")}`);
  t.log(`peak slots per pass: ${[channel, ...again].map((f) => f.peakSlots).join(", ")}`);
  for (const pass of again) {
    t.is(pass.retainedSlots, 0, "a pass keeps no slot");
    t.is(pass.baselineSlots, again[0].baselineSlots, "the live heap between passes is constant");
    t.is(pass.peakSlots, again[0].peakSlots);
  }
});
