// Typed modem errors: every failure of an EC20 command becomes a ModemError carrying the family, the
// code, the manual's meaning, whether a retry can help, and the command in its masked trace form.
// The code table itself is in error-codes.ts.

import { AtError } from "../at/types";
import type { AtErrorKind } from "../at/types";
import { lookupError } from "./error-codes";
import type { ErrorFamily, ErrorInfo, RetryClass } from "./error-codes";

export { lookupError, errorsOf } from "./error-codes";
export type { ErrorFamily, ErrorInfo, RetryClass } from "./error-codes";

/**
 * How the failure showed itself: an AtError kind from the channel, or one found by the command layer:
 * "result" (a final result line such as `+QSMTPPUT: 654,0` carried a non-zero code), "checksum" (an
 * upload's size or checksum differed from what we sent), "response" (an information response was
 * missing or could not be parsed).
 */
export type ModemErrorKind = AtErrorKind | "result" | "checksum" | "response";

export class ModemError extends Error {
  readonly family: ErrorFamily;
  readonly kind: ModemErrorKind;
  /** The modem's code (CME code or result code); 0 when the failure carried none. */
  readonly code: number;
  readonly meaning: string;
  readonly retry: RetryClass;
  /** Why that retry class. */
  readonly reason: string;
  /** The command in trace form (credentials masked). */
  readonly command: string;
  /** For +QSMTPPUT failures: the SMTP server's reply code (chapter 5), 0 when none. */
  readonly protocolError: number;

  constructor(fields: {
    family: ErrorFamily;
    kind: ModemErrorKind;
    code: number;
    meaning: string;
    retry: RetryClass;
    reason: string;
    command: string;
    protocolError?: number;
  }) {
    super(`${fields.command}: ${fields.code ? fields.code + " " : ""}${fields.meaning} [${fields.retry}]`);
    this.name = "ModemError";
    this.family = fields.family;
    this.kind = fields.kind;
    this.code = fields.code;
    this.meaning = fields.meaning;
    this.retry = fields.retry;
    this.reason = fields.reason;
    this.command = fields.command;
    this.protocolError = fields.protocolError ?? 0;
  }
}

/** Failures that carry no code: what they mean and whether a retry helps. */
const WITHOUT_CODE: Readonly<Record<AtErrorKind, readonly [string, RetryClass, string]>> = Object.freeze({
  error: ["ERROR without a code", "transient", "unknown command, CMEE 0, or a bare ERROR from AT+QIACT; check AT+CPIN? (manual 1.4.1)"],
  cme: ["+CME ERROR with an unlisted code", "transient", "unlisted code; one retry with backoff is cheap"],
  cms: ["+CMS ERROR", "transient", "message-service error; not expected from these commands"],
  "no-carrier": ["NO CARRIER", "transient", "the data connection ended"],
  timeout: ["No final result before the deadline", "transient", "the module is slow or stuck; if AT+QIACT times out (150 s), reboot the module (facts 3)"],
  "urc-timeout": ["OK came but the final result did not", "transient", "the module may still be working: sending again too early gives 652"],
  cancelled: ["Cancelled by the caller", "permanent", "nothing failed on the modem; the caller gave up"],
  busy: ["The command queue was full; the command was never sent", "transient", "the channel is congested; retry when it drains"],
  reset: ["The modem restarted while the command ran", "transient", "everything the modem held (settings, RAM files, email content) is gone; set it up again"],
  closed: ["The serial port closed or failed", "transient", "reopen the port; the command may not have run"],
  source: ["The data source failed or ended early", "permanent", "the bytes to send were not available; fix the source"],
  invalid: ["The command line was unsafe and was not sent", "permanent", "a control byte in the line: our bug"],
});

/** Builds the ModemError for an AtError raised by a command of `family`. */
export function modemErrorFromAt(error: AtError, family: ErrorFamily): ModemError {
  if (error.kind === "cme" && error.code) {
    // A QSMTP command answering 10 (SIM not inserted) reports a general CME code, not an SMTP one.
    const info = lookupError(family, error.code) ?? lookupError("cme", error.code);
    if (info) return fromInfo(info, "cme", error.command);
  }
  const [meaning, retry, reason] = WITHOUT_CODE[error.kind];
  return new ModemError({ family, kind: error.kind, code: error.code, meaning, retry, reason, command: error.command });
}

/** Any thrown value from a channel run, as a ModemError (non-AtError values are re-thrown unchanged). */
export function toModemError(error: unknown, family: ErrorFamily): ModemError {
  if (error instanceof ModemError) return error;
  if (error instanceof AtError) return modemErrorFromAt(error, family);
  throw error;
}

/** A non-zero result code from a final result line (e.g. `+QSMTPPUT: <err>,<protocol_error>`). */
export function resultError(family: ErrorFamily, code: number, command: string, protocolError = 0): ModemError {
  const info = lookupError(family, code);
  if (info) return fromInfo(info, "result", command, protocolError);
  return new ModemError({
    family, kind: "result", code, meaning: `Unlisted code ${code}`, retry: "transient",
    reason: "not in the manual's table; one retry with backoff is cheap", command, protocolError,
  });
}

/**
 * Manual 1.4.4: "If <err> is not 0 ... resend. If resending is not successful, deactivate the PDP
 * context ... and try again." A transient failure seen `consecutive` times in a row (counting this one)
 * is escalated to "reconnect" from the second time on.
 */
export function escalate(retry: RetryClass, consecutive: number): RetryClass {
  return retry === "transient" && consecutive >= 2 ? "reconnect" : retry;
}

function fromInfo(info: ErrorInfo, kind: ModemErrorKind, command: string, protocolError = 0): ModemError {
  return new ModemError({
    family: info.family, kind, code: info.code, meaning: info.meaning, retry: info.retry, reason: info.reason, command, protocolError,
  });
}
