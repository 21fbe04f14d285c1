// Bench 3 (stream part): XS compute per received byte for the AT channel on 100 KB of mixed EC20
// responses and URCs (test/xs/at-stream.ts) in 64-byte pieces, against a loop that reads each byte
// once in the same pieces (the floor), with the framer alone for reference. XS's meter counts
// operations, so every figure is exact and repeats in a fresh worker (checked here).

import { XsWorker } from "../hosts/xs/worker";

export const STREAM_ENTRY = "test/xs/entries/stream-meter.ts";

export interface StreamCompute {
  bytes: number;
  commands: number;
  chunk: number;
  floor: number;
  framer: number;
  channel: number;
  floorPerByte: number;
  framerPerByte: number;
  channelPerByte: number;
  framerRatio: number;
  channelRatio: number;
  /** The channel ended every command as the stream said (0 mismatches) and lost no line. */
  summary: Record<string, number>;
}

async function measureOnce(name: string, bytes: number, chunk: number): Promise<StreamCompute> {
  const xs = await XsWorker.start({ entry: STREAM_ENTRY, name, meteringLimit: 0 });
  try {
    const setup = (await xs.call<{ bytes: number; commands: number }>("setup", { bytes })).value;
    const floor = (await xs.call<number>("channel:floor", { chunk })).value;
    const framer = (await xs.call<number>("framer:run", { chunk })).value;
    const channel = (await xs.call<number>("channel:run", { chunk })).value;
    const summary = (await xs.call<{ summary: Record<string, number> }>("channel:summary")).value.summary;
    const n = setup.bytes;
    return {
      bytes: n,
      commands: setup.commands,
      chunk,
      floor,
      framer,
      channel,
      floorPerByte: floor / n,
      framerPerByte: framer / n,
      channelPerByte: channel / n,
      framerRatio: framer / floor,
      channelRatio: channel / floor,
      summary,
    };
  } finally {
    await xs.close();
  }
}

/** Measures in two fresh workers; `deterministic` says whether they agree exactly. */
export async function streamCompute(bytes = 100 * 1024, chunk = 64): Promise<StreamCompute & { deterministic: boolean }> {
  const a = await measureOnce("bench-stream-a", bytes, chunk);
  const b = await measureOnce("bench-stream-b", bytes, chunk);
  const deterministic = a.floor === b.floor && a.framer === b.framer && a.channel === b.channel;
  return { ...a, deterministic };
}
