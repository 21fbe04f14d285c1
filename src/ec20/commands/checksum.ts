// The AT+QFUPL checksum (facts 1): a 16-bit XOR of big-endian byte pairs, the odd last byte being the
// high half. Computed while the bytes stream out, so an upload is checked without keeping a copy.

import type { ByteSource } from "../../at/types";

export class ChecksumSource implements ByteSource {
  readonly #inner: ByteSource;
  #sum = 0;
  #count = 0;
  constructor(inner: ByteSource) {
    this.#inner = inner;
  }
  read(into: Uint8Array): number {
    const n = this.#inner.read(into);
    let sum = this.#sum;
    let high = (this.#count & 1) === 0;
    for (let i = 0; i < n; i++) {
      sum ^= high ? into[i] << 8 : into[i];
      high = !high;
    }
    this.#sum = sum;
    this.#count += n;
    return n;
  }
  /** Bytes read so far. */
  get count(): number {
    return this.#count;
  }
  /** The checksum of the bytes read so far, as the modem reports it (0-0xFFFF). */
  get checksum(): number {
    return this.#sum;
  }
}

/** The checksum of a whole buffer. */
export function fileChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum ^= (i & 1) === 0 ? bytes[i] << 8 : bytes[i];
  return sum;
}

/** A ByteSource over a byte array (no copy). */
export class BytesSource implements ByteSource {
  readonly #bytes: Uint8Array;
  #offset = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.#bytes.length - this.#offset);
    into.set(this.#bytes.subarray(this.#offset, this.#offset + n));
    this.#offset += n;
    return n;
  }
}
