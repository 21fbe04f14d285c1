// Where the AT channel's compute on the 100 KB stream goes: single operations measured on XS's meter
// (test/xs/entries/channel-costs.ts), multiplied by how often the stream needs them, next to the
// measured total: shows what the remaining compute is spent on.

import { XsWorker } from "../hosts/xs/worker";
import { atStream } from "../test/xs/at-stream";

export interface Breakdown {
  /** Marginal costs of single operations on XS's meter (test/xs/entries/channel-costs.ts). */
  costs: Record<string, number>;
  counts: {
    bytes: number;
    pieces: number;
    lines: number;
    lineBytes: number;
    crlfBytes: number;
    commands: number;
    extraCommandChars: number;
    echoes: number;
    infos: number;
    cmeErrors: number;
    awaitedUrcs: number;
    subscribedUrcs: number;
    unknownUrcs: number;
  };
  /** Estimated compute by kind of work; `estimate` is their sum, to set against the measured total. */
  parts: Record<string, number>;
  estimate: number;
}

export async function channelBreakdown(bytes = 100 * 1024, chunk = 64): Promise<Breakdown> {
  const xs = await XsWorker.start({ entry: "test/xs/entries/channel-costs.ts", name: "bench-costs", meteringLimit: 0 });
  let costs: Record<string, number>;
  try {
    costs = (await xs.call<Record<string, number>>("costs")).value;
  } finally {
    await xs.close();
  }
  const stream = atStream(bytes);
  let lines = 0;
  let crlfBytes = 0;
  let inLine = false;
  for (const b of stream.bytes) {
    if (b === 0x0d || b === 0x0a) {
      crlfBytes++;
      if (inLine) lines++;
      inLine = false;
    } else inLine = true;
  }
  const commands = stream.commands;
  const counts: Breakdown["counts"] = {
    bytes: stream.bytes.length,
    pieces: Math.ceil(stream.bytes.length / chunk),
    lines,
    lineBytes: stream.bytes.length - crlfBytes,
    crlfBytes,
    commands: commands.length,
    extraCommandChars: commands.reduce((n, c) => n + c.line.length - 6, 0),
    echoes: commands.length,
    infos: commands.reduce((n, c) => n + c.infos, 0),
    cmeErrors: commands.filter((c) => c.outcome.startsWith("cme")).length,
    awaitedUrcs: commands.filter((c) => c.awaitUrc).length,
    subscribedUrcs: stream.subscribedUrcs,
    unknownUrcs: stream.unknownUrcs,
  };
  // The framer's figures per line include a 6-byte line (2 inside, 4 CR/LF); its bytes are counted
  // once, under the per-byte parts.
  const framerLineFixed = costs.framerPerLine - 2 * costs.framerPerLineByte - 4 * costs.framerPerCrLf;
  const parts = {
    framerPieces: costs.framerPerPiece * counts.pieces,
    framerLineBytes: costs.framerPerLineByte * counts.lineBytes,
    framerCrLfBytes: costs.framerPerCrLf * counts.crlfBytes,
    framerLines: framerLineFixed * counts.lines,
    portDelivery: costs.deliveryPerPiece * counts.pieces,
    commands: costs.commandWithOk * counts.commands + costs.commandLineChar * counts.extraCommandChars,
    echoes: costs.echoLine * counts.echoes,
    infoLines: costs.infoLine * counts.infos,
    cmeResults: costs.cmeInsteadOfOk * counts.cmeErrors,
    awaitedUrcs: costs.awaitedUrc * counts.awaitedUrcs,
    urcs: costs.subscribedUrcLine * counts.subscribedUrcs + costs.unknownUrcLine * counts.unknownUrcs,
  };
  const estimate = Object.values(parts).reduce((a, b) => a + b, 0);
  return { costs, counts, parts, estimate };
}
