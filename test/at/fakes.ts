// Engine-neutral test doubles for the AT layer: a virtual clock and a scripted serial port. They run
// on Node and inside XS (the XS test host bundles them), so the same scenarios prove both engines.

import type { Clock, OpenSerial, SerialEvents, SerialPort, TimerHandle } from "../../src/host/types";

/** Time moves only when a test advances it; timers fire in deadline order. */
export class VirtualClock implements Clock {
  #now = 0;
  #next = 1;
  readonly #timers = new Map<number, { at: number; callback: () => void }>();
  now(): number {
    return this.#now;
  }
  setTimer(callback: () => void, ms: number): TimerHandle {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), callback });
    return id;
  }
  clearTimer(handle: TimerHandle): void {
    this.#timers.delete(handle as number);
  }
  /** The earliest pending deadline, or undefined. */
  nextDeadline(): number | undefined {
    let best: number | undefined;
    for (const t of this.#timers.values()) if (best === undefined || t.at < best) best = t.at;
    return best;
  }
  /** Advances time by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let dueId = -1;
      let due: { at: number; callback: () => void } | undefined;
      for (const [id, t] of this.#timers) if (t.at <= end && (!due || t.at < due.at)) ((dueId = id), (due = t));
      if (!due) break;
      this.#timers.delete(dueId);
      this.#now = due.at;
      due.callback();
    }
    this.#now = end;
  }
  get pendingTimers(): number {
    return this.#timers.size;
  }
}

/**
 * A port whose far end is the test: bytes the channel writes are collected; bytes the test
 * `receive`s are handed out through onReadable/read. `window` is how many bytes the port takes per
 * onWritable (like a small FIFO); `write` throws beyond it, as the ESP32 driver does.
 */
export class ScriptedPort implements SerialPort {
  readonly written: number[] = [];
  events!: SerialEvents;
  closed = false;
  #rx: number[] = [];
  #free: number;
  readonly window: number;
  /** When false, the test must call `drain()` to free TX space (a slow UART). */
  autoDrain: boolean;

  constructor(window = 128, autoDrain = true) {
    this.window = window;
    this.#free = window;
    this.autoDrain = autoDrain;
  }

  readonly open: OpenSerial = (events) => {
    this.events = events;
    // ECMA-419 hosts report the initial TX space once the port is open.
    events.onWritable(this.#free);
    return this;
  };

  read(into: Uint8Array): number {
    const n = Math.min(into.length, this.#rx.length);
    for (let i = 0; i < n; i++) into[i] = this.#rx[i];
    this.#rx.splice(0, n);
    return n;
  }

  write(data: Uint8Array): void {
    if (this.closed) throw new Error("closed");
    if (data.length > this.#free) throw new Error("output full");
    for (let i = 0; i < data.length; i++) this.written.push(data[i]);
    this.#free -= data.length;
    if (this.autoDrain && this.#free === 0) this.drain();
  }

  /** Frees the TX window (the UART sent it) and tells the channel. */
  drain(): void {
    this.#free = this.window;
    this.events.onWritable(this.#free);
  }

  close(): void {
    this.closed = true;
  }

  /** Delivers bytes from the modem side. */
  receive(bytes: ArrayLike<number>): void {
    for (let i = 0; i < bytes.length; i++) this.#rx.push(bytes[i]);
    this.events.onReadable(this.#rx.length);
  }

  receiveText(text: string): void {
    this.receive(textBytes(text));
  }

  /** Everything written so far as text (data bytes included), then forgets it. */
  takeWritten(): string {
    const text = String.fromCharCode.apply(null, this.written);
    this.written.length = 0;
    return text;
  }
}

export function textBytes(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i) & 0xff);
  return out;
}
