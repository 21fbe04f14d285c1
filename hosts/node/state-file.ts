// The app's StateStore (src/app/state.ts) as a file on Node. A save must be all or nothing, so it
// writes a temporary file, fsyncs it, and renames it over the old one (rename is atomic on POSIX),
// then fsyncs the directory so the rename itself survives a power loss.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import type { StateStore } from "../../src/app/state";

export class StateFile implements StateStore {
  readonly path: string;

  constructor(filePath: string) {
    this.path = filePath;
  }

  load(): Uint8Array | undefined {
    try {
      return new Uint8Array(readFileSync(this.path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  save(bytes: Uint8Array): void {
    const temp = `${this.path}.tmp`;
    const fd = openSync(temp, "w");
    try {
      let done = 0;
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, this.path);
    try {
      const dir = openSync(path.dirname(this.path), "r");
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch {
      // Some platforms (Windows) cannot open a directory: the rename is still atomic there.
    }
  }
}
