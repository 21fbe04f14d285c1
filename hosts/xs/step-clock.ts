// A virtual clock for Node that moves one timer at a time, so XS can react to every event before
// the next one: `runTogether` fires the earliest timer (a UART chunk of the simulator, an XS deadline
// armed by follow mode), waits until XS has handled what that produced, and repeats. Time jumps
// straight from event to event: a long session costs only its events, never idle steps, and the
// order of events is exact (no step resolution as with `advanceTogether`).

import type { Clock, TimerHandle } from "../../src/host/types";
import type { XsWorker } from "./worker";

interface StepTimer {
  due: number;
  seq: number;
  callback: () => void;
  cancelled: boolean;
}

export class StepClock implements Clock {
  #now = 0;
  #seq = 0;
  /** Pending timers sorted by (due, seq): insertion from the end, as most timers are set in order. */
  readonly #timers: StepTimer[] = [];

  now(): number {
    return this.#now;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const timer: StepTimer = { due: this.#now + (ms > 0 ? ms : 0), seq: this.#seq++, callback, cancelled: false };
    const timers = this.#timers;
    let i = timers.length;
    while (i > 0 && timers[i - 1].due > timer.due) i--;
    timers.splice(i, 0, timer);
    return timer;
  }

  clearTimer(handle: TimerHandle): void {
    if (!handle) return;
    const timer = handle as StepTimer;
    timer.cancelled = true;
    // Removed at once: a cancelled far deadline (a 300 s AT+QSMTPPUT timeout) would otherwise stay
    // in the list and slow every insertion of a long session.
    const i = this.#timers.indexOf(timer);
    if (i >= 0) this.#timers.splice(i, 1);
  }

  /** The earliest pending deadline, or null. */
  nextDue(): number | null {
    this.#dropCancelled();
    return this.#timers.length > 0 ? this.#timers[0].due : null;
  }

  /** Fires the earliest timer (time becomes its deadline). Returns false when none is pending. */
  fireNext(): boolean {
    this.#dropCancelled();
    const timer = this.#timers.shift();
    if (!timer) return false;
    if (timer.due > this.#now) this.#now = timer.due;
    timer.callback();
    return true;
  }

  #dropCancelled(): void {
    while (this.#timers.length > 0 && this.#timers[0].cancelled) this.#timers.shift();
  }
}

/**
 * Runs `clock` and XS (started in follow mode with this clock) together until `done()`: one timer,
 * then XS's reactions, then the promise jobs Node has pending. Throws when nothing is left to happen
 * or after `limitMs` of virtual time.
 */
export async function runTogether(clock: StepClock, xs: XsWorker, done: () => boolean, limitMs = 3_600_000): Promise<void> {
  const limit = clock.now() + limitMs;
  await xs.idle();
  while (!done()) {
    const due = clock.nextDue();
    if (due === null || due > limit) {
      // A promise on Node (a delivery function) may still settle and set a timer.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await xs.idle();
      if (done()) return;
      const again = clock.nextDue();
      if (again === null) throw new Error("runTogether: condition not met and nothing is pending");
      if (again > limit) throw new Error(`runTogether: condition not met within ${limitMs} ms of virtual time`);
    }
    clock.fireNext();
    await xs.idle();
  }
}
