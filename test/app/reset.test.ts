// A reset at any point of a wake: power is cut after k byte-steps (storage writes and erases, plus one
// step for each state save, delivery, and power call), for every k the wake takes. Everything is then
// constructed anew over the same storage and state, and the device keeps waking. Nothing queued may be
// lost, and an email may go twice only with the same id in its subject.
import test from "ava";
import { PowerLoss } from "../outbox/ram-storage";
import { baseConfig, scripted, World } from "./fakes";

const T0 = Date.UTC(2026, 11, 3, 15, 0, 0) / 1000;
/** 70 until 16:00, then 85: the 16:00 wake raises the alarm and queues the 15:00-16:00 report. */
const temp = scripted("temp", "C", (t) => (t < T0 + 3600 ? 70 : 85));

async function preparedWorld(): Promise<World> {
  const w = new World(baseConfig(), [temp]);
  for (let i = 0; i < 6; i++) {
    await w.wake();
    w.now += 600;
  }
  return w;
}

/** A world in the state `w` is in: same storage bytes, state and clock; fresh fakes. */
function cloneWorld(image: Uint8Array, state: Uint8Array | undefined, now: number): World {
  const w = new World(baseConfig(), [temp]);
  w.storage.restore(image);
  w.state.bytes = state?.slice();
  w.now = now;
  return w;
}

/** The checks after the device has woken enough times to empty its outbox. */
function checkDelivered(t: any, w: World, label: string): void {
  const delivered = w.mailer.deliveredEmails;
  const alarms = delivered.filter((e) => / ALARM tank-high/.test(e.subject));
  const reports = delivered.filter((e) => /Period: 2026-12-03 15:00Z to /.test(e.body));
  t.true(alarms.length >= 1, `${label}: the alarm was lost`);
  t.true(reports.length >= 1, `${label}: the report was lost`);
  t.is(new Set(alarms.map((e) => e.id)).size, 1, `${label}: the alarm went out under two ids`);
  t.is(new Set(reports.map((e) => e.id)).size, 1, `${label}: the report went out under two ids`);
  const byId = new Map<number, string>();
  for (const e of delivered) {
    const seen = byId.get(e.id);
    if (seen !== undefined) t.is(seen, e.subject, `${label}: id ${e.id} reused for another email`);
    byId.set(e.id, e.subject);
  }
  t.false(w.modem.on, `${label}: modem left on`);
  t.is(w.lastOutbox!.stats().pending, 0, `${label}: something is still queued`);
}

/** Runs one wake with power cut after `k` steps (Infinity: no cut); true if it was cut. */
async function wakeWithCut(w: World, k: number): Promise<boolean> {
  w.storage.cutAfter(k);
  let cut = false;
  try {
    await w.wake();
  } catch (e) {
    if (!(e instanceof PowerLoss)) throw e;
    cut = true;
  }
  w.storage.reboot();
  w.modem.on = false; // the power cut took the modem down with the board
  return cut;
}

test("a reset at any byte of a wake loses no alarm or report and duplicates only under the same id", async (t) => {
  const base = await preparedWorld();
  t.is(base.mailer.emails.length, 0);
  const image = base.storage.snapshot();
  const state = base.state.bytes;
  const start = base.now;

  // Dry run: how many steps the wake under test takes.
  const dry = cloneWorld(image, state, start);
  dry.armProbes();
  const before = dry.storage.steps;
  const r = await dry.wake();
  t.is(r.alarmsQueued, 1);
  t.true(r.reportQueued);
  t.is(r.sent, 2);
  const steps = dry.storage.steps - before;
  t.true(steps > 100, String(steps));

  let cuts = 0;
  for (let k = 0; k <= steps; k++) {
    const w = cloneWorld(image, state, start);
    w.armProbes();
    if (await wakeWithCut(w, k)) cuts++;
    for (let i = 0; i < 8; i++) {
      w.now += 600;
      await w.wake();
    }
    checkDelivered(t, w, `cut after ${k} of ${steps} steps`);
  }
  t.is(cuts, steps, "every k below the total cut the wake");
});

test("a second reset during the recovering wake (journal replay, resend) loses nothing either", async (t) => {
  const base = await preparedWorld();
  const image = base.storage.snapshot();
  const state = base.state.bytes;
  for (let k = 0; k < 260; k += 3) {
    for (const j of [0, 1, 3, 8, 20, 40, 70, 110, 160, 230]) {
      const w = cloneWorld(image, state, base.now);
      w.armProbes();
      await wakeWithCut(w, k);
      w.now += 600;
      await wakeWithCut(w, j);
      for (let i = 0; i < 8; i++) {
        w.now += 600;
        await w.wake();
      }
      checkDelivered(t, w, `cuts after ${k} then ${j} steps`);
    }
  }
});
