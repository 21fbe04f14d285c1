// A window onto part of a Storage, so one flash partition (or one file) can hold both the outbox and
// the readings history, each seeing offsets from 0. Reads, writes and erases are checked against the
// window: a bug in one user cannot reach the other's bytes.

import type { Storage } from "../host/storage";

export class StorageRegion implements Storage {
  readonly size: number;
  readonly blockSize: number;
  readonly #base: Storage;
  readonly #offset: number;

  /** `offset` and `size` must be multiples of the base's block size. */
  constructor(base: Storage, offset: number, size: number) {
    if (offset % base.blockSize !== 0 || size % base.blockSize !== 0 || offset < 0 || size <= 0 || offset + size > base.size) {
      throw new RangeError(`region ${offset}+${size} is not block-aligned inside ${base.size} bytes`);
    }
    this.#base = base;
    this.#offset = offset;
    this.size = size;
    this.blockSize = base.blockSize;
  }

  read(offset: number, into: Uint8Array): void {
    this.#check(offset, into.length);
    this.#base.read(this.#offset + offset, into);
  }

  write(offset: number, data: Uint8Array): void {
    this.#check(offset, data.length);
    this.#base.write(this.#offset + offset, data);
  }

  erase(offset: number, length: number): void {
    this.#check(offset, length);
    this.#base.erase(this.#offset + offset, length);
  }

  flush(): void {
    const base = this.#base;
    if (base.flush) base.flush();
  }

  #check(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`outside region: ${offset}+${length} of ${this.size}`);
  }
}
