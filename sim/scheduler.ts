// Time for the simulator: one Scheduler interface (the same shape as the device's Clock) with two
// implementations. A virtual clock lets in-process tests run minutes of modem time in milliseconds
// and deterministically; real timers serve the pty and TCP transports.
import type { Clock, TimerHandle } from "../src/host/types";

export type Scheduler = Clock;

interface VirtualTimer {
  due: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

/** Timers fire only when the test advances time. Equal due times fire in the order they were set. */
export class VirtualClock implements Scheduler {
  #now = 0;
  #seq = 0;
  #timers: VirtualTimer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const timer: VirtualTimer = { due: this.#now + Math.max(0, ms), seq: this.#seq++, callback, cancelled: false };
    this.#timers.push(timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    if (handle) (handle as VirtualTimer).cancelled = true;
  }

  /** Number of timers still waiting. */
  get pending(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  #next(limit: number): VirtualTimer | undefined {
    let best: VirtualTimer | undefined;
    for (const t of this.#timers) {
      if (t.cancelled || t.due > limit) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  /**
   * Advances time by `ms`, firing every timer due on the way. Between timers it lets promise
   * callbacks run (a delivery function may resolve in a microtask or on Node's event loop).
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (;;) {
      await settle();
      const timer = this.#next(target);
      if (!timer) break;
      this.#timers = this.#timers.filter((t) => t !== timer && !t.cancelled);
      this.#now = Math.max(this.#now, timer.due);
      timer.callback();
    }
    this.#now = target;
    await settle();
  }

  /**
   * Jumps from timer to timer until `done()` is true. Throws when nothing is left to happen or after
   * `limitMs` of virtual time, so a test waiting for a line that never comes fails instead of hanging.
   */
  async until(done: () => boolean, limitMs = 600_000): Promise<void> {
    const start = this.#now;
    await settle();
    while (!done()) {
      const next = this.#next(Infinity);
      if (!next) throw new Error("condition not met and no timer is pending");
      if (next.due - start > limitMs) throw new Error(`condition not met within ${limitMs} ms of virtual time`);
      await this.advance(Math.max(0, next.due - this.#now));
    }
  }
}

async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Node's timers. Sub-millisecond delays are allowed (setTimeout rounds them up to 1 ms). */
export const realScheduler: Scheduler = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, Math.max(0, ms)),
  clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
