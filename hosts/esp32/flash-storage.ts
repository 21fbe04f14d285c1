// Storage (src/host/storage.ts) over a raw flash partition with Moddable's `flash` module: the outbox
// and the readings history live here, each in its own StorageRegion of one partition. Raw NOR flash
// is durable when `write` returns, so there is no flush. The module's instance is passed in (main or
// wake constructs `new Flash("storage")`), so Node tests can pass a fake with the same semantics.
//
// MEMORY: `flash.read` returns a new ArrayBuffer; reads go in pieces of at most CHUNK bytes so a
// 4 KB scan never allocates 4 KB at once. Writes copy through one fixed CHUNK-byte ArrayBuffer,
// because `flash.write` takes an ArrayBuffer (not a view at an offset): nothing allocated per write.

import type { Storage } from "../../src/host/storage";

/** The members of a Moddable `flash` instance this adapter uses (typings/flash.d.ts). */
export interface FlashPartition {
  readonly byteLength: number;
  readonly blockSize: number;
  erase(sector: number): void;
  read(offset: number, byteLength: number): ArrayBuffer;
  write(offset: number, byteLength: number, buffer: ArrayBuffer): void;
}

/** Piece size for reads and writes: small enough for the XS chunk heap, large enough to keep calls few. */
const CHUNK = 256;

export class FlashStorage implements Storage {
  readonly size: number;
  readonly blockSize: number;
  readonly #flash: FlashPartition;
  readonly #scratch = new ArrayBuffer(CHUNK);
  readonly #scratchBytes: Uint8Array;

  /** Uses the whole partition, or `size` bytes of it (a multiple of the sector size). */
  constructor(flash: FlashPartition, size?: number) {
    this.#flash = flash;
    this.blockSize = flash.blockSize;
    const whole = Math.floor(flash.byteLength / flash.blockSize) * flash.blockSize;
    this.size = size === undefined ? whole : size;
    if (this.size <= 0 || this.size > whole || this.size % this.blockSize !== 0) {
      throw new RangeError(`flash storage: ${this.size} bytes is not whole sectors within the ${flash.byteLength}-byte partition`);
    }
    this.#scratchBytes = new Uint8Array(this.#scratch);
  }

  read(offset: number, into: Uint8Array): void {
    this.#check(offset, into.length);
    for (let done = 0; done < into.length; ) {
      const n = Math.min(CHUNK, into.length - done);
      into.set(new Uint8Array(this.#flash.read(offset + done, n)), done);
      done += n;
    }
  }

  write(offset: number, data: Uint8Array): void {
    this.#check(offset, data.length);
    const scratch = this.#scratchBytes;
    for (let done = 0; done < data.length; ) {
      const n = Math.min(CHUNK, data.length - done);
      for (let i = 0; i < n; i++) scratch[i] = data[done + i];
      this.#flash.write(offset + done, n, this.#scratch);
      done += n;
    }
  }

  erase(offset: number, length: number): void {
    this.#check(offset, length);
    const bs = this.blockSize;
    if (offset % bs !== 0 || length % bs !== 0) throw new RangeError(`unaligned erase ${offset}+${length}`);
    for (let sector = offset / bs; sector < (offset + length) / bs; sector++) this.#flash.erase(sector);
  }

  #check(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`outside flash storage: ${offset}+${length} of ${this.size}`);
  }
}
