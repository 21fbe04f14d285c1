// Files as ByteSources: read in the caller's chunks with fs.readSync at a moving offset, so an
// attachment of any size streams through the AT channel's 256-byte chunk and is never held whole.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import type { ByteSource } from "../../../src/at/types";

export class FileSource implements ByteSource {
  readonly path: string;
  readonly length: number;
  #fd: number | undefined;
  #offset = 0;

  /** Opens `path` (throws the fs error when it cannot be read) and records its size now. */
  constructor(path: string) {
    this.path = path;
    this.#fd = openSync(path, "r");
    const stat = fstatSync(this.#fd);
    if (!stat.isFile()) {
      closeSync(this.#fd);
      this.#fd = undefined;
      throw new Error(`${path}: not a regular file`);
    }
    this.length = stat.size;
  }

  read(into: Uint8Array): number {
    if (this.#fd === undefined) return 0;
    // Never past the size taken at open: the modem was told that length.
    const want = Math.min(into.length, this.length - this.#offset);
    if (want <= 0) return 0;
    const n = readSync(this.#fd, into, 0, want, this.#offset);
    this.#offset += n;
    return n;
  }

  /** Starts again from the first byte (a second pass, e.g. the charset scan before sending). */
  rewind(): void {
    this.#offset = 0;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}

/** Whether the file is all ASCII, scanned in 4 KB chunks (AT+QSMTPBODY charset 0 vs 1). */
export function isAsciiFile(source: FileSource): boolean {
  const chunk = new Uint8Array(4096);
  source.rewind();
  let ascii = true;
  for (let n = source.read(chunk); n > 0 && ascii; n = source.read(chunk)) {
    for (let i = 0; i < n; i++) {
      if (chunk[i] >= 0x80) {
        ascii = false;
        break;
      }
    }
  }
  source.rewind();
  return ascii;
}
