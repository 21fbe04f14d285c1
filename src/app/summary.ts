// The per-source summary of a report period (count, min, max, average, last), computed from the
// history when the report is queued and frozen into its payload: the email says the same thing
// whenever it is finally sent, even after the ring has overwritten the readings.

import { newRecord, type ReadingHistory } from "./history";
import type { SourceSummary } from "./payload";
import type { ReadingSource } from "./readings";

export function summarize(history: ReadingHistory, fromSeq: number, toSeq: number, sources: readonly ReadingSource[]): SourceSummary[] {
  const out: SourceSummary[] = [];
  const sums: number[] = [];
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    out.push({ id: s.id, unit: s.unit, decimals: s.decimals ?? 2, count: 0, min: NaN, max: NaN, avg: NaN, last: NaN });
    sums.push(0);
  }
  const record = newRecord();
  for (let seq = Math.max(fromSeq, history.oldestSeq); seq < toSeq; seq++) {
    if (!history.read(seq, record) || record.source >= out.length) continue;
    const x = out[record.source];
    const v = record.value;
    if (!Number.isFinite(v)) continue;
    if (x.count === 0 || v < x.min) x.min = v;
    if (x.count === 0 || v > x.max) x.max = v;
    x.count++;
    sums[record.source] += v;
    x.last = v;
  }
  for (let i = 0; i < out.length; i++) if (out[i].count > 0) out[i].avg = sums[i] / out[i].count;
  return out;
}
