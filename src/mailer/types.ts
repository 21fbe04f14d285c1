// What the mailer is given and what it answers: settings, the email in the form the modem takes it,
// progress, and the result of one send with the modem's codes and the time of each phase.

import type { ByteSource } from "../at/types";
import type { PdpSettings } from "../ec20/commands/pdp";
import type { ModemError, RetryClass } from "../ec20/errors";

export interface TlsSettings {
  /** Verify the server certificate (seclevel 1) against `caCert`. Default true; turning it off is logged. */
  verify: boolean;
  /** The CA certificate (PEM) uploaded to UFS and bound with "cacert". Required when verify is true. */
  caCert?: { length: number; open(): ByteSource };
  /** 3 = TLS 1.2 only (default), 4 = any version the server offers. */
  sslVersion?: 3 | 4;
  /** Server Name Indication (default on: servers that share an address need it). */
  sni?: boolean;
  /** SSL context id 0-5 (default 1). */
  contextId?: number;
}

export interface MailerSettings {
  pdp: PdpSettings;
  server: { host: string; port: number; ssltype: 0 | 1 | 2 };
  account: { user: string; password: string };
  sender: { name: string; email: string };
  tls: TlsSettings;
  /** AT+QSMTPPUT <timeout>, seconds (60-65535; default 300). */
  putTimeoutS?: number;
  /** AT+QSMTPBODY <input_time>, seconds (default 30). */
  bodyInputTimeS?: number;
  /** Backoff before each resend of the same email: default [10 s, 30 s]; its length is the resend count. */
  resendBackoffMs?: readonly number[];
  registrationTimeoutMs?: number;
  /** Poll interval while waiting for SIM and registration (default 500 ms). */
  registrationPollMs?: number;
}

export type Phase = "prepare" | "configure" | "recipients" | "subject" | "body" | "attachments" | "put" | "cleanup";

export interface Progress {
  phase: Phase;
  /** Bytes sent of `total` in a data phase (body, attachment); 0 of 0 otherwise. */
  sent: number;
  total: number;
  /** Attachment index (0-based) during "attachments". */
  item?: number;
}

export interface SendResult {
  delivered: boolean;
  /** `+QSMTPPUT: <err>,...` of the last attempt (0 when delivered; 0 also when it never got that far). */
  err: number;
  /** The SMTP server's reply code of the last attempt (chapter 5), 0 when none. */
  protocolError: number;
  /** How many times AT+QSMTPPUT ran. */
  attempts: number;
  /** Milliseconds spent in each phase, in order. */
  phases: { phase: Phase; ms: number }[];
  /** Why it was not delivered; undefined when delivered. */
  error?: ModemError;
  /** Whether trying again later can help ("permanent": fix the configuration or the email). */
  retry?: RetryClass;
}
