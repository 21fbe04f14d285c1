// The compact outbox payloads: what is needed to rebuild an alarm or report email at send time (kind,
// times, values, names), not the email text. Self-contained: a payload composes the same email even
// after the configuration changed. All integers little-endian; strings are u8 length + ASCII.
//
// ALARM (0xA1), 28 bytes + 3 strings (at most 76):
//   0 u8 0xA1 | 1 u8 event (1 raised, 0 cleared) | 2 u8 direction (0 above, 1 below) | 3 u8 decimals
//   4 u32 time (s) | 8 f32 value | 12 f32 threshold | 16 f32 hysteresis
//   20 u16 suppressed (alarm emails suppressed by the storm cap before this one) | 22 u16 0
//   24 u32 eventSeq (unique per queued email: lets a replayed journal find its own append)
//   28 rule id | source id | unit
// REPORT (0xB1), 24 bytes + per source 20 bytes + 2 strings (at most 24 + 8 x 52 = 440):
//   0 u8 0xB1 | 1 u8 sourceCount | 2 u16 suppressed | 4 u32 fromTime | 8 u32 toTime
//   12 u32 fromSeq | 16 u32 toSeq (history records [fromSeq, toSeq) are the period's readings)
//   20 u32 eventSeq
//   per source, in the history's source-index order: u8 decimals | u8 0 | u16 count (saturating)
//     | f32 min | f32 max | f32 avg | f32 last | id | unit

export const ALARM_FORMAT = 0xa1;
export const REPORT_FORMAT = 0xb1;
/** Largest payload this module writes (the outbox's maxPayload must be at least this). */
export const MAX_PAYLOAD_BYTES = 440;

export interface AlarmPayload {
  kind: "alarm";
  event: "raised" | "cleared";
  direction: "above" | "below";
  decimals: number;
  time: number;
  value: number;
  threshold: number;
  hysteresis: number;
  suppressed: number;
  eventSeq: number;
  rule: string;
  source: string;
  unit: string;
}

export interface SourceSummary {
  id: string;
  unit: string;
  decimals: number;
  /** Readings in the period (0: min, max, avg and last are NaN). */
  count: number;
  min: number;
  max: number;
  avg: number;
  last: number;
}

export interface ReportPayload {
  kind: "report";
  suppressed: number;
  fromTime: number;
  toTime: number;
  fromSeq: number;
  toSeq: number;
  eventSeq: number;
  sources: SourceSummary[];
}

export type Payload = AlarmPayload | ReportPayload;

/** A payload that cannot be decoded (unknown format, truncated): the record can never be composed. */
export class PayloadError extends Error {
  readonly code = "bad-payload";
  constructor(detail: string) {
    super(`payload: ${detail}`);
    this.name = "PayloadError";
  }
}

class Writer {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u8(v: number): void {
    this.view.setUint8(this.at++, v);
  }
  u16(v: number): void {
    this.view.setUint16(this.at, Math.max(0, Math.min(v, 0xffff)), true);
    this.at += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.at, Math.max(0, Math.min(Math.floor(v), 0xffffffff)), true);
    this.at += 4;
  }
  f32(v: number): void {
    this.view.setFloat32(this.at, v, true);
    this.at += 4;
  }
  str(s: string): void {
    const n = Math.min(s.length, 255);
    this.u8(n);
    for (let i = 0; i < n; i++) this.bytes[this.at++] = s.charCodeAt(i) & 0x7f;
  }
  done(): Uint8Array {
    return this.bytes.subarray(0, this.at);
  }
}

class Reader {
  readonly view: DataView;
  readonly bytes: Uint8Array;
  at = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
  need(n: number): void {
    if (this.at + n > this.bytes.length) throw new PayloadError("truncated");
  }
  u8(): number {
    this.need(1);
    return this.view.getUint8(this.at++);
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.at, true);
    this.at += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  f32(): number {
    this.need(4);
    const v = this.view.getFloat32(this.at, true);
    this.at += 4;
    return v;
  }
  str(): string {
    const n = this.u8();
    this.need(n);
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[this.at + i]);
    this.at += n;
    return s;
  }
}

export function encodeAlarm(p: AlarmPayload): Uint8Array {
  const w = new Writer(28 + 3 + p.rule.length + p.source.length + p.unit.length);
  w.u8(ALARM_FORMAT);
  w.u8(p.event === "raised" ? 1 : 0);
  w.u8(p.direction === "above" ? 0 : 1);
  w.u8(p.decimals);
  w.u32(p.time);
  w.f32(p.value);
  w.f32(p.threshold);
  w.f32(p.hysteresis);
  w.u16(p.suppressed);
  w.u16(0);
  w.u32(p.eventSeq);
  w.str(p.rule);
  w.str(p.source);
  w.str(p.unit);
  return w.done();
}

export function encodeReport(p: ReportPayload): Uint8Array {
  let size = 24;
  for (const s of p.sources) size += 22 + s.id.length + s.unit.length;
  const w = new Writer(size);
  w.u8(REPORT_FORMAT);
  w.u8(p.sources.length);
  w.u16(p.suppressed);
  w.u32(p.fromTime);
  w.u32(p.toTime);
  w.u32(p.fromSeq);
  w.u32(p.toSeq);
  w.u32(p.eventSeq);
  for (const s of p.sources) {
    w.u8(s.decimals);
    w.u8(0);
    w.u16(s.count);
    w.f32(s.min);
    w.f32(s.max);
    w.f32(s.avg);
    w.f32(s.last);
    w.str(s.id);
    w.str(s.unit);
  }
  return w.done();
}

/** Decodes a payload read back from the outbox; throws PayloadError when it is not one of ours. */
export function decodePayload(bytes: Uint8Array): Payload {
  const r = new Reader(bytes);
  const format = r.u8();
  if (format === ALARM_FORMAT) {
    const event = r.u8() === 1 ? "raised" : "cleared";
    const direction = r.u8() === 0 ? "above" : "below";
    const decimals = Math.min(r.u8(), 6);
    const time = r.u32();
    const value = r.f32();
    const threshold = r.f32();
    const hysteresis = r.f32();
    const suppressed = r.u16();
    r.u16();
    const eventSeq = r.u32();
    return { kind: "alarm", event, direction, decimals, time, value, threshold, hysteresis, suppressed, eventSeq,
      rule: r.str(), source: r.str(), unit: r.str() };
  }
  if (format === REPORT_FORMAT) {
    const count = r.u8();
    const suppressed = r.u16();
    const fromTime = r.u32();
    const toTime = r.u32();
    const fromSeq = r.u32();
    const toSeq = r.u32();
    const eventSeq = r.u32();
    const sources: SourceSummary[] = [];
    for (let i = 0; i < count; i++) {
      const decimals = Math.min(r.u8(), 6);
      r.u8();
      const n = r.u16();
      const min = r.f32();
      const max = r.f32();
      const avg = r.f32();
      const last = r.f32();
      sources.push({ decimals, count: n, min, max, avg, last, id: r.str(), unit: r.str() });
    }
    return { kind: "report", suppressed, fromTime, toTime, fromSeq, toSeq, eventSeq, sources };
  }
  throw new PayloadError(`unknown format 0x${format.toString(16)}`);
}
