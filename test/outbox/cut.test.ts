// Power loss at every byte: for each operation, the store is restored to the same image, the power
// is cut after k byte-steps (k = 0, 1, ... up to the operation's full length; erases count one step
// per byte), the outbox is rebuilt over what the cut left, and the result must be exactly "before"
// or "after" the operation, with nothing else lost, no id reused, nothing counted as corruption.
import test, { type ExecutionContext } from "ava";
import type { Outbox } from "../../src/outbox/outbox";
import { contents, openOutbox, payloadFor, sameBytes, smallStorage, type Held } from "./harness";
import { PowerLoss, type RamStorage } from "./ram-storage";

type State = Map<number, Held>;

interface Scenario {
  /** Builds the state before the operation. */
  setup(outbox: Outbox, storage: RamStorage): void;
  /** The operation that is cut. */
  op(outbox: Outbox): void;
  tornByte?: () => number;
}

function sameRecord(a: Held, b: Held): boolean {
  return a.id === b.id && a.kind === b.kind && sameBytes(a.payload, b.payload);
}

/** Every record in `expected` is in `actual`, identical (retry state compared by the caller). */
function includesAll(actual: State, expected: State, except = new Set<number>()): boolean {
  for (const [id, r] of expected) {
    if (except.has(id)) continue;
    const got = actual.get(id);
    if (!got || !sameRecord(got, r)) return false;
  }
  return true;
}

function describe(state: State): string {
  return [...state.values()].map((r) => `${r.kind[0]}${r.id}/${r.attempts}`).join(" ");
}

/** Runs the scenario with a cut at every byte-step; returns how many cut points were exercised. */
function cutEverywhere(t: ExecutionContext, scenario: Scenario, check: (before: State, done: State, got: State, outbox: Outbox) => string | undefined): number {
  const storage: RamStorage = smallStorage({ tornByte: scenario.tornByte });
  scenario.setup(openOutbox(storage), storage);
  const image = storage.snapshot();
  const before = contents(openOutbox(storage));
  const maxIdBefore = Math.max(0, ...before.keys());
  // The uncut run: how many steps the operation takes, and the state it leads to.
  storage.restore(image);
  const reference = openOutbox(storage);
  storage.steps = 0;
  scenario.op(reference);
  const total = storage.steps;
  const done = contents(openOutbox(storage));
  t.true(total > 0);
  for (let k = 0; k <= total; k++) {
    storage.restore(image);
    const outbox = openOutbox(storage);
    storage.steps = 0;
    storage.cutAfter(k);
    let cut = false;
    try {
      scenario.op(outbox);
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      cut = true;
    }
    t.is(cut, k < total, `cut ${k}/${total}`);
    storage.reboot();
    const rebooted = openOutbox(storage);
    const got = contents(rebooted);
    const problem = check(before, done, got, rebooted);
    if (problem) {
      t.fail(`cut at step ${k}/${total}: ${problem}\n before: ${describe(before)}\n done:   ${describe(done)}\n got:    ${describe(got)}`);
      return k;
    }
    const stats = rebooted.stats();
    if (stats.corrupt !== 0) {
      t.fail(`cut at step ${k}/${total}: a cut write was counted as corruption`);
      return k;
    }
    // The rebooted outbox must work: a new id never seen before, and a clean reboot after it.
    const fresh = rebooted.append("alarm", payloadFor(4242));
    if (fresh <= maxIdBefore || got.has(fresh)) {
      t.fail(`cut at step ${k}/${total}: id ${fresh} reused (max before ${maxIdBefore})`);
      return k;
    }
    const reopened = openOutbox(storage);
    const again = contents(reopened);
    // The fresh append may itself drop the oldest reports (full outbox): only counted reports.
    const droppedNow = [...got.keys()].filter((id) => !again.has(id));
    const countedDrops = reopened.stats().droppedReports - stats.droppedReports;
    if (droppedNow.some((id) => got.get(id)!.kind !== "report") || droppedNow.length !== countedDrops ||
        !includesAll(again, got, new Set(droppedNow)) || !again.has(fresh)) {
      t.fail(`cut at step ${k}/${total}: the append after recovery lost records`);
      return k;
    }
  }
  return total + 1;
}

/** "Either before or after": the whole state equals one of the two (ids, kinds, payloads, attempts). */
function beforeOrAfter(before: State, done: State, got: State): string | undefined {
  const equal = (a: State, b: State) =>
    a.size === b.size && [...a.values()].every((r) => { const o = b.get(r.id); return !!o && sameRecord(r, o) && o.attempts === r.attempts && o.notBefore === r.notBefore; });
  return equal(got, before) || equal(got, done) ? undefined : "state is neither before nor after the operation";
}

function fillReports(outbox: Outbox, count: number, length = 20): number[] {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push(outbox.append(i % 3 === 1 ? "alarm" : "report", payloadFor(i, length)));
  return ids;
}

const counts: Record<string, number> = {};
test.after(() => {
  // Printed so the report can cite how many cut points each operation exercised.
  console.log("cut points exercised:", JSON.stringify(counts));
});

const simple: [string, Scenario][] = [
  ["append into the head block", { setup: (o) => void fillReports(o, 2), op: (o) => void o.append("report", payloadFor(77, 33)) }],
  ["append that opens a new block", { setup: (o) => void fillReports(o, 5), op: (o) => void o.append("alarm", payloadFor(77, 40)) }],
  ["markSent", { setup: (o) => void fillReports(o, 4), op: (o) => void o.markSent(2) }],
  ["markFailed (transient)", { setup: (o) => void fillReports(o, 4), op: (o) => void o.markFailed(3, "transient", 7, 100) }],
  ["markFailed (permanent, dead letter)", { setup: (o) => void fillReports(o, 4), op: (o) => void o.markFailed(1, "permanent", 550, 100) }],
  ["resetCounters", { setup: (o) => { fillReports(o, 3); o.markFailed(1, "permanent", 550, 0); }, op: (o) => o.resetCounters(o.stats()) }],
  ["append with a half-programmed byte at the cut", { setup: (o) => void fillReports(o, 2), op: (o) => void o.append("report", payloadFor(77, 33)), tornByte: () => 0x5a }],
];

