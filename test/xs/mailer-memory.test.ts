// Issue #5 part 5: the whole send path of the reference report (10240-byte body, attachments of 16 KB
// and 64 KB streamed from chunked sources) runs inside the XS engine against the EC20 simulator, 100
// times on one long-lived mailer. The live heap (slots after a full collection) and the memory XS
// took from the system must be the same after the 100th send as after the first: anything a send
// keeps would add up on a device that runs for months. The simulator's SMTP engine is a fake here
// (test/mailer proves the SMTP path); time is virtual and jumps from event to event.

import test from "ava";
import { REFERENCE } from "../../bench/reference";
import { XsMailerRig } from "../../bench/xs-mailer";

const SENDS = 100;

test(`the reference report sent ${SENDS} times from XS: every email whole, no heap growth across sends`, async (t) => {
  // A 512-byte UART window (the ESP32's FIFO is 128) sends the same bytes in fewer XS calls; the
  // mailer's code path is the same, and the bench measures the 128-byte case.
  const rig = await XsMailerRig.start("mailer-memory", { txWindow: 512 });
  try {
    const before = await rig.live();
    const slotsAfter: number[] = [];
    const undelivered: string[] = [];
    let peakInUse = 0;
    let allocateAtPeak = 0;
    let peakLive = 0;
    for (let i = 0; i < SENDS; i++) {
      // The first send collects before every XS call: each call's slot count is then its live start
      // plus what it allocated, and the largest bounds the live peak of a whole send.
      if (i === 0) await rig.collectEachCall(true);
      const { outcome, meter } = await rig.send(i);
      if (i === 0) {
        await rig.collectEachCall(false);
        peakLive = meter.maxHeapCount;
      }
      if (!outcome.delivered) undelivered.push(`#${i}: ${outcome.error ?? `err ${outcome.err}`}`);
      if (meter.maxHeapCount > peakInUse) peakInUse = meter.maxHeapCount;
      allocateAtPeak = Math.max(allocateAtPeak, meter.allocate);
      slotsAfter.push((await rig.live()).slots);
    }
    const after = await rig.live();
    t.log(`live slots: before ${before.slots}, peak during a send <= ${peakLive}, after send 1 ${slotsAfter[0]}, after send ${SENDS} ${after.slots}`);
    t.log(`peak slots in use during a send (garbage included): ${peakInUse}; XS allocate: before ${before.allocate} B, max ${allocateAtPeak} B, after ${after.allocate} B`);
    t.log(`${SENDS} sends in ${(rig.clock.now() / 1000).toFixed(1)} s of modelled time`);

    t.deepEqual(undelivered, []);
    t.is(rig.deliveries.length, SENDS);
    const expected = { recipients: 3, bodyBytes: REFERENCE.bodyBytes, attachments: [{ name: "readings.csv", bytes: REFERENCE.attachmentBytes[0] }, { name: "history.bin", bytes: REFERENCE.attachmentBytes[1] }] };
    t.like(rig.deliveries[0], expected);
    t.like(rig.deliveries[SENDS - 1], { ...expected, subject: "Daily report node-7 #099" });

    // Zero growth: every send after the first leaves exactly the live heap the first one left.
    t.is(after.slots - slotsAfter[0], 0, `live slots grew by ${after.slots - slotsAfter[0]} over ${SENDS - 1} sends`);
    t.deepEqual(slotsAfter.filter((s) => s !== slotsAfter[0]), [], "each send leaves the same live heap");
    t.is(after.allocate, before.allocate, "XS took no more memory from the system");
    // A send works in fixed buffers and streams its data: its transient heap is small (about 1800
    // slots measured); holding a body or attachment as JS values would take far more.
    t.true(peakLive - before.slots < 4096, `a send's live peak is ${peakLive - before.slots} slots above the idle heap`);
    await rig.close();
  } catch (e) {
    await rig.terminate();
    throw e;
  }
});
