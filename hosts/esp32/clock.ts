// The Clock of src/host/types.ts on Moddable: `Timer.set` one-shot timers and `Time.ticks` for now().
// Time.ticks counts from boot and never jumps, unlike Date.now(), which moves when the clock is set.

import type { Clock, TimerHandle } from "../../src/host/types";
import type { TicksSource, TimerModule } from "./io";

/** One pending timer. `id` is cleared when it fires, so a late clearTimer never touches a spent id
 *  (Moddable validates the id object and may throw on one whose timer is gone). */
interface PendingTimer {
  id: number | undefined;
}

export class Esp32Clock implements Clock {
  readonly #timer: TimerModule;
  readonly #time: TicksSource;

  constructor(timer: TimerModule, time: TicksSource) {
    this.#timer = timer;
    this.#time = time;
  }

  now(): number {
    return this.#time.ticks;
  }

  setTimer(callback: () => void, ms: number): TimerHandle {
    const pending: PendingTimer = { id: undefined };
    pending.id = this.#timer.set(() => {
      pending.id = undefined;
      callback();
    }, ms > 0 ? ms : 0);
    return pending;
  }

  clearTimer(handle: TimerHandle): void {
    const pending = handle as PendingTimer | undefined;
    if (pending && pending.id !== undefined) {
      this.#timer.clear(pending.id);
      pending.id = undefined;
    }
  }
}
