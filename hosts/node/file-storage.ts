// Storage (src/host/storage.ts) over an ordinary file, for the Node host and the CLI: the outbox and
// the readings history live in it exactly as they would in a flash partition. A new or short file is
// extended with 0xFF (erased); erase writes 0xFF; flush is fsync, the commit point the outbox calls.

import { closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync } from "node:fs";
import type { Storage } from "../../src/host/storage";

export interface FileStorageOptions {
  path: string;
  /** Total bytes; a multiple of blockSize. */
  size: number;
  /** Erase unit the users see (default 4096, as ESP32 flash). */
  blockSize?: number;
}

export class FileStorage implements Storage {
  readonly size: number;
  readonly blockSize: number;
  readonly #fd: number;
  readonly #erased: Uint8Array;

  constructor(options: FileStorageOptions) {
    this.blockSize = options.blockSize ?? 4096;
    this.size = options.size;
    if (this.size <= 0 || this.size % this.blockSize !== 0) throw new RangeError(`size ${this.size} is not a multiple of ${this.blockSize}`);
    this.#erased = new Uint8Array(this.blockSize).fill(0xff);
    let fd: number;
    try {
      fd = openSync(options.path, "r+");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      fd = openSync(options.path, "w+");
    }
    this.#fd = fd;
    // Extend a new or shorter file with erased bytes (a store grown in place keeps its contents).
    const length = fstatSync(fd).size;
    for (let at = Math.floor(length / this.blockSize) * this.blockSize; at < this.size; at += this.blockSize) {
      const from = Math.max(length, at);
      if (from < at + this.blockSize) writeSync(fd, this.#erased, from - at, at + this.blockSize - from, from);
    }
    fsyncSync(fd);
  }

  read(offset: number, into: Uint8Array): void {
    this.#check(offset, into.length);
    let done = 0;
    while (done < into.length) {
      const n = readSync(this.#fd, into, done, into.length - done, offset + done);
      if (n <= 0) throw new Error(`short read at ${offset + done}`);
      done += n;
    }
  }

  write(offset: number, data: Uint8Array): void {
    this.#check(offset, data.length);
    let done = 0;
    while (done < data.length) done += writeSync(this.#fd, data, done, data.length - done, offset + done);
  }

  erase(offset: number, length: number): void {
    this.#check(offset, length);
    if (offset % this.blockSize !== 0 || length % this.blockSize !== 0) throw new RangeError(`unaligned erase ${offset}+${length}`);
    for (let at = offset; at < offset + length; at += this.blockSize) this.write(at, this.#erased);
  }

  flush(): void {
    fsyncSync(this.#fd);
  }

  close(): void {
    closeSync(this.#fd);
  }

  #check(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`outside storage: ${offset}+${length} of ${this.size}`);
  }
}
