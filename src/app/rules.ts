// Threshold alarms with hysteresis, and the storm cap. Pure functions over small state records that
// the app persists across deep sleep (state.ts), so the decisions are the same on every host.

import type { AlarmRule } from "./config";

export type RuleEvent = "raised" | "cleared";

/**
 * What `value` does to a rule that is `active` or not: "raised" when it crosses the threshold
 * (strictly above / below), "cleared" when an active alarm's value is strictly back past
 * threshold -/+ hysteresis, else undefined (no change: in the band nothing flaps).
 */
export function evaluateRule(rule: AlarmRule, active: boolean, value: number): RuleEvent | undefined {
  if (!Number.isFinite(value)) return undefined;
  if (rule.direction === "above") {
    if (!active) return value > rule.threshold ? "raised" : undefined;
    return value < rule.threshold - rule.hysteresis ? "cleared" : undefined;
  }
  if (!active) return value < rule.threshold ? "raised" : undefined;
  return value > rule.threshold + rule.hysteresis ? "cleared" : undefined;
}

/** The storm cap's persistent counters. */
export interface StormState {
  /** Start of the current window (s); 0 = none yet. */
  windowStart: number;
  /** Alarm emails queued in the current window. */
  count: number;
  /** Alarm emails not queued because of the cap, not yet announced in an email (saturates at 65535). */
  suppressed: number;
}

/**
 * May one more alarm email be queued at `now`? At most `max` per fixed window of `windowS` seconds
 * starting at the first alarm; a refused one is counted in `suppressed`. Updates `storm` in place.
 */
export function admitAlarm(storm: StormState, now: number, max: number, windowS: number): boolean {
  if (storm.windowStart === 0 || now - storm.windowStart >= windowS || now < storm.windowStart) {
    storm.windowStart = now;
    storm.count = 0;
  }
  if (storm.count < max) {
    storm.count++;
    return true;
  }
  storm.suppressed = Math.min(storm.suppressed + 1, 0xffff);
  return false;
}
