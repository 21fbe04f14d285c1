// A RAM Storage for the outbox tests that can lose power at any byte: after `cutAfter(k)` only the
// next k byte-steps (bytes written or erased) reach the store, then every call throws PowerLoss
// until `reboot()`. Flash mode ANDs writes into the cells (bits only clear) and can flag any write
// that would need to set a bit, which proves the outbox never relies on overwriting.
import type { Storage } from "../../src/host/storage";

export class PowerLoss extends Error {
  constructor() {
    super("power lost");
    this.name = "PowerLoss";
  }
}

export interface RamStorageOptions {
  blocks: number;
  blockSize: number;
  /** "flash": writes AND into cells; "file": writes overwrite. */
  mode?: "flash" | "file";
  /** Throw when a flash write would have to set a bit (the outbox promised never to). */
  strictFlash?: boolean;
  /** Value source for the byte being programmed at the moment of the cut (half-programmed cell). */
  tornByte?: () => number;
}

export class RamStorage implements Storage {
  readonly size: number;
  readonly blockSize: number;
  readonly bytes: Uint8Array;
  readonly mode: "flash" | "file";
  readonly strictFlash: boolean;
  tornByte: (() => number) | undefined;
  /** Byte-steps (bytes written + bytes erased) since the last `resetSteps`. */
  steps = 0;
  erases = 0;
  flushes = 0;
  #budget = Infinity;
  #dead = false;

  constructor(options: RamStorageOptions) {
    this.blockSize = options.blockSize;
    this.size = options.blocks * options.blockSize;
    this.bytes = new Uint8Array(this.size).fill(0xff);
    this.mode = options.mode ?? "flash";
    this.strictFlash = options.strictFlash ?? true;
    this.tornByte = options.tornByte;
  }

  /** Power fails after `k` more byte-steps. */
  cutAfter(k: number): void {
    this.#budget = k;
  }
  get dead(): boolean {
    return this.#dead;
  }
  /** Power is back: the bytes are whatever the cut left. */
  reboot(): void {
    this.#dead = false;
    this.#budget = Infinity;
  }
  snapshot(): Uint8Array {
    return this.bytes.slice();
  }
  restore(image: Uint8Array): void {
    this.bytes.set(image);
    this.reboot();
  }

  read(offset: number, into: Uint8Array): void {
    this.#alive();
    this.#range(offset, into.length);
    into.set(this.bytes.subarray(offset, offset + into.length));
  }

  write(offset: number, data: Uint8Array): void {
    this.#alive();
    this.#range(offset, data.length);
    for (let i = 0; i < data.length; i++) {
      const old = this.bytes[offset + i];
      if (this.#budget <= 0) {
        if (this.tornByte) {
          const partial = data[i] | (this.tornByte() & 0xff); // some of the bits to clear were cleared
          this.bytes[offset + i] = this.mode === "flash" ? old & partial : partial;
        }
        this.#die();
      }
      if (this.mode === "flash") {
        if (this.strictFlash && (old & data[i]) !== data[i]) {
          throw new Error(`flash write would set bits at ${offset + i}: ${old.toString(16)} -> ${data[i].toString(16)}`);
        }
        this.bytes[offset + i] = old & data[i];
      } else {
        this.bytes[offset + i] = data[i];
      }
      this.#budget--;
      this.steps++;
    }
  }

  erase(offset: number, length: number): void {
    this.#alive();
    this.#range(offset, length);
    if (offset % this.blockSize !== 0 || length % this.blockSize !== 0) throw new Error("unaligned erase");
    this.erases++;
    for (let i = 0; i < length; i++) {
      if (this.#budget <= 0) this.#die();
      this.bytes[offset + i] = 0xff;
      this.#budget--;
      this.steps++;
    }
  }

  flush(): void {
    this.#alive();
    this.flushes++;
  }

  #alive(): void {
    if (this.#dead) throw new PowerLoss();
  }
  #die(): never {
    this.#dead = true;
    throw new PowerLoss();
  }
  #range(offset: number, length: number): void {
    if (offset < 0 || length < 0 || offset + length > this.size) throw new RangeError(`outside storage: ${offset}+${length}`);
  }
}