for (const [name, scenario] of simple) {
  test(`cut at every byte: ${name}`, (t) => {
    counts[name] = cutEverywhere(t, scenario, (before, done, got) => beforeOrAfter(before, done, got));
  });
}

function setupFull(o: Outbox): void {
  const ids = fillReports(o, 30, 20);
  for (const id of ids.slice(0, 8)) o.markSent(id);
  while (o.stats().usedBytes + 48 <= o.stats().budgetBytes) o.append("report", payloadFor(500, 20));
}
const appendAlarm = (o: Outbox) => void o.append("alarm", payloadFor(99, 20));

/**
 * Allowed after a cut append into a full outbox: any prefix of the drops the full run made
 * (oldest reports first), plus or minus the new alarm. Never an alarm lost, never a record the
 * full run kept.
 */
function fullAppendCheck(before: State, done: State, got: State): string | undefined {
  const droppedInRun = [...before.keys()].filter((id) => !done.has(id));
  if (droppedInRun.some((id) => before.get(id)!.kind !== "report")) return "the full run dropped an alarm";
  const missing = [...before.keys()].filter((id) => !got.has(id));
  if (!missing.every((id, i) => id === droppedInRun[i])) return `lost ${missing} but the run dropped ${droppedInRun}`;
  if (!includesAll(got, before, new Set(missing))) return "a kept record changed";
  const added = [...got.keys()].filter((id) => !before.has(id));
  if (added.length > 1) return "more than one new record";
  if (added.length === 1 && (missing.length !== droppedInRun.length || !sameRecord(got.get(added[0])!, done.get(added[0])!))) return "new record present before its room was made, or altered";
  return undefined;
}

test("cut at every byte: append into a full outbox (drops the oldest report, compacts)", (t) => {
  counts["append into a full outbox"] = cutEverywhere(t, { setup: setupFull, op: appendAlarm }, fullAppendCheck);
});

test("cut at every byte of the recovery that follows a cut compaction (abandoning its target block)", (t) => {
  const storage = smallStorage();
  setupFull(openOutbox(storage));
  const image = storage.snapshot();
  const before = contents(openOutbox(storage));
  storage.restore(image);
  storage.steps = 0;
  appendAlarm(openOutbox(storage));
  const total = storage.steps;
  const done = contents(openOutbox(storage));
  let recoveriesThatWrite = 0;
  let recoveryCuts = 0;
  for (let k = 0; k < total; k++) {
    storage.restore(image);
    storage.cutAfter(k);
    t.throws(() => appendAlarm(openOutbox(storage)), { instanceOf: PowerLoss });
    storage.reboot();
    const cutImage = storage.snapshot();
    storage.steps = 0;
    openOutbox(storage);
    const recoverySteps = storage.steps;
    if (recoverySteps === 0) continue;
    recoveriesThatWrite++;
    for (let j = 0; j < recoverySteps; j++) {
      storage.restore(cutImage);
      storage.cutAfter(j);
      t.throws(() => openOutbox(storage), { instanceOf: PowerLoss });
      storage.reboot();
      recoveryCuts++;
      const rebooted = openOutbox(storage);
      const problem = fullAppendCheck(before, done, contents(rebooted)) ?? (rebooted.stats().corrupt ? "counted as corruption" : undefined);
      if (problem) return t.fail(`append cut at ${k}, recovery cut at ${j}: ${problem}`);
      rebooted.append("alarm", payloadFor(1234)); // and it keeps working
    }
  }
  t.true(recoveriesThatWrite > 0, "some cut left a compaction to abandon");
  counts["recovery after a cut compaction"] = recoveryCuts;
});

test("cut at every byte: compact() over sent and pending records in several blocks", (t) => {
  const name = "compact()";
  counts[name] = cutEverywhere(
    t,
    {
      setup: (o) => {
        const ids = fillReports(o, 14, 28);
        for (const id of ids) if (id % 3 !== 0) o.markSent(id);
        o.markFailed(3, "transient", 9, 50);
        o.markFailed(6, "permanent", 553, 50);
      },
      op: (o) => void o.compact(),
    },
    (before, done, got, outbox) => beforeOrAfter(before, done, got) ?? (outbox.stats().permanentFailures === 1 ? undefined : "dead-letter count lost"),
  );
});

test("cut at every byte: markSent that has to compact first", (t) => {
  const name = "markSent with compaction";
  const markFirst = (o: Outbox) => void o.markSent(o.peek(0)!.id);
  counts[name] = cutEverywhere(
    t,
    {
      setup: (o, storage) => {
        // Add dead weight (sent reports) until marking the first alarm sent needs a compaction.
        fillReports(o, 6, 24);
        for (let i = 0; i < 200; i++) {
          const image = storage.snapshot();
          const erases = storage.erases;
          markFirst(openOutbox(storage));
          const compacted = storage.erases > erases;
          storage.restore(image);
          if (compacted) return;
          o = openOutbox(storage);
          o.markSent(o.append("report", payloadFor(i, 30)));
        }
        throw new Error("never needed a compaction");
      },
      op: markFirst,
    },
    (before, done, got) => beforeOrAfter(before, done, got),
  );
  t.true(counts[name] > 256, "the cut points include a whole block erase");
});
