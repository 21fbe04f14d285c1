// The application's settings (device name, recipients, periods, alarm rules, storm cap) and their
// validation against the fixed capacities of the state and payload formats. Checked once at the start
// of a wake, before anything is sampled or queued: a bad setting is a typed AppConfigError.

import type { ReadingSource } from "./readings";

/** Sources the state, report payload and summary have room for (report payload: 24 + 8 x 52 bytes). */
export const MAX_SOURCES = 8;
/** Rules the persistent state has room for (8 bytes each). */
export const MAX_RULES = 16;
/** Ids of sources and rules: short, and safe in a subject, a CSV field and an AT string. */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,15}$/;
/** A unit: printable ASCII without quotes, backslash or comma (it appears in CSV-like lines). */
const UNIT_PATTERN = /^[\x20-\x7e]{0,7}$/;
const NAME_PATTERN = /^[A-Za-z0-9_. -]{1,32}$/;

export interface AlarmRule {
  /** Names the rule in subjects: 1-15 characters of [A-Za-z0-9_.-]. */
  id: string;
  /** The id of the ReadingSource it watches. */
  source: string;
  /** "above": raised when the value goes over `threshold`, cleared when it falls below threshold - hysteresis. */
  direction: "above" | "below";
  threshold: number;
  /** >= 0. The band that must be crossed back before the alarm clears: no flapping around the threshold. */
  hysteresis: number;
  /** Send an email when the alarm clears too (default true). */
  notifyClear?: boolean;
}

export interface AppConfig {
  /** In every subject: 1-32 characters of letters, digits, space, "_", ".", "-". */
  deviceName: string;
  /** Addresses (validated again by the mailer). */
  recipients: readonly string[];
  /** Seconds between reports; reports fall on multiples of it (UTC), e.g. every full hour. */
  reportPeriodS: number;
  /** Seconds between wakes that sample (and evaluate rules). */
  samplePeriodS: number;
  rules: readonly AlarmRule[];
  /** Storm cap: at most this many alarm emails per `stormWindowS` (default 6 per 3600 s). */
  maxAlarmsPerWindow?: number;
  stormWindowS?: number;
  /** At most this many emails per wake, so one wake's modem time stays bounded (default 10). */
  maxSendsPerWake?: number;
  /** Never sleep less than this (default 10 s). */
  minSleepS?: number;
}

export interface AppConfigProblem {
  field: string;
  detail: string;
}

export class AppConfigError extends Error {
  readonly problems: readonly AppConfigProblem[];
  constructor(problems: AppConfigProblem[]) {
    super(`app configuration: ${problems.map((p) => `${p.field}: ${p.detail}`).join("; ")}`);
    this.name = "AppConfigError";
    this.problems = problems;
  }
}

/** Throws AppConfigError listing every problem of `config` with `sources`. */
export function validateAppConfig(config: AppConfig, sources: readonly ReadingSource[]): void {
  const problems: AppConfigProblem[] = [];
  const fail = (field: string, detail: string) => problems.push({ field, detail });
  if (!NAME_PATTERN.test(config.deviceName)) fail("deviceName", "1-32 letters, digits, space, '_', '.', '-'");
  if (config.recipients.length === 0) fail("recipients", "at least one address");
  if (!(config.reportPeriodS >= 60)) fail("reportPeriodS", "at least 60 s");
  if (!(config.samplePeriodS >= 10)) fail("samplePeriodS", "at least 10 s");
  if (sources.length === 0 || sources.length > MAX_SOURCES) fail("sources", `1-${MAX_SOURCES} sources`);
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i];
    if (!ID_PATTERN.test(s.id)) fail(`sources[${i}].id`, "1-15 characters of [A-Za-z0-9_.-]");
    if (!UNIT_PATTERN.test(s.unit) || s.unit.indexOf(",") >= 0) fail(`sources[${i}].unit`, "0-7 printable ASCII characters, no comma");
    const d = s.decimals ?? 2;
    if (!(d >= 0 && d <= 6 && Math.floor(d) === d)) fail(`sources[${i}].decimals`, "0-6");
    for (let j = 0; j < i; j++) if (sources[j].id === s.id) fail(`sources[${i}].id`, `duplicate "${s.id}"`);
  }
  if (config.rules.length > MAX_RULES) fail("rules", `at most ${MAX_RULES}`);
  for (let i = 0; i < config.rules.length; i++) {
    const r = config.rules[i];
    if (!ID_PATTERN.test(r.id)) fail(`rules[${i}].id`, "1-15 characters of [A-Za-z0-9_.-]");
    if (sourceIndex(sources, r.source) < 0) fail(`rules[${i}].source`, `no source "${r.source}"`);
    if (r.direction !== "above" && r.direction !== "below") fail(`rules[${i}].direction`, '"above" or "below"');
    if (!Number.isFinite(r.threshold)) fail(`rules[${i}].threshold`, "a finite number");
    if (!(r.hysteresis >= 0 && Number.isFinite(r.hysteresis))) fail(`rules[${i}].hysteresis`, "a finite number >= 0");
    for (let j = 0; j < i; j++) if (config.rules[j].id === r.id) fail(`rules[${i}].id`, `duplicate "${r.id}"`);
  }
  const max = config.maxAlarmsPerWindow ?? 6;
  if (!(max >= 1 && max <= 1000)) fail("maxAlarmsPerWindow", "1-1000");
  if (!((config.stormWindowS ?? 3600) >= 60)) fail("stormWindowS", "at least 60 s");
  if (!((config.maxSendsPerWake ?? 10) >= 1)) fail("maxSendsPerWake", "at least 1");
  if (problems.length) throw new AppConfigError(problems);
}

export function sourceIndex(sources: readonly ReadingSource[], id: string): number {
  for (let i = 0; i < sources.length; i++) if (sources[i].id === id) return i;
  return -1;
}
