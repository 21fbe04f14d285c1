// Virtual time with one real-time hole: the simulator's SMTP engine does real I/O. Work runs on the
// VirtualClock; whenever a delivery is in flight, real time is awaited for it, then virtual time goes on.
import type { DeliverFn, VirtualClock } from "../../sim/index";

export function virtualDrive(clock: VirtualClock) {
  const pending = new Set<Promise<unknown>>();
  /** Wraps a delivery engine so its promises are awaited by `drive`. */
  const track = (deliver: () => DeliverFn): DeliverFn => (request, options) => {
    const p = deliver()(request, options);
    pending.add(p);
    const done = () => pending.delete(p);
    p.then(done, done);
    return p;
  };
  /** Runs `work` to its end in virtual time; throws if it needs more than `limitMs` of it. */
  async function drive<T>(work: Promise<T>, limitMs = 24 * 3600_000): Promise<T> {
    let settled = false;
    const watched = work.finally(() => (settled = true));
    watched.catch(() => {});
    const start = clock.now();
    for (;;) {
      await clock.until(() => settled || pending.size > 0, limitMs - (clock.now() - start));
      if (settled) break;
      await Promise.allSettled([...pending]);
    }
    return watched;
  }
  return { track, drive };
}
