// Readings as text lines streamed from the history: the CSV attachment ("time,source,value") and the
// readings list at the end of a report body. A ReadingLines is a ByteSource whose exact length is
// known before the first byte is sent (the mailer declares it up front): the constructor formats
// every line once to count it, `read` formats them again into one fixed line buffer. Nothing is built
// whole in RAM. The history must not change between construction and the last read (the app appends
// readings only before it starts sending).

import type { ByteSource } from "../at/types";
import { FIXED_MAX_BYTES, putAscii, putFixed, putUtc } from "./ascii";
import { newRecord, type HistoryRecord, type ReadingHistory } from "./history";

/** Longest line: time 20, comma, id 15 (or "#255"), comma, value, CR LF. */
const LINE_BYTES = 20 + 1 + 15 + 1 + FIXED_MAX_BYTES + 2;

/** How lines name and print sources: by the history's source index. */
export interface SourceNames {
  ids: readonly string[];
  decimals: readonly number[];
}

export interface ReadingLinesOptions {
  history: ReadingHistory;
  /** Records [fromSeq, toSeq) that are still stored, oldest first. */
  fromSeq: number;
  toSeq: number;
  names: SourceNames;
  /** Bytes sent before the first line (a CSV header, or a body's summary). */
  prefix: Uint8Array;
  eol: "\n" | "\r\n";
}

export class ReadingLines implements ByteSource {
  /** Total bytes `read` will produce. */
  readonly length: number;
  /** Lines (records still stored in the range). */
  readonly count: number;
  readonly #o: ReadingLinesOptions;
  readonly #record: HistoryRecord = newRecord();
  readonly #line = new Uint8Array(LINE_BYTES);
  #prefixPos = 0;
  #seq: number;
  #lineLength = 0;
  #linePos = 0;

  constructor(options: ReadingLinesOptions) {
    this.#o = options;
    let length = options.prefix.length;
    let count = 0;
    // Older seqs are overwritten: starting at the oldest stored keeps the count pass within capacity.
    const from = Math.max(options.fromSeq, options.history.oldestSeq);
    for (let seq = from; seq < options.toSeq; seq++) {
      if (!options.history.read(seq, this.#record)) continue;
      length += formatLine(this.#record, options.names, options.eol, this.#line);
      count++;
    }
    this.length = length;
    this.count = count;
    this.#seq = from;
  }

  read(into: Uint8Array): number {
    const o = this.#o;
    let n = 0;
    while (n < into.length) {
      if (this.#prefixPos < o.prefix.length) {
        const take = Math.min(into.length - n, o.prefix.length - this.#prefixPos);
        for (let i = 0; i < take; i++) into[n + i] = o.prefix[this.#prefixPos + i];
        this.#prefixPos += take;
        n += take;
        continue;
      }
      if (this.#linePos < this.#lineLength) {
        const take = Math.min(into.length - n, this.#lineLength - this.#linePos);
        for (let i = 0; i < take; i++) into[n + i] = this.#line[this.#linePos + i];
        this.#linePos += take;
        n += take;
        continue;
      }
      if (!this.#nextLine()) break;
    }
    return n;
  }

  #nextLine(): boolean {
    const o = this.#o;
    while (this.#seq < o.toSeq) {
      const seq = this.#seq++;
      if (!o.history.read(seq, this.#record)) continue;
      this.#lineLength = formatLine(this.#record, o.names, o.eol, this.#line);
      this.#linePos = 0;
      return true;
    }
    return false;
  }
}

/** Formats "2026-12-03T16:00:00Z,temp,21.50" + eol into `into`; returns its length. */
export function formatLine(record: HistoryRecord, names: SourceNames, eol: string, into: Uint8Array): number {
  let at = putUtc(into, 0, record.time);
  into[at++] = 0x2c;
  const id = names.ids[record.source];
  if (id !== undefined) at = putAscii(into, at, id);
  else {
    into[at++] = 0x23;
    at = putFixed(into, at, record.source, 0);
  }
  into[at++] = 0x2c;
  at = putFixed(into, at, record.value, names.decimals[record.source] ?? 2);
  return putAscii(into, at, eol);
}

/**
 * The newest records of [fromSeq, toSeq) whose lines fit in `budget` bytes: the seq to start from
 * and how many lines that gives, so a report body can be cut to its limit by dropping the oldest
 * readings, never the summary.
 */
export function newestThatFit(history: ReadingHistory, fromSeq: number, toSeq: number, names: SourceNames, eol: string,
  budget: number): { start: number; count: number } {
  const record = newRecord();
  const line = new Uint8Array(LINE_BYTES);
  const oldest = Math.max(fromSeq, history.oldestSeq);
  let used = 0;
  let start = toSeq;
  let count = 0;
  for (let seq = toSeq - 1; seq >= oldest; seq--) {
    if (!history.read(seq, record)) continue;
    const n = formatLine(record, names, eol, line);
    if (used + n > budget) break;
    used += n;
    start = seq;
    count++;
  }
  return { start, count };
}
