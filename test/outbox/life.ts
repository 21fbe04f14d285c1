// The model behind property.test.ts: random lives of an outbox with random power cuts (including a second cut during recovery),
// checked against a model of what the app was promised: every acknowledged record is kept intact
// until it is marked sent or dropped as one of the oldest reports; nothing sent comes back; ids
// never repeat; cut writes are never reported as corruption; "full" only when alarms fill it.
import fc from "fast-check";
import { OutboxError } from "../../src/outbox/errors";
import type { Outbox, RecordKind } from "../../src/outbox/outbox";
import type { RetryClass } from "../../src/outbox/retry";
import { entrySize, META_SIZE } from "../../src/outbox/format";
import { contents, MAX_PAYLOAD, openOutbox, payloadFor, sameBytes } from "./harness";
import { PowerLoss, RamStorage } from "./ram-storage";

type Op =
  | { do: "append"; kind: RecordKind; length: number }
  | { do: "sent"; pick: number }
  | { do: "failed"; pick: number; retryClass: RetryClass }
  | { do: "compact" }
  | { do: "reboot" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ do: fc.constant("append" as const), kind: fc.constantFrom<RecordKind>("alarm", "report", "report"), length: fc.integer({ min: 0, max: MAX_PAYLOAD }) }) },
  { weight: 3, arbitrary: fc.record({ do: fc.constant("sent" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant("failed" as const), pick: fc.nat(), retryClass: fc.constantFrom<RetryClass>("transient", "throttled", "permanent") }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant("compact" as const) }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant("reboot" as const) }) },
);

interface Step {
  op: Op;
  /** Cut the power after this many byte-steps of the op (undefined: no cut). */
  cut: number | undefined;
  /** And again during the recovery that follows (undefined: clean recovery). */
  cutRecovery: number | undefined;
}

export const stepArb: fc.Arbitrary<Step> = fc.record({
  op: opArb,
  cut: fc.option(fc.oneof(fc.nat(60), fc.nat(1500)), { freq: 3, nil: undefined }),
  cutRecovery: fc.option(fc.nat(300), { freq: 4, nil: undefined }),
});

interface Known {
  kind: RecordKind;
  payload: Uint8Array;
  attempts: number;
}

function reopen(storage: RamStorage, cut: number | undefined, counts: LifeCounts | undefined, openOutbox: (s: RamStorage) => Outbox): Outbox {
  storage.reboot();
  if (cut !== undefined) {
    storage.cutAfter(cut);
    try {
      const outbox = openOutbox(storage);
      storage.reboot();
      return outbox;
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      if (counts) counts.recoveryCuts++;
      storage.reboot();
    }
  }
  return openOutbox(storage);
}

export interface LifeCounts {
  steps: number;
  cuts: number;
  recoveryCuts: number;
  erases: number;
}

/** The store and record limits a life runs with. */
export interface LifeLayout {
  blocks: number;
  blockSize: number;
  maxPayload: number;
}
export const SMALL_LAYOUT: LifeLayout = { blocks: 5, blockSize: 256, maxPayload: MAX_PAYLOAD };

