// Benches 3 (email part) and 4: the reference report sent 100 times from XS on one long-lived mailer
// over a 128-byte UART window (the ESP32's FIFO). Per email: XS compute (every call it took, the
// host's message handling included), the most heap slots in use, and, on one extra send with a full
// collection before every call, a bound of the live peak. Across emails: live slots after a full
// collection and the memory XS took from the system, after the first send and after the 100th.

import { XsMailerRig } from "./xs-mailer";
import { referencePayloadBytes } from "./reference";

export interface XsMailerFigures {
  emails: number;
  delivered: number;
  compute: {
    /** Compute of the first send (CA upload, settings) and of a steady-state send. */
    first: number;
    perEmail: number;
    /** Smallest and largest steady-state send: they differ only by the host's JSON of virtual
     *  timestamps (more digits as time goes on), not by the send path. */
    min: number;
    max: number;
    /** The first sends measured again in a fresh worker: exactly the same compute. */
    deterministic: boolean;
    /** XS calls per email (credits, received bytes, timers) and what an empty call costs. */
    calls: number;
    emptyCall: number;
    /** perEmail − calls × emptyCall: the send path's own share, approximately. */
    appEstimate: number;
    payloadBytes: number;
    perPayloadByte: number;
    /** Reading the email's sources alone (native copies from a table): the test data's share. */
    sources: number;
  };
  heap: {
    /** Live slots after a full collection: after start-up, after the first email, after the last. */
    before: number;
    afterFirst: number;
    afterLast: number;
    growth: number;
    /** Most slots in use at the end of any call during any send (garbage included). */
    peakInUse: number;
    /** Bound of the live peak during one email: a collection before each call, then its slots. */
    peakLiveBound: number;
    /** Bytes XS took from the system (chunks and slots), before and after the 100 emails. */
    allocateBefore: number;
    allocateAfter: number;
    allocateGrowth: number;
  };
}

/** The same steps in the same order for the measured run and the repeat: start-up, then sends. */
async function prelude(rig: XsMailerRig) {
  const before = await rig.live();
  const emptyCall = (await rig.xs.call("$timers")).meter.compute;
  const sources = (await rig.xs.call<number>("sourceCompute")).value;
  return { before, emptyCall, sources };
}

/** Sends `count` emails; the live heap is read after the first. */
async function sends(rig: XsMailerRig, count: number) {
  const computes: number[] = [];
  const calls: number[] = [];
  let delivered = 0;
  let peakInUse = 0;
  let afterFirst = 0;
  for (let i = 0; i < count; i++) {
    const { outcome, meter } = await rig.send(i);
    if (outcome.delivered) delivered++;
    computes.push(meter.compute);
    calls.push(meter.calls);
    peakInUse = Math.max(peakInUse, meter.maxHeapCount);
    if (i === 0) afterFirst = (await rig.live()).slots;
  }
  return { computes, calls, delivered, peakInUse, afterFirst };
}

export async function xsMailerFigures(emails = 100): Promise<XsMailerFigures> {
  const rig = await XsMailerRig.start("bench-mailer", { txWindow: 128 });
  let run: Awaited<ReturnType<typeof sends>>;
  let start: Awaited<ReturnType<typeof prelude>>;
  let after: { slots: number; allocate: number };
  let extra: Awaited<ReturnType<XsMailerRig["send"]>>;
  try {
    start = await prelude(rig);
    run = await sends(rig, emails);
    after = await rig.live();
    // One more email, collecting before every call: each call's slot count is then its live start
    // plus what it allocated, so the largest is a bound of the live peak.
    await rig.collectEachCall(true);
    extra = await rig.send(emails);
    await rig.collectEachCall(false);
    await rig.close();
  } catch (e) {
    await rig.terminate();
    throw e;
  }
  // Determinism: a fresh worker doing the same steps measures the same compute for its first sends.
  const again = await XsMailerRig.start("bench-mailer-again", { txWindow: 128 });
  let repeated: number[];
  try {
    await prelude(again);
    repeated = (await sends(again, 3)).computes;
    await again.close();
  } catch (e) {
    await again.terminate();
    throw e;
  }
  const steady = run.computes.slice(1);
  const perEmail = steady[0];
  const payloadBytes = referencePayloadBytes();
  return {
    emails,
    delivered: run.delivered,
    compute: {
      first: run.computes[0],
      perEmail,
      min: Math.min(...steady),
      max: Math.max(...steady),
      deterministic: repeated.every((c, i) => c === run.computes[i]),
      calls: run.calls[1],
      emptyCall: start.emptyCall,
      appEstimate: perEmail - run.calls[1] * start.emptyCall,
      payloadBytes,
      perPayloadByte: perEmail / payloadBytes,
      sources: start.sources,
    },
    heap: {
      before: start.before.slots,
      afterFirst: run.afterFirst,
      afterLast: after.slots,
      growth: after.slots - run.afterFirst,
      peakInUse: run.peakInUse,
      peakLiveBound: extra.meter.maxHeapCount,
      allocateBefore: start.before.allocate,
      allocateAfter: after.allocate,
      allocateGrowth: after.allocate - start.before.allocate,
    },
  };
}
