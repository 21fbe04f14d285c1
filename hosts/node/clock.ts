// The Node host's Clock: real time and real timers (the device uses Moddable's Timer).
import type { Clock, TimerHandle } from "../../src/host/types";

export const nodeClock: Clock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle: TimerHandle) => clearTimeout(handle as NodeJS.Timeout),
};
