// One wake of the telemetry and alarm application: sample every source into the history, evaluate
// the alarm rules, queue alarms (storm-capped) and, when due, a report; then, only if something is
// due in the outbox, power the modem on once, send alarms before reports, and power it off again
// (always). Returns how long to sleep. Engine-neutral: hosts inject storage, state, mailer, power
// and the wall clock.
//
// ORDER AND RESETS (a reset may strike anywhere; nothing queued is lost, no event gets two ids):
//   1. load state; replay its journal (payloads decided by an earlier wake that a reset may have
//      kept out of the outbox: appended unless the outbox already holds the same bytes);
//   2. sample -> history (each record durable; the history finds records newer than its saved hint);
//   3. decide: rule events, storm cap, report due -> new state + payloads in the journal; save;
//   4. append the journal to the outbox (alarms first); save with an empty journal;
//   5. send what is due: markSent after delivery, markFailed otherwise (a reset before markSent
//      sends the same email again, with the same id in its subject);
//   6. power off, compact the outbox, compute the sleep.

import type { Storage } from "../host/storage";
import type { Log } from "../host/types";
import { CRC32_START, crc32Finish, crc32Update } from "../outbox/crc32";
import { OutboxError } from "../outbox/errors";
import type { Outbox } from "../outbox/outbox";
import { asciiBytes } from "./ascii";
import { sourceIndex, validateAppConfig, type AppConfig } from "./config";
import { ReadingHistory } from "./history";
import { inOutbox, queue } from "./journal";
import { encodeAlarm, encodeReport, MAX_PAYLOAD_BYTES } from "./payload";
import type { ReadingSource } from "./readings";
import { admitAlarm, evaluateRule } from "./rules";
import { APP_CODE_POWER, sendDue, type MailSender } from "./send";
import { decodeState, encodeState, initialState, type JournalEntry, type StateStore } from "./state";
import { summarize } from "./summary";

export { APP_CODE_BAD_PAYLOAD, APP_CODE_INVALID_EMAIL, APP_CODE_POWER, type MailSender } from "./send";

/** Modem power as the app uses it: on (ready for the mailer) and off (orderly, supply cut). */
export interface ModemControl {
  powerOn(): Promise<void>;
  powerOff(): Promise<void>;
  /** The time the modem learnt from the network, UTC seconds; undefined when it has none. */
  networkTime?(): Promise<number | undefined>;
}

export interface WakeContext {
  config: AppConfig;
  sources: readonly ReadingSource[];
  /** Built over its own Storage; maxPayload at least MAX_PAYLOAD_BYTES (its default 512 is). */
  outbox: Outbox;
  /** The readings history's region (see history.ts for the capacity). */
  historyStorage: Storage;
  state: StateStore;
  mailer: MailSender;
  modem: ModemControl;
  /** Wall-clock time in seconds (RTC or network time): report times, retry times, CSV times. */
  now(): number;
  /**
   * Sets the wall clock (the ESP32's RTC). With it, a wake that used the modem asks for the network's
   * time before powering off and sets the clock when it is off by more than CLOCK_TOLERANCE_S: the
   * RTC restarts at 1970 after a power loss and would stay there.
   */
  setClock?(utcSeconds: number): void;
  log: Log;
}

/** A clock within this of the network's time is left alone (NITZ itself is given to the second). */
export const CLOCK_TOLERANCE_S = 2;
/** Network times before this are a modem clock that was never set, not the network's (2024-01-01Z). */
export const EARLIEST_NETWORK_TIME = 1_704_067_200;

export interface WakeResult {
  /** Seconds until the next wake: the next sample, report, or outbox retry, whichever is first. */
  sleepS: number;
  sampled: number;
  alarmsQueued: number;
  alarmsSuppressed: number;
  reportQueued: boolean;
  /** Emails delivered / failed in this wake. */
  sent: number;
  failed: number;
  /** The modem was switched on (something was due). */
  modemUsed: boolean;
}

/** A report is due this many seconds before its time, so a timer that wakes a little early does not cost a wake. */
const REPORT_EARLY_S = 30;
/** Scratch for reading payloads back: the outbox's default maxPayload. */
const PAYLOAD_BUFFER = 512;

