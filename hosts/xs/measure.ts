// Node's side of XS measurements: runs a stream workload exposed with exposeStreamWorkload
// (hosts/xs/meter.ts) and turns XS's meter into figures: exact compute against a read-only floor,
// and heap slots (peak while streaming, allocated, retained after a full collection).

import type { XsWorker } from "./worker";

export interface StreamFigures {
  bytes: number;
  chunk: number;
  /** XS operations to push the whole stream through the workload. */
  compute: number;
  /** XS operations of a loop that only reads each byte in the same pieces. */
  floorCompute: number;
  /** compute / floorCompute. */
  ratio: number;
  /** Live slots (after a full GC) before the run: the workload's standing cost plus the harness's. */
  baselineSlots: number;
  /**
   * Most slots in use above the baseline at the end of any piece, when each piece starts right
   * after a full GC: an upper bound of the run's peak live heap (nothing is freed within a piece).
   */
  peakSlots: number;
  /** Slots allocated over the whole run (garbage the GC must reclaim). */
  allocatedSlots: number;
  /** Live slots after the run and a full GC, minus the baseline: what the run kept. */
  retainedSlots: number;
}

/** Measures workload `name` in `chunk`-byte pieces. Each figure is deterministic for a given build. */
export async function measureStream(xs: XsWorker, name: string, chunk: number): Promise<StreamFigures> {
  const bytes = (await xs.call<number>(`${name}:length`)).value;
  const floorCompute = (await xs.call<number>(`${name}:floor`, { chunk })).value;
  const compute = (await xs.call<number>(`${name}:run`, { chunk })).value;
  const heap = await heapOfRun(xs, name, chunk, bytes);
  return { bytes, chunk, compute, floorCompute, ratio: compute / floorCompute, ...heap };
}

/** One run piece by piece, a full GC before each piece, reading slots in use after each call. */
export async function heapOfRun(
  xs: XsWorker,
  name: string,
  chunk: number,
  bytes: number,
): Promise<Pick<StreamFigures, "baselineSlots" | "peakSlots" | "allocatedSlots" | "retainedSlots">> {
  // What a piece's call costs in slots by itself (decoding the message and its arguments, encoding
  // the reply): a call that does nothing, with arguments of the same shape.
  const collected = (await xs.gc()).currentHeapCount;
  const overhead = (await xs.call(`${name}:noop`, { start: 0, end: 0 })).meter.currentHeapCount - collected;
  const baselineSlots = (await xs.gc()).currentHeapCount;
  let peakSlots = 0;
  let allocatedSlots = 0;
  for (let start = 0; start < bytes; start += chunk) {
    const live = (await xs.gc()).currentHeapCount;
    const end = Math.min(bytes, start + chunk);
    const used = (await xs.call(`${name}:chunk`, { start, end })).meter.currentHeapCount - overhead;
    allocatedSlots += used - live;
    peakSlots = Math.max(peakSlots, used - baselineSlots);
  }
  const retainedSlots = (await xs.gc()).currentHeapCount - baselineSlots;
  return { baselineSlots, peakSlots, allocatedSlots, retainedSlots };
}
