// Builds the email for one outbox record at send time, from its compact payload: subject with the
// device name and the outbox id (so a resend after a reset is recognisably the same email), a short
// alarm text, or a report body (summary, counters, the newest readings that fit) that never exceeds
// the modem's 10240-byte body limit, with the period's readings as a streamed readings.csv.
// A fresh Email per send: its streams can be read once.

import type { Email } from "../mail/email";
import { BODY_MAX_BYTES, SUBJECT_ASCII_MAX_CHARS } from "../ec20/limits";
import type { OutboxStats } from "../outbox/outbox";
import { asciiBytes, formatFixed, formatUtc } from "./ascii";
import type { ReadingHistory } from "./history";
import { newestThatFit, ReadingLines, type SourceNames } from "./lines";
import type { AlarmPayload, ReportPayload, SourceSummary } from "./payload";

/** In every subject, before the outbox id: lets mail filters and people find the device's emails. */
export const SUBJECT_TAG = "ec20-mail";
export const CSV_NAME = "readings.csv";
export const CSV_HEADER = "time,source,value\n";
const CRLF = "\r\n";

export interface ComposeSettings {
  deviceName: string;
  recipients: readonly string[];
  /** The storm cap, quoted in texts about suppressed alarms. */
  maxAlarmsPerWindow: number;
  stormWindowS: number;
}

export function subjectPrefix(id: number, deviceName: string): string {
  return `[${SUBJECT_TAG} #${id}] ${deviceName}`;
}

function fitSubject(subject: string): string {
  return subject.length <= SUBJECT_ASCII_MAX_CHARS ? subject : subject.substring(0, SUBJECT_ASCII_MAX_CHARS);
}

function suppressedLine(n: number, s: ComposeSettings): string {
  return `${n} more alarm${n === 1 ? "" : "s"} suppressed (storm cap: ${s.maxAlarmsPerWindow} alarm emails per ${Math.round(s.stormWindowS / 60)} min).`;
}

export function composeAlarm(id: number, p: AlarmPayload, s: ComposeSettings): Email {
  const value = `${p.source} ${formatFixed(p.value, p.decimals)}${p.unit ? " " + p.unit : ""}`;
  const threshold = formatFixed(p.threshold, p.decimals);
  const clearAt = formatFixed(p.direction === "above" ? p.threshold - p.hysteresis : p.threshold + p.hysteresis, p.decimals);
  const raised = p.event === "raised";
  const subject = raised
    ? `${subjectPrefix(id, s.deviceName)} ALARM ${p.rule}: ${value} ${p.direction} ${threshold}`
    : `${subjectPrefix(id, s.deviceName)} cleared ${p.rule}: ${value}`;
  let body =
    `${raised ? "ALARM raised" : "Alarm cleared"}: rule ${p.rule} on ${s.deviceName}${CRLF}` +
    `Time: ${formatUtc(p.time)}${CRLF}` +
    `Value: ${value}${CRLF}` +
    `Rule: ${p.direction} ${threshold}, clears when ${p.direction === "above" ? "below" : "above"} ${clearAt}${CRLF}`;
  if (p.suppressed > 0) body += suppressedLine(p.suppressed, s) + CRLF;
  body += `Outbox id: ${id}${CRLF}`;
  return { to: s.recipients.slice(), subject: fitSubject(subject), body };
}

function summaryLine(x: SourceSummary): string {
  if (x.count === 0) return `${x.id}: no readings${CRLF}`;
  const f = (v: number) => formatFixed(v, x.decimals);
  const unit = x.unit ? " " + x.unit : "";
  return `${x.id}: min ${f(x.min)}, max ${f(x.max)}, avg ${f(x.avg)}, last ${f(x.last)}${unit} (${x.count} readings)${CRLF}`;
}

export interface ComposedReport {
  email: Email;
  /** The counters the body reported: pass to outbox.resetCounters once the email is delivered. */
  reported: OutboxStats;
  /** Body bytes, and how many readings the body lists of those in the CSV. */
  bodyLength: number;
  listed: number;
  csvReadings: number;
}

export function composeReport(id: number, p: ReportPayload, stats: OutboxStats, history: ReadingHistory, s: ComposeSettings): ComposedReport {
  const names: SourceNames = { ids: p.sources.map((x) => x.id), decimals: p.sources.map((x) => x.decimals) };
  const csv = new ReadingLines({ history, fromSeq: p.fromSeq, toSeq: p.toSeq, names, prefix: asciiBytes(CSV_HEADER), eol: "\n" });
  const total = csv.count;

  let summary =
    `Report from ${s.deviceName}${CRLF}` +
    `Period: ${formatUtc(p.fromTime, true)} to ${formatUtc(p.toTime, true)}${CRLF}` +
    `Readings in the period: ${total} (all in ${CSV_NAME})${CRLF}${CRLF}`;
  for (const x of p.sources) summary += summaryLine(x);
  summary += CRLF;
  summary += `Alarms suppressed by the storm cap: ${p.suppressed}${CRLF}`;
  summary += `Reports dropped (outbox full): ${stats.droppedReports}${CRLF}`;
  summary += `Emails failed permanently: ${stats.permanentFailures}${stats.permanentFailures ? ` (last code ${stats.lastPermanentCode})` : ""}${CRLF}`;
  summary += `Alarms refused (outbox full): ${stats.refusedAlarms}${CRLF}`;
  if (stats.refusedReports) summary += `Reports refused (outbox full): ${stats.refusedReports}${CRLF}`;
  summary += `Outbox id: ${id}${CRLF}`;

  let listHeader = (k: number) => `${CRLF}Newest readings (${k} of ${total}):${CRLF}`;
  if (total === 0) listHeader = () => "";
  // Reserve the header as long as it can get (k <= total), then fill what is left with readings.
  const budget = BODY_MAX_BYTES - summary.length - listHeader(total).length;
  const fit = budget > 0 && total > 0 ? newestThatFit(history, p.fromSeq, p.toSeq, names, CRLF, budget) : { start: p.toSeq, count: 0 };
  const prefix = asciiBytes(summary + listHeader(fit.count));
  const list = new ReadingLines({ history, fromSeq: fit.start, toSeq: p.toSeq, names, prefix, eol: CRLF });

  // To the nearest minute: a wake a few seconds before the hour is the hour's report.
  const subject = `${subjectPrefix(id, s.deviceName)} report ${formatUtc(p.toTime + 30, true)}`;
  const email: Email = {
    to: s.recipients.slice(),
    subject: fitSubject(subject),
    body: { length: list.length, source: list, charset: 0 },
    attachments: [{ name: CSV_NAME, length: csv.length, source: csv }],
  };
  return { email, reported: stats, bodyLength: list.length, listed: list.count, csvReadings: total };
}
