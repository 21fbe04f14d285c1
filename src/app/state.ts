// The application's small persistent state (what must survive deep sleep besides the outbox and the
// history): rule states, the report schedule, the storm counters, the history head, and a journal of
// payloads decided but maybe not yet queued. Encoded into one checksummed blob that a StateStore keeps
// (NVS on the ESP32, where a value is at most 4000 bytes and a set is atomic; a file on Node).
//
// LAYOUT (little-endian), version 1:
//   0 u32 magic "APS1" | 4 u16 total length | 6 u16 version
//   8 u32 config fingerprint | 12 u32 nextReportAt | 16 u32 reportFromTime | 20 u32 reportFromSeq
//   24 u32 historyNextSeq | 28 u32 storm windowStart | 32 u16 storm count | 34 u16 suppressed
//   36 u32 nextEventSeq | 40 u32 lastWake | 44 u8 ruleCount | 45 u8 journalCount | 46 u16 0
//   48 per rule: u8 active | 3 x 0 | u32 since                      (8 x ruleCount)
//   then per journal entry: u8 kind (1 alarm, 2 report) | u8 0 | u16 length | payload
//   last u32 CRC-32 of everything before it
// SIZE: 52 + 8 x 16 rules + journal (at most 16 alarms of <= 80 bytes and one report of <= 444) < 2200.
//
// WHY A JOURNAL: queueing an alarm and remembering that its rule is now active must happen together,
// or a reset between them sends a second alarm with a new id (state lost) or none (outbox lost). The
// app saves the new state WITH the payloads in the journal first, then appends them to the outbox,
// then saves again with the journal empty. After a reset in between, the next wake appends every
// journal payload that the outbox does not already hold (each carries a unique eventSeq).

import { CRC32_START, crc32Finish, crc32Update } from "../outbox/crc32";
import type { StormState } from "./rules";

/** Keeps the state blob. `save` must be atomic (all or nothing) and durable on return. */
export interface StateStore {
  load(): Uint8Array | undefined;
  save(bytes: Uint8Array): void;
}

/** NVS's limit for one value on the ESP32. */
export const MAX_STATE_BYTES = 4000;
const MAGIC = 0x31535041; // "APS1"
const VERSION = 1;
const HEADER = 48;

export interface RuleState {
  active: boolean;
  /** When it last changed (s). */
  since: number;
}

export interface JournalEntry {
  kind: "alarm" | "report";
  payload: Uint8Array;
}

export interface AppState {
  /** CRC of the source and rule definitions: rule states are reset when the rules change. */
  fingerprint: number;
  /** When the next report is due (s); 0 = not scheduled yet (first wake). */
  nextReportAt: number;
  /** Start of the period the next report covers: time and first history seq. */
  reportFromTime: number;
  reportFromSeq: number;
  /** The history's next seq at the last save (a hint: the history scans forward from it). */
  historyNextSeq: number;
  storm: StormState;
  /** Stamped into each payload so a replayed journal entry can be recognised in the outbox. */
  nextEventSeq: number;
  lastWake: number;
  rules: RuleState[];
  journal: JournalEntry[];
}

export function initialState(fingerprint: number, ruleCount: number): AppState {
  const rules: RuleState[] = [];
  for (let i = 0; i < ruleCount; i++) rules.push({ active: false, since: 0 });
  return {
    fingerprint, nextReportAt: 0, reportFromTime: 0, reportFromSeq: 0, historyNextSeq: 0,
    storm: { windowStart: 0, count: 0, suppressed: 0 }, nextEventSeq: 1, lastWake: 0, rules, journal: [],
  };
}

export function encodeState(s: AppState): Uint8Array {
  let size = HEADER + 8 * s.rules.length + 4;
  for (const j of s.journal) size += 4 + j.payload.length;
  if (size > MAX_STATE_BYTES || s.rules.length > 255 || s.journal.length > 255) throw new RangeError(`state of ${size} bytes is over ${MAX_STATE_BYTES}`);
  const bytes = new Uint8Array(size);
  const v = new DataView(bytes.buffer);
  const u32 = (at: number, x: number) => v.setUint32(at, Math.max(0, Math.min(Math.floor(x), 0xffffffff)), true);
  u32(0, MAGIC);
  v.setUint16(4, size, true);
  v.setUint16(6, VERSION, true);
  u32(8, s.fingerprint);
  u32(12, s.nextReportAt);
  u32(16, s.reportFromTime);
  u32(20, s.reportFromSeq);
  u32(24, s.historyNextSeq);
  u32(28, s.storm.windowStart);
  v.setUint16(32, Math.min(s.storm.count, 0xffff), true);
  v.setUint16(34, Math.min(s.storm.suppressed, 0xffff), true);
  u32(36, s.nextEventSeq);
  u32(40, s.lastWake);
  v.setUint8(44, s.rules.length);
  v.setUint8(45, s.journal.length);
  let at = HEADER;
  for (const r of s.rules) {
    v.setUint8(at, r.active ? 1 : 0);
    u32(at + 4, r.since);
    at += 8;
  }
  for (const j of s.journal) {
    v.setUint8(at, j.kind === "alarm" ? 1 : 2);
    v.setUint16(at + 2, j.payload.length, true);
    bytes.set(j.payload, at + 4);
    at += 4 + j.payload.length;
  }
  u32(at, crc32Finish(crc32Update(CRC32_START, bytes, 0, at)));
  return bytes;
}

/** The state in `bytes`, or undefined when it is missing, of another version, or fails its CRC. */
export function decodeState(bytes: Uint8Array | undefined): AppState | undefined {
  if (!bytes || bytes.length < HEADER + 4) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  if (v.getUint32(0, true) !== MAGIC || v.getUint16(6, true) !== VERSION) return undefined;
  const size = v.getUint16(4, true);
  if (size !== bytes.length) return undefined;
  if (v.getUint32(size - 4, true) !== crc32Finish(crc32Update(CRC32_START, bytes, 0, size - 4))) return undefined;
  const ruleCount = v.getUint8(44);
  const journalCount = v.getUint8(45);
  const rules: RuleState[] = [];
  let at = HEADER;
  for (let i = 0; i < ruleCount; i++) {
    if (at + 8 > size - 4) return undefined;
    rules.push({ active: v.getUint8(at) === 1, since: v.getUint32(at + 4, true) });
    at += 8;
  }
  const journal: JournalEntry[] = [];
  for (let i = 0; i < journalCount; i++) {
    if (at + 4 > size - 4) return undefined;
    const length = v.getUint16(at + 2, true);
    if (at + 4 + length > size - 4) return undefined;
    journal.push({ kind: v.getUint8(at) === 1 ? "alarm" : "report", payload: bytes.slice(at + 4, at + 4 + length) });
    at += 4 + length;
  }
  return {
    fingerprint: v.getUint32(8, true),
    nextReportAt: v.getUint32(12, true),
    reportFromTime: v.getUint32(16, true),
    reportFromSeq: v.getUint32(20, true),
    historyNextSeq: v.getUint32(24, true),
    storm: { windowStart: v.getUint32(28, true), count: v.getUint16(32, true), suppressed: v.getUint16(34, true) },
    nextEventSeq: v.getUint32(36, true),
    lastWake: v.getUint32(40, true),
    rules,
    journal,
  };
}
