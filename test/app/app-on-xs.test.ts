// The app in the real XS engine: whole wakes (sample, rules, reports with a streamed CSV, the outbox,
// the state blob) run there, and the live heap after a wake does not grow with the readings, emails
// and records handled: the device's RAM bound. Figures are logged.
import test from "ava";
import { XsWorker } from "../../hosts/xs/worker";

test("on XS, wakes every 10 minutes for days keep the live heap flat", async (t) => {
  const xs = await XsWorker.start({ entry: "test/app/xs-entry.ts", name: "app-wakes" });
  try {
    const heaps: number[] = [];
    let perWake = 0;
    let last: any;
    for (let round = 0; round < 8; round++) {
      const r = await xs.call<any>("wakes", { count: 72, stepS: 600 }); // 12 hours per round
      if (round === 1) perWake = Math.round(r.meter.compute / 72);
      last = r.value;
      heaps.push((await xs.gc()).currentHeapCount);
    }
    t.log(`live slots after each 12 h: ${heaps.join(" ")}; ~${perWake} XS operations per wake; ${JSON.stringify(last)}`);
    t.true(last.reports >= 90, "an hourly report for four days");
    t.true(last.alarms >= 40, "the excursions raised and cleared alarms");
    t.true(last.maxBody <= 10240);
    t.true(last.stateBytes < 4000);
    t.is(heaps[7], heaps[3], "no growth with wakes, readings or emails");
  } finally {
    await xs.close();
  }
});
