// The serial line between host and modem: two wires that each move 10 bits per byte at the modem's
// baud rate, in small chunks so bytes arrive progressively as on a real UART. Scripted faults can
// lose or corrupt bytes on either wire, and a host running at the wrong rate receives garbage.
import type { Scheduler } from "./scheduler";
import type { Timing } from "./timing";

export type Direction = "toModem" | "toHost";

/** Rewrites bytes in flight (fault injection); `offset` counts bytes sent on this wire so far. */
export type WireFilter = (direction: Direction, bytes: Uint8Array, offset: number) => Uint8Array;

/** Chunk size of progressive delivery: about a FIFO threshold, so one timer per 32 bytes, not per byte. */
const CHUNK = 32;

class Wire {
  #busyUntil = 0;
  #offset = 0;
  readonly #direction: Direction;
  readonly #scheduler: Scheduler;
  readonly #byteMs: () => number;
  readonly #filter: WireFilter | undefined;
  readonly #garble: (bytes: Uint8Array) => Uint8Array;
  /**
   * Receives the bytes (possibly altered), how many bytes left the sender's FIFO, and when the
   * sender handed them over (to tell whether a host waited for an ACK before sending).
   */
  deliver: (bytes: Uint8Array, sent: number, sentAt: number) => void = () => {};

  constructor(direction: Direction, scheduler: Scheduler, byteMs: () => number, garble: (bytes: Uint8Array) => Uint8Array, filter?: WireFilter) {
    this.#direction = direction;
    this.#scheduler = scheduler;
    this.#byteMs = byteMs;
    this.#garble = garble;
    this.#filter = filter;
  }

  send(bytes: Uint8Array): void {
    for (let start = 0; start < bytes.length; start += CHUNK) {
      const chunk = bytes.slice(start, Math.min(bytes.length, start + CHUNK));
      const now = this.#scheduler.now();
      const begin = Math.max(now, this.#busyUntil);
      const end = begin + chunk.length * this.#byteMs();
      this.#busyUntil = end;
      // Rates are compared now: bytes already on the wire keep the rate they were sent at.
      const onWire = this.#garble(this.#filter ? this.#filter(this.#direction, chunk, this.#offset) : chunk);
      this.#offset += chunk.length;
      this.#inFlight.push({ bytes: onWire, sent: chunk.length, sentAt: now, end });
    }
    this.#arm();
  }

  /**
   * Chunks arrive strictly in the order they were sent. One timer for the oldest chunk in flight:
   * with real timers, a timer per chunk can fire out of order (sub-millisecond delays round to 1 ms
   * and Node keeps one list per duration), which a pty exposed as swapped bytes.
   */
  readonly #inFlight: { bytes: Uint8Array; sent: number; sentAt: number; end: number }[] = [];
  #armed = false;

  #arm(): void {
    if (this.#armed || this.#inFlight.length === 0) return;
    this.#armed = true;
    const delay = this.#inFlight[0].end - this.#scheduler.now();
    this.#scheduler.setTimer(() => this.#arrive(), delay > 0 ? delay : 0);
  }

  #arrive(): void {
    this.#armed = false;
    const now = this.#scheduler.now();
    while (this.#inFlight.length > 0 && this.#inFlight[0].end <= now + 1e-9) {
      const chunk = this.#inFlight.shift()!;
      this.deliver(chunk.bytes, chunk.sent, chunk.sentAt);
    }
    this.#arm();
  }

  /** When the last queued byte will have arrived (scheduler ms). */
  get idleAt(): number {
    return this.#busyUntil;
  }
}

export class Uart {
  readonly toModem: Wire;
  readonly toHost: Wire;
  readonly #timing: Timing;
  /** The host's configured rate; "follow" means the host always matches the modem (pty, TCP). */
  hostBaud: number | "follow" = "follow";

  constructor(scheduler: Scheduler, timing: Timing, filter?: WireFilter) {
    this.#timing = timing;
    const byteMs = () => timing.byteMs();
    const garble = (bytes: Uint8Array) => this.garble(bytes);
    this.toModem = new Wire("toModem", scheduler, byteMs, garble, filter);
    this.toHost = new Wire("toHost", scheduler, byteMs, garble, filter);
  }

  /** True when host and modem disagree on the rate: every byte is then received as garbage. */
  get mismatched(): boolean {
    return this.hostBaud !== "follow" && this.hostBaud !== this.#timing.baud;
  }

  /** What a receiver at the wrong rate sees: framing errors, modelled as a fixed scramble. */
  garble(bytes: Uint8Array): Uint8Array {
    if (!this.mismatched) return bytes;
    return bytes.map((b) => (b ^ 0x5a) | 0x80);
  }
}
