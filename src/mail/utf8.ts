// UTF-8 of our own (XS on the ESP32 has no TextEncoder): measure a string, encode it into a caller's
// buffer, stream it in chunks as a ByteSource without building the whole byte array, and decode
// strictly (for read-backs and tests). Lone surrogates are ill-formed: measuring reports them,
// encoding writes U+FFFD for them (validation rejects such strings before they get here).

import type { ByteSource } from "../at/types";

export interface Utf16Scan {
  /** UTF-8 length in bytes. */
  bytes: number;
  /** Every character is below U+0080. */
  ascii: boolean;
  /** Index of the first lone surrogate, or -1. */
  loneSurrogate: number;
}

/** One pass over `text`: its UTF-8 length, whether it is ASCII, and where it is ill-formed. */
export function scanUtf16(text: string): Utf16Scan {
  let bytes = 0;
  let ascii = true;
  let loneSurrogate = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) { bytes += 2; ascii = false; }
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) { bytes += 4; i++; ascii = false; }
    else {
      if (c >= 0xd800 && c <= 0xdfff && loneSurrogate < 0) loneSurrogate = i;
      bytes += 3; // a BMP character, or U+FFFD for a lone surrogate
      ascii = false;
    }
  }
  return { bytes, ascii, loneSurrogate };
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The code point at `i` and how many UTF-16 units it takes (lone surrogates become U+FFFD). */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return c;
  if (c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (isLow(d)) return 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
  }
  return 0xfffd;
}

/** Writes the UTF-8 of one code point at `at`; returns its length. `into` must have room for 4 bytes. */
function putCodePoint(cp: number, into: Uint8Array, at: number): number {
  if (cp < 0x80) { into[at] = cp; return 1; }
  if (cp < 0x800) { into[at] = 0xc0 | (cp >> 6); into[at + 1] = 0x80 | (cp & 0x3f); return 2; }
  if (cp < 0x10000) {
    into[at] = 0xe0 | (cp >> 12); into[at + 1] = 0x80 | ((cp >> 6) & 0x3f); into[at + 2] = 0x80 | (cp & 0x3f);
    return 3;
  }
  into[at] = 0xf0 | (cp >> 18); into[at + 1] = 0x80 | ((cp >> 12) & 0x3f);
  into[at + 2] = 0x80 | ((cp >> 6) & 0x3f); into[at + 3] = 0x80 | (cp & 0x3f);
  return 4;
}

/** Encodes all of `text` into `into` (which must hold scanUtf16(text).bytes); returns the length. */
export function encodeUtf8Into(text: string, into: Uint8Array): number {
  const source = new Utf8StringSource(text);
  let n = 0;
  for (;;) {
    const k = source.read(into.subarray(n));
    if (k === 0) return n;
    n += k;
  }
}

/**
 * A string as a stream of UTF-8 bytes: each `read` fills the caller's chunk buffer. A character that
 * does not fit at the end of a chunk is split and finished in the next read (at most 3 bytes held).
 */
export class Utf8StringSource implements ByteSource {
  readonly #text: string;
  #index = 0;
  readonly #pending = new Uint8Array(4);
  #pendingAt = 0;
  #pendingEnd = 0;
  constructor(text: string) {
    this.#text = text;
  }
  read(into: Uint8Array): number {
    const room = into.length;
    let n = 0;
    while (n < room && this.#pendingAt < this.#pendingEnd) into[n++] = this.#pending[this.#pendingAt++];
    const text = this.#text;
    while (n < room && this.#index < text.length) {
      const c = text.charCodeAt(this.#index);
      if (c < 0x80) {
        into[n++] = c;
        this.#index++;
        continue;
      }
      const cp = codePointAt(text, this.#index);
      this.#index += cp > 0xffff ? 2 : 1;
      if (room - n >= 4) {
        n += putCodePoint(cp, into, n);
      } else {
        const k = putCodePoint(cp, this.#pending, 0);
        this.#pendingAt = 0;
        this.#pendingEnd = k;
        while (n < room && this.#pendingAt < k) into[n++] = this.#pending[this.#pendingAt++];
      }
    }
    return n;
  }
}

/**
 * Length of the well-formed UTF-8 sequence starting at `i` (1-4), or 0 when ill-formed (stray
 * continuation, overlong form, surrogate, above U+10FFFF, or truncated).
 */
function sequenceLength(b: Uint8Array, i: number, end: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => i + k < end && b[i + k] >= lo && b[i + k] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** Offset of the first ill-formed byte in `bytes`, or -1 when it is all well-formed UTF-8. */
export function utf8Problem(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const k = sequenceLength(bytes, i, bytes.length);
    if (k === 0) return i;
    i += k;
  }
  return -1;
}

/** Strict decoding; undefined when `bytes` is not well-formed UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  const units = new Uint16Array(bytes.length);
  let u = 0;
  for (let i = 0; i < bytes.length; ) {
    const k = sequenceLength(bytes, i, bytes.length);
    if (k === 0) return undefined;
    let cp: number;
    if (k === 1) cp = bytes[i];
    else if (k === 2) cp = ((bytes[i] & 0x1f) << 6) | (bytes[i + 1] & 0x3f);
    else if (k === 3) cp = ((bytes[i] & 0x0f) << 12) | ((bytes[i + 1] & 0x3f) << 6) | (bytes[i + 2] & 0x3f);
    else cp = ((bytes[i] & 0x07) << 18) | ((bytes[i + 1] & 0x3f) << 12) | ((bytes[i + 2] & 0x3f) << 6) | (bytes[i + 3] & 0x3f);
    if (cp > 0xffff) {
      cp -= 0x10000;
      units[u++] = 0xd800 + (cp >> 10);
      units[u++] = 0xdc00 + (cp & 0x3ff);
    } else units[u++] = cp;
    i += k;
  }
  return unitsToString(units, u);
}

/** UTF-16 units to a string in slices (apply() has an argument-count limit). */
function unitsToString(units: Uint16Array, count: number): string {
  const SLICE = 1024;
  let out = "";
  for (let i = 0; i < count; i += SLICE) {
    out += String.fromCharCode.apply(null, units.subarray(i, Math.min(count, i + SLICE)) as unknown as number[]);
  }
  return out;
}

const HEX = "0123456789ABCDEF";

/** Uppercase hex digits of `bytes[0..length)`, as AT+QSMTPSUB's example writes them. */
export function toHex(bytes: Uint8Array, length = bytes.length): string {
  const digits = new Uint16Array(length * 2);
  for (let i = 0; i < length; i++) {
    digits[i * 2] = HEX.charCodeAt(bytes[i] >> 4);
    digits[i * 2 + 1] = HEX.charCodeAt(bytes[i] & 0x0f);
  }
  return unitsToString(digits, digits.length);
}

/** Bytes of an even-length hex string; undefined when it is not one. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(hex.charCodeAt(i * 2));
    const lo = nibble(hex.charCodeAt(i * 2 + 1));
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

function nibble(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const l = c | 0x20;
  if (l >= 0x61 && l <= 0x66) return l - 0x57;
  return -1;
}