export function runLife(steps: Step[], tornByte: boolean, seed: number, counts?: LifeCounts, layout = SMALL_LAYOUT): void {
  const open = (s: RamStorage) => openOutbox(s, 64, layout.maxPayload);
  let noise = seed;
  const storage = new RamStorage({ blocks: layout.blocks, blockSize: layout.blockSize, tornByte: tornByte ? () => (noise = (noise * 1103515245 + 12345) >>> 0) >>> 24 : undefined });
  let outbox = open(storage);
  const model = new Map<number, Known>();
  const sent = new Set<number>();
  let maxId = 0;
  let tag = 0;

  const fail = (why: string) => {
    throw new Error(why);
  };

  for (const step of steps) {
    const pending = [...model.keys()].sort((a, b) => a - b);
    const target = pending.length ? pending[(step.op as { pick?: number }).pick! % pending.length] : 0;
    // Op lengths are drawn in [0, MAX_PAYLOAD]; scale them to this layout's limit.
    const payload = payloadFor(++tag, Math.round((((step.op as { length?: number }).length ?? 0) * layout.maxPayload) / MAX_PAYLOAD));
    const statsBefore = outbox.stats();
    if (step.cut !== undefined) storage.cutAfter(step.cut);
    let cut = false;
    let appended = 0;
    let refused = false;
    try {
      switch (step.op.do) {
        case "append":
          try {
            appended = outbox.append(step.op.kind, payload);
          } catch (e) {
            if (!(e instanceof OutboxError)) throw e;
            if (e.code !== "full") fail(`append threw ${e.code}`);
            refused = true;
          }
          break;
        case "sent":
          if (target && outbox.markSent(target)) sent.add(target);
          break;
        case "failed":
          if (target) {
            const outcome = outbox.markFailed(target, step.op.retryClass, 421, 0);
            if (outcome?.dead) model.delete(target);
            else if (outcome) model.get(target)!.attempts++;
          }
          break;
        case "compact":
          outbox.compact();
          break;
        case "reboot":
          break;
      }
    } catch (e) {
      if (!(e instanceof PowerLoss)) throw e;
      cut = true;
    }
    if (counts) {
      counts.steps++;
      if (cut) counts.cuts++;
    }
    storage.reboot();
    if (step.op.do === "sent" && sent.has(target)) model.delete(target);
    if (appended) {
      if (appended <= maxId) fail(`id ${appended} not above ${maxId}`);
      maxId = appended;
      model.set(appended, { kind: (step.op as { kind: RecordKind }).kind, payload, attempts: 0 });
    }
    if (refused) {
      // Refused only if even dropping every report would not make room (then nothing is dropped).
      const reports = [...model.values()].filter((k) => k.kind === "report");
      const reportBytes = reports.reduce((sum, k) => sum + entrySize(META_SIZE + k.payload.length), 0);
      const fitsWithoutReports = statsBefore.usedBytes - reportBytes + entrySize(META_SIZE + payload.length) <= statsBefore.budgetBytes;
      if (fitsWithoutReports && statsBefore.pending - reports.length < statsBefore.pending + statsBefore.freeSlots) fail("refused although dropping reports makes room");
      if (outbox.stats().droppedReports !== statsBefore.droppedReports) fail("reports dropped for a refused append");
    }

    const rebooted = cut || step.op.do === "reboot" || step.cutRecovery !== undefined;
    if (rebooted) outbox = reopen(storage, cut || step.op.do === "reboot" ? step.cutRecovery : undefined, counts, open);
    const got = contents(outbox);

    // Nothing sent comes back; cut writes are not corruption.
    for (const id of got.keys()) if (sent.has(id)) fail(`sent record ${id} came back`);
    if (outbox.stats().corrupt !== 0) fail("cut write counted as corruption");

    // The records the model holds are there, unless dropped as the oldest reports.
    const missing = [...model.keys()].filter((id) => !got.has(id)).sort((a, b) => a - b);
    const reportsInOrder = [...model.keys()].filter((id) => model.get(id)!.kind === "report").sort((a, b) => a - b);
    const cutTarget = cut && (step.op.do === "sent" || step.op.do === "failed") ? target : 0;
    const missingReports = missing.filter((id) => id !== cutTarget);
    const mayDrop = step.op.do === "append";
    if (missingReports.length && !mayDrop) fail(`lost ${missingReports} during ${step.op.do}`);
    if (!missingReports.every((id, i) => id === reportsInOrder[i])) fail(`dropped ${missingReports}, not the oldest reports ${reportsInOrder.slice(0, 5)}`);
    if (!cut && !rebooted && mayDrop && outbox.stats().droppedReports - statsBefore.droppedReports !== missingReports.length) fail("drops not counted");
    for (const id of missing) model.delete(id);
    for (const [id, known] of model) {
      const r = got.get(id)!;
      if (r.kind !== known.kind || !sameBytes(r.payload, known.payload)) fail(`record ${id} altered`);
      const okAttempts = r.attempts === known.attempts || (cut && id === target && r.attempts === known.attempts + 1);
      if (!okAttempts) fail(`record ${id} attempts ${r.attempts}, expected ${known.attempts}`);
      known.attempts = r.attempts;
    }
    // A record the model does not know may only be the cut append, complete.
    for (const [id, r] of got) {
      if (model.has(id)) continue;
      if (!(cut && step.op.do === "append" && id > maxId && r.kind === step.op.kind && sameBytes(r.payload, payload))) fail(`unexpected record ${id}`);
      model.set(id, { kind: r.kind, payload: r.payload, attempts: r.attempts });
      maxId = id;
    }
  }
  if (counts) counts.erases += storage.erases;
}

