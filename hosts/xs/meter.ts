// Measurement inside XS: the exact compute count of a piece of code (XS's deterministic operation
// meter, read around it), and a stream workload Node can run whole, chunk by chunk, or as a floor
// loop that only reads each byte. Heap figures come from Node: xsnap reports slots in use after
// every call (see hosts/xs/measure.ts).

import type { XsHost } from "./xs-host";

/** Compute spent by `run()` alone: the meter is read around it and the reading's own cost removed. */
export function computeOf(host: XsHost, run: () => void): number {
  return rawCompute(host, run) - rawCompute(host, noop);
}

function noop(): void {}

function rawCompute(host: XsHost, run: () => void): number {
  const { resetMeter, currentMeterLimit } = host.xsnap;
  const limit = currentMeterLimit();
  const before = resetMeter(limit, 0);
  run();
  const used = resetMeter(limit, before);
  // Put the spent operations back on the call's meter, so its limit and report stay honest.
  resetMeter(limit, before + used);
  return used;
}

/** Something that consumes a byte stream delivered in pieces, e.g. the framer or the AT channel. */
export interface StreamWorkload {
  /** Takes `stream[start .. end)`, as a port's onReadable would hand it over. */
  push(stream: Uint8Array, start: number, end: number): void;
  /** A summary Node can check (counts of lines, commands, errors), read after a run. */
  summary(): unknown;
}

/**
 * Exposes to Node, under `name:`, a workload over `stream`:
 * - `name:run {chunk}`: push the whole stream in `chunk`-byte pieces; returns the exact compute.
 * - `name:floor {chunk}`: the same pieces through a loop that only reads each byte.
 * - `name:chunk {start, end}`: push one piece (Node measures heap between pieces).
 * - `name:summary`, `name:length`.
 */
export function exposeStreamWorkload(host: XsHost, name: string, stream: Uint8Array, workload: StreamWorkload): void {
  host.expose(`${name}:length`, () => stream.length);
  host.expose(`${name}:run`, (args: { chunk: number }) => {
    const chunk = args.chunk;
    return computeOf(host, () => {
      for (let start = 0; start < stream.length; start += chunk) {
        const end = start + chunk < stream.length ? start + chunk : stream.length;
        workload.push(stream, start, end);
      }
    });
  });
  let sink = 0;
  host.expose(`${name}:floor`, (args: { chunk: number }) => {
    const chunk = args.chunk;
    return computeOf(host, () => {
      let sum = 0;
      for (let start = 0; start < stream.length; start += chunk) {
        const end = start + chunk < stream.length ? start + chunk : stream.length;
        for (let i = start; i < end; i++) sum += stream[i];
      }
      sink = sum; // kept, so the loop cannot be judged dead
    });
  });
  host.expose(`${name}:chunk`, (args: { start: number; end: number }) => {
    workload.push(stream, args.start, args.end);
  });
  host.expose(`${name}:summary`, () => ({ summary: workload.summary(), sink }));
  host.expose(`${name}:noop`, () => undefined);
}
