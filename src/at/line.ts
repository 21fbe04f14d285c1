// A received line as a window on the framer's fixed buffer: prefix tests and field access without
// building strings per byte. Fields are split once per line, on first use, into offsets.

import type { LineView } from "./types";

/** At most this many fields are split per line; later fields are ignored. The widest response we
 *  parse (+QIACT: cid,state,type,"ip" / +QSSLCFG read-backs) has 4; 16 leaves room for the rest. */
export const MAX_FIELDS = 16;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const SPACE = 0x20;
const PLUS = 0x2b;

export class Line implements LineView {
  /** The line is `bytes[start .. end)`: a window on the framer's buffer, moved for every line. */
  readonly bytes: Uint8Array;
  start = 0;
  end = 0;
  /** Fields split for the current line (-1: not yet). The framer sets -1 with every new window. */
  fields = -1;
  readonly #bounds = new Int16Array(MAX_FIELDS * 2);

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
  }

  get length(): number {
    return this.end - this.start;
  }

  /** Points the view at a new line, `bytes[start .. end)`. */
  reset(start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.fields = -1;
  }

  text(): string {
    return latin1(this.bytes, this.start, this.end);
  }

  startsWith(prefix: Uint8Array): boolean {
    return matchesAt(this.bytes, this.start, this.end, prefix);
  }

  fieldCount(): number {
    if (this.fields < 0) this.#splitFields();
    return this.fields;
  }

  int(i: number): number {
    const [start, end] = this.#field(i);
    if (start < 0) return NaN;
    const b = this.bytes;
    let p = start;
    let negative = false;
    if (b[p] === 0x2d) {
      negative = true;
      p++;
    }
    if (p >= end) return NaN;
    let value = 0;
    for (; p < end; p++) {
      const d = b[p] - 0x30;
      if (d < 0 || d > 9) return NaN;
      value = value * 10 + d;
    }
    return negative ? -value : value;
  }

  hex(i: number): number {
    let [start, end] = this.#field(i);
    if (start < 0) return NaN;
    const b = this.bytes;
    if (end - start > 2 && b[start] === 0x30 && (b[start + 1] | 0x20) === 0x78) start += 2;
    if (start >= end || end - start > 8) return NaN;
    let value = 0;
    for (let p = start; p < end; p++) {
      const c = b[p] | 0x20; // lower-case letters; digits unchanged
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else return NaN;
      value = value * 16 + d;
    }
    return value;
  }

  str(i: number): string {
    const [start, end] = this.#field(i);
    if (start < 0) return "";
    return latin1(this.bytes, start, end);
  }

  /** Bounds of field i with quotes and surrounding spaces removed; [-1, -1] when absent. */
  #field(i: number): [number, number] {
    if (this.fields < 0) this.#splitFields();
    if (i < 0 || i >= this.fields) return [-1, -1];
    let start = this.#bounds[i * 2];
    let end = this.#bounds[i * 2 + 1];
    const b = this.bytes;
    while (start < end && b[start] === SPACE) start++;
    while (end > start && b[end - 1] === SPACE) end--;
    if (end - start >= 2 && b[start] === QUOTE && b[end - 1] === QUOTE) {
      start++;
      end--;
    }
    return [start, end];
  }

  #splitFields(): void {
    const b = this.bytes;
    const n = this.end;
    let p = this.start;
    // `+NAME: a,b` -> fields after the colon; a line without that prefix is split from its start.
    if (p < n && b[p] === PLUS) {
      let c = p + 1;
      while (c < n && b[c] !== COLON) c++;
      if (c < n) {
        p = c + 1;
        while (p < n && b[p] === SPACE) p++;
      }
    }
    let count = 0;
    if (p >= n) {
      this.fields = 0;
      return;
    }
    let start = p;
    let quoted = false;
    for (; p < n; p++) {
      const c = b[p];
      if (c === QUOTE) quoted = !quoted;
      else if (c === COMMA && !quoted) {
        if (count < MAX_FIELDS) {
          this.#bounds[count * 2] = start;
          this.#bounds[count * 2 + 1] = p;
        }
        count++;
        start = p + 1;
      }
    }
    if (count < MAX_FIELDS) {
      this.#bounds[count * 2] = start;
      this.#bounds[count * 2 + 1] = n;
    }
    count++;
    this.fields = count < MAX_FIELDS ? count : MAX_FIELDS;
  }
}

/** True when `bytes[start .. end)` begins with `prefix`; the first `known` bytes are taken as
 *  already compared by the caller. */
export function matchesAt(bytes: Uint8Array, start: number, end: number, prefix: Uint8Array, known = 0): boolean {
  const n = prefix.length;
  if (n > end - start) return false;
  for (let i = known; i < n; i++) if (bytes[start + i] !== prefix[i]) return false;
  return true;
}

/** Bytes 0x00-0xFF to a string, one character per byte (modem text is ASCII). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
}

/** ASCII text to bytes (characters above 0xFF are not expected here and are masked to a byte). */
export function ascii(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** A standalone LineView of `text`, for tests and for parsers fed from elsewhere. */
export function lineViewOf(text: string): LineView {
  const line = new Line(ascii(text));
  line.reset(0, text.length);
  return line;
}