export async function runWake(ctx: WakeContext): Promise<WakeResult> {
  const { config, sources, outbox, log } = ctx;
  validateAppConfig(config, sources);
  const result: WakeResult = { sleepS: 0, sampled: 0, alarmsQueued: 0, alarmsSuppressed: 0, reportQueued: false, sent: 0, failed: 0, modemUsed: false };
  const now = Math.floor(ctx.now());
  const fingerprint = configFingerprint(config, sources);

  // 1. State and journal.
  let state = decodeState(ctx.state.load());
  const loaded = state !== undefined;
  if (!state) {
    log("warn", "app state missing or damaged: starting afresh (rules inactive, report scheduled)");
    state = initialState(fingerprint, config.rules.length);
  }
  // Without a saved head the history scans the whole region for its newest record.
  const history = new ReadingHistory(ctx.historyStorage, loaded ? state.historyNextSeq : undefined);
  if (state.fingerprint !== fingerprint || state.rules.length !== config.rules.length) {
    log("info", "sources or rules changed: rule states reset");
    const fresh = initialState(fingerprint, config.rules.length);
    state.fingerprint = fingerprint;
    state.rules = fresh.rules;
  }
  const buffer = new Uint8Array(PAYLOAD_BUFFER);
  if (state.journal.length > 0) {
    log("info", `replaying ${state.journal.length} queued payload(s) from an interrupted wake`);
    for (const entry of state.journal) if (!inOutbox(outbox, entry.payload, buffer)) queue(outbox, entry, log);
    state.journal = [];
    ctx.state.save(encodeState(state));
  }

  // 2. Sample.
  if (state.nextReportAt === 0) {
    state.reportFromTime = now;
    state.reportFromSeq = history.nextSeq;
    state.nextReportAt = nextBoundary(now, config.reportPeriodS);
  }
  const values: number[] = [];
  for (let i = 0; i < sources.length; i++) {
    let value = NaN;
    try {
      value = sources[i].sample(now);
    } catch (e) {
      log("warn", `source ${sources[i].id}: ${(e as Error).message}`);
    }
    values.push(value);
    if (!Number.isFinite(value)) continue;
    history.append(now, i, value);
    result.sampled++;
  }

  // 3. Decide.
  const maxAlarms = config.maxAlarmsPerWindow ?? 6;
  const stormWindowS = config.stormWindowS ?? 3600;
  const journal: JournalEntry[] = [];
  for (let r = 0; r < config.rules.length; r++) {
    const rule = config.rules[r];
    const s = sourceIndex(sources, rule.source);
    const value = values[s];
    const ruleState = state.rules[r];
    const event = evaluateRule(rule, ruleState.active, value);
    if (!event) continue;
    ruleState.active = event === "raised";
    ruleState.since = now;
    log(event === "raised" ? "warn" : "info", `alarm ${rule.id} ${event}: ${rule.source} = ${value}`);
    if (event === "cleared" && rule.notifyClear === false) continue;
    if (!admitAlarm(state.storm, now, maxAlarms, stormWindowS)) {
      result.alarmsSuppressed++;
      continue;
    }
    const source = sources[s];
    journal.push({
      kind: "alarm",
      payload: encodeAlarm({
        kind: "alarm", event, direction: rule.direction, decimals: source.decimals ?? 2, time: now, value,
        threshold: rule.threshold, hysteresis: rule.hysteresis, suppressed: state.storm.suppressed,
        eventSeq: state.nextEventSeq++, rule: rule.id, source: source.id, unit: source.unit,
      }),
    });
    state.storm.suppressed = 0;
  }
  if (state.nextReportAt - now > config.reportPeriodS) state.nextReportAt = nextBoundary(now, config.reportPeriodS); // the clock went back
  if (now + REPORT_EARLY_S >= state.nextReportAt) {
    const toSeq = history.nextSeq;
    journal.push({
      kind: "report",
      payload: encodeReport({
        kind: "report", suppressed: state.storm.suppressed, fromTime: state.reportFromTime, toTime: now,
        fromSeq: state.reportFromSeq, toSeq, eventSeq: state.nextEventSeq++,
        sources: summarize(history, state.reportFromSeq, toSeq, sources),
      }),
    });
    state.storm.suppressed = 0;
    state.reportFromTime = now;
    state.reportFromSeq = toSeq;
    state.nextReportAt = nextBoundary(now + REPORT_EARLY_S, config.reportPeriodS);
  }
  state.historyNextSeq = history.nextSeq;
  state.lastWake = now;
  state.journal = journal;
  ctx.state.save(encodeState(state));

  // 4. Queue.
  for (const entry of journal) {
    if (queue(outbox, entry, log)) {
      if (entry.kind === "alarm") result.alarmsQueued++;
      else result.reportQueued = true;
    }
  }
  if (journal.length > 0) {
    state.journal = [];
    ctx.state.save(encodeState(state));
  }

  // 5. Send.
  let holdUntil = -1;
  /** How far the wall clock was moved by the network's time in this wake (seconds). */
  let clockJump = 0;
  if (outbox.next(Math.floor(ctx.now()))) {
    result.modemUsed = true;
    try {
      let powered = false;
      try {
        await ctx.modem.powerOn();
        powered = true;
      } catch (e) {
        log("error", `modem power-on failed: ${(e as Error).message}`);
        const t = Math.floor(ctx.now());
        const first = outbox.next(t);
        const outcome = first ? outbox.markFailed(first.id, "transient", APP_CODE_POWER, t) : undefined;
        if (outcome) holdUntil = outcome.notBefore;
      }
      if (powered) {
        holdUntil = await sendDue({
          outbox, history, mailer: ctx.mailer, now: ctx.now, log, buffer,
          maxSends: config.maxSendsPerWake ?? 10,
          settings: {
            deviceName: config.deviceName, recipients: config.recipients,
            maxAlarmsPerWindow: config.maxAlarmsPerWindow ?? 6, stormWindowS: config.stormWindowS ?? 3600,
          },
        }, result);
        // Registered by now if any email reached the network: the modem knows the network's time.
        if (ctx.setClock && ctx.modem.networkTime) clockJump = await syncClock(ctx);
      }
    } finally {
      try {
        await ctx.modem.powerOff();
      } catch (e) {
        log("warn", `modem power-off failed: ${(e as Error).message}`);
      }
    }
  }

  // 6. Tidy and sleep.
  try {
    outbox.compact();
  } catch (e) {
    if (!(e instanceof OutboxError)) throw e;
    log("warn", `outbox compaction: ${e.message}`);
  }
  // This wake's schedule (report, samples, retries) is on the clock it started with.
  const end = Math.floor(ctx.now() - clockJump);
  let wakeAt = Math.min(state.nextReportAt, now + config.samplePeriodS);
  const due = outbox.nextDueAt(end);
  if (due >= 0) wakeAt = Math.min(wakeAt, Math.max(due, holdUntil));
  result.sleepS = Math.max(config.minSleepS ?? 10, wakeAt - end);
  return result;
}

