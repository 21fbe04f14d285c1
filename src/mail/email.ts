// What an email is, as the application hands it to the mailer: recipients, subject, a body and
// attachments that may be strings, bytes, or streams of known length. Nothing here touches AT.

import type { ByteSource } from "../at/types";

/**
 * The body: a string (sent as UTF-8), bytes, or a stream of exactly `length` bytes. A stream cannot be
 * inspected before sending, so it states its charset: 0 ASCII or 1 UTF-8 (default 1, since ASCII is
 * UTF-8 too).
 */
export type BodySource = string | Uint8Array | { length: number; source: ByteSource; charset?: 0 | 1 };

/** An attachment: bytes in memory or a stream of exactly `length` bytes. `name` is the file name the
 *  recipient sees, without the "RAM:" prefix (it is added, and counted, by validation). */
export type AttachmentSource =
  | { name: string; bytes: Uint8Array }
  | { name: string; length: number; source: ByteSource };

export interface Email {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  body: BodySource;
  attachments?: AttachmentSource[];
}

/** The SMTP account and server, set once with AT+QSMTPCFG. */
export interface SmtpAccount {
  server: string;
  port: number;
  username: string;
  password: string;
  senderName: string;
  senderEmail: string;
}
