// Data mode after CONNECT: collects exactly the declared number of bytes, sends a bare `A` after
// each ACK block, ends early on `+++` framed by the guard time of silence before and after, or when
// the input time runs out. Bytes that looked like an escape but were not are kept as data.
import type { DataEnd, DataPhaseSpec } from "./reply";
import type { Scheduler } from "./scheduler";
import type { TimerHandle } from "../src/host/types";

const PLUS = 0x2b;

export class DataReceiver {
  readonly #spec: DataPhaseSpec;
  readonly #scheduler: Scheduler;
  readonly #guardMs: number;
  readonly #sendAck: () => void;
  readonly #done: (bytes: Uint8Array, end: DataEnd) => void;
  readonly #buffer: Uint8Array;
  #count = 0;
  #lastByteAt: number;
  #plusCount = 0;
  #firstPlusAt = 0;
  #escapeTimer: TimerHandle | undefined;
  #inputTimer: TimerHandle | undefined;
  #finished = false;

  constructor(spec: DataPhaseSpec, scheduler: Scheduler, guardMs: number, sendAck: () => void, done: (bytes: Uint8Array, end: DataEnd) => void) {
    this.#spec = spec;
    this.#scheduler = scheduler;
    this.#guardMs = guardMs;
    this.#sendAck = sendAck;
    this.#done = done;
    this.#buffer = new Uint8Array(spec.length);
    // The silence before `+++` counts from CONNECT.
    this.#lastByteAt = scheduler.now();
    this.#armInputTimer();
  }

  get received(): number {
    return this.#count;
  }

  get finished(): boolean {
    return this.#finished;
  }

  /** Bytes that arrived together at the current time; returns how many belonged to data mode. */
  receive(bytes: Uint8Array): number {
    const now = this.#scheduler.now();
    let used = 0;
    for (const byte of bytes) {
      if (this.#finished) return used;
      this.#receiveByte(byte, now);
      this.#lastByteAt = now;
      used++;
    }
    if (this.#spec.idle && !this.#finished) this.#armInputTimer();
    return used;
  }

  #receiveByte(byte: number, now: number): void {
    if (this.#plusCount > 0) {
      const escapeGoesOn = byte === PLUS && this.#plusCount < 3 && now - this.#firstPlusAt <= this.#guardMs;
      if (escapeGoesOn) {
        this.#plusCount++;
        if (this.#count + this.#plusCount >= this.#spec.length) return this.#flushPluses();
        if (this.#plusCount === 3) this.#armEscapeTimer();
        return;
      }
      this.#flushPluses();
      if (this.#finished) return;
    }
    const silentBefore = now - this.#lastByteAt >= this.#guardMs;
    if (byte === PLUS && silentBefore && this.#count + 1 < this.#spec.length) {
      this.#plusCount = 1;
      this.#firstPlusAt = now;
      return;
    }
    this.#append(byte);
  }

  /** The pluses were data after all (more bytes followed, or they complete the declared length). */
  #flushPluses(): void {
    if (this.#escapeTimer !== undefined) this.#scheduler.clearTimer(this.#escapeTimer);
    this.#escapeTimer = undefined;
    const n = this.#plusCount;
    this.#plusCount = 0;
    for (let i = 0; i < n && !this.#finished; i++) this.#append(PLUS);
  }

  #append(byte: number): void {
    this.#buffer[this.#count++] = byte;
    const block = this.#spec.ackBlock;
    if (block && this.#count % block === 0) this.#sendAck();
    if (this.#count === this.#spec.length) this.#finish("complete");
  }

  #armEscapeTimer(): void {
    this.#escapeTimer = this.#scheduler.setTimer(() => {
      this.#escapeTimer = undefined;
      this.#plusCount = 0;
      this.#finish("escape");
    }, this.#guardMs);
  }

  #armInputTimer(): void {
    if (this.#inputTimer !== undefined) this.#scheduler.clearTimer(this.#inputTimer);
    this.#inputTimer = this.#scheduler.setTimer(() => {
      this.#inputTimer = undefined;
      // Pending pluses without their trailing silence are data.
      if (this.#plusCount > 0 && this.#escapeTimer === undefined) this.#flushPluses();
      if (!this.#finished) this.#finish("timeout");
    }, this.#spec.timeoutMs);
  }

  #finish(end: DataEnd): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#escapeTimer !== undefined) this.#scheduler.clearTimer(this.#escapeTimer);
    if (this.#inputTimer !== undefined) this.#scheduler.clearTimer(this.#inputTimer);
    this.#done(this.#buffer.slice(0, this.#count), end);
  }

  /** DTR ended the input (AT&D1/AT&D2): like `+++`, the bytes so far are kept. */
  endByDtr(): void {
    this.#plusCount = 0;
    this.#finish("escape");
  }

  /** A reboot: stop without answering. */
  abandon(): void {
    this.#finished = true;
    if (this.#escapeTimer !== undefined) this.#scheduler.clearTimer(this.#escapeTimer);
    if (this.#inputTimer !== undefined) this.#scheduler.clearTimer(this.#inputTimer);
  }
}
