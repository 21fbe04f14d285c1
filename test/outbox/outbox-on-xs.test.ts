// The outbox in the real XS engine: it runs there, survives cut writes there, and its heap does not
// grow with the number of records it has handled (the device's RAM bound). Figures are logged.
import test from "ava";
import { XsWorker } from "../../hosts/xs/worker";

const ENTRY = "test/outbox/xs-entry.ts";

test("on XS, wakes of append / send / compact leave the live heap exactly where it was", async (t) => {
  const xs = await XsWorker.start({ entry: ENTRY, name: "outbox-heap" });
  try {
    const heaps: number[] = [];
    let appendCompute = 0;
    for (let round = 0; round < 12; round++) {
      const appended = await xs.call<number>("append", { count: 40 });
      if (round === 0) appendCompute = appended.meter.compute / 40;
      t.is(appended.value, 40);
      t.is((await xs.call<number>("sendAll")).value, 40);
      await xs.call("compact");
      heaps.push((await xs.gc()).currentHeapCount);
    }
    t.log(`live slots after each wake: ${heaps.join(" ")}; compute per 64-byte append ~${Math.round(appendCompute)}`);
    t.is(heaps[11], heaps[2], "no growth with records handled");
  } finally {
    await xs.close();
  }
});

test("on XS, a full 64 KB outbox recovers after a reboot, and a cut append is whole or absent", async (t) => {
  const xs = await XsWorker.start({ entry: ENTRY, name: "outbox-recover" });
  try {
    await xs.call("append", { count: 256 }); // the index bound: 256 records of 64 bytes
    const before = (await xs.gc()).currentHeapCount;
    const reboot = await xs.call<{ pending: number; corrupt: number; torn: number }>("reboot");
    t.deepEqual(reboot.value, { pending: 256, corrupt: 0, torn: 0 });
    t.log(`recovery of ${256} records (${256 * 88} bytes) costs ${reboot.meter.compute} XS operations`);
    t.is((await xs.gc()).currentHeapCount, before, "recovery allocates nothing that stays");
    for (const k of [0, 5, 19, 40, 87, 200]) {
      const cut = await xs.call<{ pending: number; corrupt: number; next: number }>("cutAppend", { k });
      t.is(cut.value.corrupt, 0);
      t.true(cut.value.pending === 256 || cut.value.pending === 255, `k=${k}: ${cut.value.pending}`);
    }
  } finally {
    await xs.close();
  }
});
