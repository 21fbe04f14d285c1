// Sending what is due: one email per record, composed from its payload at send time, alarms before
// reports (the outbox's order). Delivery -> markSent (and, for a report, the counters it carried are
// reset); failure -> markFailed with the retry class of the failure. A failure that says the network
// or the server is unavailable pauses sending until its retry time, to save battery.

import type { Log } from "../host/types";
import type { Email } from "../mail/email";
import { ValidationError } from "../mail/errors";
import type { SendResult } from "../mailer/types";
import { OutboxError } from "../outbox/errors";
import type { Outbox, OutboxStats, PendingRecord } from "../outbox/outbox";
import { classifyFailure } from "../outbox/retry";
import { composeAlarm, composeReport, type ComposeSettings } from "./compose";
import type { ReadingHistory } from "./history";
import { decodePayload, PayloadError } from "./payload";

/** What the app needs of the mailer (src/mailer's Mailer has it). */
export interface MailSender {
  send(email: Email): Promise<SendResult>;
}

/** Codes for failures found before the modem (markFailed needs a code; modem and SMTP codes are < 1000). */
export const APP_CODE_BAD_PAYLOAD = 9001;
export const APP_CODE_INVALID_EMAIL = 9002;
export const APP_CODE_POWER = 9003;

export interface SendContext {
  outbox: Outbox;
  history: ReadingHistory;
  mailer: MailSender;
  settings: ComposeSettings;
  /** At most this many emails (attempts) in one call. */
  maxSends: number;
  now(): number;
  log: Log;
  /** Reused for every payload read back (the outbox's maxPayload, 512 by default). */
  buffer: Uint8Array;
}

export interface SendTally {
  sent: number;
  failed: number;
}

/**
 * Sends due records, alarms first, until none is due, the per-wake cap is reached, or a failure says
 * the network or server is unavailable. Returns the time before which sending should not resume
 * (-1: no such hold).
 */
export async function sendDue(ctx: SendContext, result: SendTally): Promise<number> {
  const { outbox, log, maxSends } = ctx;
  const tried: number[] = [];
  for (let sends = 0; sends < maxSends; sends++) {
    const t = Math.floor(ctx.now());
    const record = outbox.next(t);
    if (!record || tried.indexOf(record.id) >= 0) break;
    tried.push(record.id);
    const composed = compose(ctx, record, t);
    if (!composed) {
      result.failed++;
      continue;
    }
    let sent: SendResult;
    try {
      sent = await ctx.mailer.send(composed.email);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      log("error", `#${record.id} cannot be sent (${e.field}: ${e.message}): dropped, counted in the next report`);
      outbox.markFailed(record.id, "permanent", APP_CODE_INVALID_EMAIL, t);
      result.failed++;
      continue;
    }
    if (sent.delivered) {
      outbox.markSent(record.id);
      if (composed.reported) outbox.resetCounters(composed.reported);
      result.sent++;
      log("info", `#${record.id} ${record.kind} delivered`);
      continue;
    }
    result.failed++;
    const code = sent.protocolError || sent.err || (sent.error ? sent.error.code : 0);
    const retryClass = classifyFailure(code, sent.retry !== "permanent");
    const outcome = outbox.markFailed(record.id, retryClass, code, Math.floor(ctx.now()));
    if (!outcome) continue;
    if (outcome.dead) {
      log("error", `#${record.id} ${record.kind} failed permanently (code ${code}): not retried, counted in the next report`);
      continue;
    }
    log("warn", `#${record.id} ${record.kind} failed (code ${code}, ${retryClass}): retry at ${outcome.notBefore}; sending paused`);
    return outcome.notBefore;
  }
  return -1;
}

function compose(ctx: SendContext, record: PendingRecord, t: number): { email: Email; reported: OutboxStats | undefined } | undefined {
  const { outbox, log, buffer, settings, history } = ctx;
  try {
    const n = outbox.readPayload(record.id, buffer);
    const payload = decodePayload(buffer.subarray(0, n));
    if (payload.kind === "alarm") return { email: composeAlarm(record.id, payload, settings), reported: undefined };
    const report = composeReport(record.id, payload, outbox.stats(), history, settings);
    return { email: report.email, reported: report.reported };
  } catch (e) {
    if (!(e instanceof OutboxError) && !(e instanceof PayloadError)) throw e;
    log("error", `#${record.id} cannot be composed (${e.message}): dropped, counted in the next report`);
    outbox.markFailed(record.id, "permanent", APP_CODE_BAD_PAYLOAD, t);
    return undefined;
  }
}

