// Where the AT channel's compute on the 100 KB stream goes: single operations measured on XS's meter
// (test/xs/entries/channel-costs.ts), multiplied by how often the stream needs them, next to the
// measured total. Points at what to make cheaper to approach the 3× target.

import { XsWorker } from "../hosts/xs/worker";
import { atStream } from "../test/xs/at-stream";

export interface Breakdown {
  costs: Record<string, number>;
  counts: { bytes: number; pieces: number; lines: number; commands: number; commandChars: number; cmeErrors: number };
  /** Estimated compute by kind of work, summing to about the measured channel total. */
  parts: Record<string, number>;
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
  let inLine = false;
  for (const b of stream.bytes) {
    if (b === 0x0d || b === 0x0a) {
      if (inLine) lines++;
      inLine = false;
    } else inLine = true;
  }
  const counts = {
    bytes: stream.bytes.length,
    pieces: Math.ceil(stream.bytes.length / chunk),
    lines,
    commands: stream.commands.length,
    commandChars: stream.commands.reduce((n, c) => n + c.line.length + 1, 0),
    cmeErrors: stream.commands.filter((c) => c.outcome.startsWith("cme")).length,
  };
  // Per line in the framer, per line in the channel's dispatch, per command (submit to done, with a
  // 6-character line), per command-line character, and the extra of a +CME ERROR completion.
  const framerPerLine = costs.framerUrcLine;
  const dispatchPerLine = costs.channelUrcLine - costs.framerUrcLine - costs.channelDeliverEmpty;
  const perCommand = costs.commandOk6 - costs.framerOkLine - costs.channelDeliverEmpty - dispatchPerLine - 7 * ((costs.commandOk35 - costs.commandOk6) / 29);
  const perChar = (costs.commandOk35 - costs.commandOk6) / 29;
  const cmeExtra = costs.commandCme6 - costs.commandOk6 - (costs.framerCmeLine - costs.framerOkLine);
  const parts = {
    framerLines: framerPerLine * counts.lines,
    deliveryPerPiece: costs.channelDeliverEmpty * counts.pieces,
    dispatchLines: dispatchPerLine * counts.lines,
    commandFixed: perCommand * counts.commands,
    commandLineChars: perChar * counts.commandChars,
    cmeCompletions: cmeExtra * counts.cmeErrors,
  };
  return { costs: { ...costs, framerPerLine, dispatchPerLine, perCommand, perChar, cmeExtra }, counts, parts };
}
