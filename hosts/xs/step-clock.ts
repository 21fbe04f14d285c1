// A virtual clock for Node that moves one timer at a time, so XS can react to every event before
// the next one: `runTogether` fires the earliest timer (a UART chunk of the simulator, an XS deadline
// armed by follow mode), waits until XS has handled what that produced, and repeats. Time jumps
// straight from event to event: a long session costs only its events, never idle steps, and the
// order of events is exact (no step resolution as with `advanceTogether`).

import type { Clock, TimerHandle } from "../../src/host/types";
import type { XsWorker } from "./worker";
import { XsClock } from "./xs-host";

/**
 * The XS host's own sorted-timer clock (XsClock), driven from Node: one timer per `fireNext`, with
 * time jumping straight to its deadline.
 */
export class StepClock implements Clock {
  readonly #timers = new XsClock();

  now(): number {
    return this.#timers.now();
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    return this.#timers.setTimer(callback, ms);
  }

  clearTimer(handle: TimerHandle): void {
    if (handle) this.#timers.clearTimer(handle);
  }

  /** The earliest pending deadline, or null. */
  nextDue(): number | null {
    return this.#timers.nextDue();
  }

  /** Fires the earliest timer (time becomes its deadline). Returns false when none is pending. */
  fireNext(): boolean {
    const due = this.#timers.nextDue();
    return due !== null && this.#timers.fireNext(due) === 1; // never jump past the deadline
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
