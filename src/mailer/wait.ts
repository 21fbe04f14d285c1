// Waiting on the injected clock (no setTimeout on the device): a promise that settles after `ms`.
import type { Clock } from "../host/types";

export function delay(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(resolve, ms);
  });
}