/**
 * Sets the wall clock from the network's time when it is off; never fails the wake. Returns how far
 * the clock moved (seconds, 0 when it was left alone). Reading times already taken in this wake keep
 * the old clock; the next wake runs on the right one (a schedule left ahead by a clock that went back
 * is pulled in there, one left behind is simply due).
 */
async function syncClock(ctx: WakeContext): Promise<number> {
  let network: number | undefined;
  try {
    network = await ctx.modem.networkTime!();
  } catch (e) {
    ctx.log("info", `no network time: ${(e as Error).message}`);
    return 0;
  }
  if (network === undefined || !(network >= EARLIEST_NETWORK_TIME)) {
    ctx.log("info", "the modem has no network time (NITZ): device clock left as it is");
    return 0;
  }
  const before = ctx.now();
  if (Math.abs(network - before) <= CLOCK_TOLERANCE_S) return 0;
  try {
    ctx.setClock!(network);
  } catch (e) {
    ctx.log("warn", `setting the device clock failed: ${(e as Error).message}`);
    return 0;
  }
  const off = Math.round(before - network);
  ctx.log(Math.abs(off) > 3600 ? "warn" : "info", `device clock set from the network time: it was ${Math.abs(off)} s ${off > 0 ? "ahead" : "behind"}`);
  return network - before;
}

/** The first multiple of `period` after `t` (reports fall on whole periods, e.g. full hours UTC). */
function nextBoundary(t: number, period: number): number {
  return (Math.floor(t / period) + 1) * period;
}

/** CRC of the source ids and rule definitions: a change resets the rule states. */
export function configFingerprint(config: AppConfig, sources: readonly ReadingSource[]): number {
  let text = "";
  for (const s of sources) text += s.id + ";";
  for (const r of config.rules) text += `${r.id},${r.source},${r.direction},${r.threshold},${r.hysteresis};`;
  return crc32Finish(crc32Update(CRC32_START, asciiBytes(text)));
}

export { MAX_PAYLOAD_BYTES };
