// Checks an Email against the SMTP manual's limits before any AT traffic and prepares what the
// mailer sends: recipients with their type, the subject in the charset and form AT+QSMTPSUB takes,
// the body's charset and byte length, and attachments with their "RAM:" file names. Every failure is a
// ValidationError naming the field and the limit. No user string reaches an AT quote unless it is
// printable ASCII without `"` or `\` (the subject is hex-encoded instead).

import type { ByteSource } from "../at/types";
import { BytesSource } from "../ec20/commands/checksum";
import { atStringProblem } from "../ec20/commands/declare";
import {
  BODY_MAX_BYTES, MAX_ATTACHMENTS, MAX_RECIPIENTS, RAM_PREFIX, SMTP_STRING_MAX_BYTES, SUBJECT_ASCII_MAX_CHARS,
  SUBJECT_HEX_MAX_DIGITS,
} from "../ec20/limits";
import { mailboxProblem } from "./address";
import type { Email } from "./email";
import { ValidationError } from "./errors";
import { encodeUtf8Into, scanUtf16, toHex, utf8Problem, Utf8StringSource } from "./utf8";

export interface ValidationLimits {
  /** Sum of attachment sizes. Default 256 KiB: RAM uploads of ~270 KB are seen working and one module
   *  reported 340 KB free RAM (facts 1); the rest is headroom for the module's own encoding. */
  attachmentsTotalBytes: number;
}
export const DEFAULT_LIMITS: ValidationLimits = Object.freeze({ attachmentsTotalBytes: 256 * 1024 });

/** The attachment's own name may use what is left of <file_name>'s 50 bytes after "RAM:". */
export const ATTACHMENT_NAME_MAX_BYTES = SMTP_STRING_MAX_BYTES - RAM_PREFIX.length;

export interface PreparedRecipient {
  /** 1 to, 2 cc, 3 bcc (AT+QSMTPDST <type>). */
  type: 1 | 2 | 3;
  address: string;
}
export interface PreparedSubject {
  /** 0 ASCII sent as is; 1 UTF-8 sent as hex digits. */
  charset: 0 | 1;
  /** The <subject> argument exactly as sent. */
  argument: string;
}
export interface PreparedBody {
  charset: 0 | 1;
  /** Bytes to send (UTF-8 bytes, not characters). */
  length: number;
  /** A source of the body bytes. Strings and bytes give a fresh source per call; a caller's stream is
   *  returned as is (it can be read once). */
  open(): ByteSource;
}
export interface PreparedAttachment {
  /** AT+QSMTPATT <file_index>, 1-10. */
  index: number;
  /** "RAM:<name>", at most 50 bytes. */
  fileName: string;
  length: number;
  open(): ByteSource;
}
export interface PreparedEmail {
  recipients: PreparedRecipient[];
  subject: PreparedSubject;
  body: PreparedBody;
  attachments: PreparedAttachment[];
}

/** Characters of a safe attachment name: no path separators, no drive colon, nothing to quote. */
const NAME_CHARS = /^[A-Za-z0-9._-]*$/;

export function validateEmail(email: Email, limits: ValidationLimits = DEFAULT_LIMITS): PreparedEmail {
  if (email === null || typeof email !== "object") throw new ValidationError("email", "required", 0, "not an object");
  return {
    recipients: validateRecipients(email),
    subject: prepareSubject(email.subject),
    body: prepareBody(email.body),
    attachments: prepareAttachments(email.attachments ?? [], limits),
  };
}

/** Checks one AT string value: printable ASCII without `"` or `\`, at most `maxBytes`. */
export function checkAtString(field: string, value: unknown, maxBytes: number, isSecret = false): string {
  if (typeof value !== "string") throw new ValidationError(field, "required", 0, "not a string");
  const problem = atStringProblem(value);
  if (problem) throw new ValidationError(field, "unsafe-char", 0, isSecret ? "contains a character that cannot be sent in an AT string" : problem);
  if (value.length > maxBytes) throw new ValidationError(field, "max-bytes", maxBytes, `${value.length} bytes, at most ${maxBytes}`);
  return value;
}

/** Checks a mailbox for AT+QSMTPDST or the sender: safe, at most 50 bytes, RFC 5321 syntax. */
export function checkAddress(field: string, value: unknown): string {
  const address = checkAtString(field, value, SMTP_STRING_MAX_BYTES);
  const problem = mailboxProblem(address);
  if (problem) throw new ValidationError(field, "syntax", 0, problem);
  return address;
}

function validateRecipients(email: Email): PreparedRecipient[] {
  const out: PreparedRecipient[] = [];
  const lists: [string, unknown, 1 | 2 | 3][] = [["to", email.to, 1], ["cc", email.cc ?? [], 2], ["bcc", email.bcc ?? [], 3]];
  for (const [name, list, type] of lists) {
    if (!Array.isArray(list)) throw new ValidationError(name, "required", 0, "not an array");
    for (let i = 0; i < list.length; i++) {
      const field = `${name}[${i}]`;
      if (out.length === MAX_RECIPIENTS) throw new ValidationError(field, "count", MAX_RECIPIENTS, `more than ${MAX_RECIPIENTS} recipients in to, cc and bcc together`);
      out.push({ type, address: checkAddress(field, list[i]) });
    }
  }
  if (out.length === 0) throw new ValidationError("to", "count", 1, "at least one recipient (to, cc or bcc) is required");
  return out;
}

/** Charset 0 when the subject is quote-safe ASCII; else its UTF-8 as hex digits with charset 1. */
export function prepareSubject(subject: unknown): PreparedSubject {
  if (typeof subject !== "string") throw new ValidationError("subject", "required", 0, "not a string");
  const scan = scanUtf16(subject);
  if (scan.loneSurrogate >= 0) throw new ValidationError("subject", "encoding", 0, `lone surrogate at ${scan.loneSurrogate}`);
  // Line breaks and other controls would forge header lines once the module decodes the subject.
  for (let i = 0; i < subject.length; i++) {
    const c = subject.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) throw new ValidationError("subject", "unsafe-char", 0, `control character U+${c.toString(16).toUpperCase().padStart(4, "0")} at ${i}`);
  }
  if (atStringProblem(subject) === undefined) {
    if (subject.length > SUBJECT_ASCII_MAX_CHARS) throw new ValidationError("subject", "max-bytes", SUBJECT_ASCII_MAX_CHARS, `${subject.length} characters, at most ${SUBJECT_ASCII_MAX_CHARS}`);
    return { charset: 0, argument: subject };
  }
  const maxBytes = SUBJECT_HEX_MAX_DIGITS / 2;
  if (scan.bytes > maxBytes) throw new ValidationError("subject", "max-bytes", maxBytes, `${scan.bytes} UTF-8 bytes (${scan.bytes * 2} hex digits), at most ${maxBytes} (${SUBJECT_HEX_MAX_DIGITS} hex digits)`);
  const bytes = new Uint8Array(scan.bytes);
  encodeUtf8Into(subject, bytes);
  return { charset: 1, argument: toHex(bytes) };
}

function checkBodyLength(length: number): void {
  if (!Number.isInteger(length) || length < 1) throw new ValidationError("body", "required", 1, "the body must have at least 1 byte");
  if (length > BODY_MAX_BYTES) throw new ValidationError("body", "max-bytes", BODY_MAX_BYTES, `${length} bytes, at most ${BODY_MAX_BYTES}`);
}

export function prepareBody(body: unknown): PreparedBody {
  if (typeof body === "string") {
    const scan = scanUtf16(body);
    if (scan.loneSurrogate >= 0) throw new ValidationError("body", "encoding", 0, `lone surrogate at ${scan.loneSurrogate}`);
    checkBodyLength(scan.bytes);
    return { charset: scan.ascii ? 0 : 1, length: scan.bytes, open: () => new Utf8StringSource(body) };
  }
  if (body instanceof Uint8Array) {
    checkBodyLength(body.length);
    const bad = utf8Problem(body);
    if (bad >= 0) throw new ValidationError("body", "encoding", 0, `ill-formed UTF-8 at byte ${bad}`);
    let ascii = true;
    for (let i = 0; i < body.length && ascii; i++) ascii = body[i] < 0x80;
    return { charset: ascii ? 0 : 1, length: body.length, open: () => new BytesSource(body) };
  }
  if (body !== null && typeof body === "object" && "source" in body) {
    const stream = body as { length: number; source: ByteSource; charset?: 0 | 1 };
    checkBodyLength(stream.length);
    const charset = stream.charset ?? 1;
    if (charset !== 0 && charset !== 1) throw new ValidationError("body.charset", "range", 1, "0 (ASCII) or 1 (UTF-8)");
    return { charset, length: stream.length, open: () => stream.source };
  }
  throw new ValidationError("body", "required", 0, "a string, bytes, or {length, source}");
}

function prepareAttachments(list: unknown, limits: ValidationLimits): PreparedAttachment[] {
  if (!Array.isArray(list)) throw new ValidationError("attachments", "required", 0, "not an array");
  if (list.length > MAX_ATTACHMENTS) throw new ValidationError("attachments", "count", MAX_ATTACHMENTS, `${list.length} attachments, at most ${MAX_ATTACHMENTS}`);
  const out: PreparedAttachment[] = [];
  const seen: string[] = [];
  let total = 0;
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    const field = `attachments[${i}]`;
    if (a === null || typeof a !== "object") throw new ValidationError(field, "required", 0, "not an object");
    const name = checkAttachmentName(`${field}.name`, a.name);
    const folded = name.toLowerCase(); // the module's file system may fold case: keep names distinct either way
    if (seen.indexOf(folded) >= 0) throw new ValidationError(`${field}.name`, "duplicate", 0, `"${name}" is already used by another attachment`);
    seen.push(folded);
    let length: number;
    let open: () => ByteSource;
    if (a.bytes instanceof Uint8Array) {
      const bytes: Uint8Array = a.bytes;
      length = bytes.length;
      open = () => new BytesSource(bytes);
    } else if (a.source && typeof a.source.read === "function") {
      length = a.length;
      const source: ByteSource = a.source;
      open = () => source;
    } else throw new ValidationError(field, "required", 0, "needs bytes or {length, source}");
    if (!Number.isInteger(length) || length < 1) throw new ValidationError(`${field}.length`, "range", 1, "an attachment has at least 1 byte (AT+QFUPL <file_size> 1-<freesize>)");
    total += length;
    if (total > limits.attachmentsTotalBytes) throw new ValidationError(`${field}.length`, "max-bytes", limits.attachmentsTotalBytes, `attachments total ${total} bytes, at most ${limits.attachmentsTotalBytes}`);
    out.push({ index: i + 1, fileName: RAM_PREFIX + name, length, open });
  }
  return out;
}

/** A name of safe characters whose "RAM:" file name fits AT+QSMTPATT's 50 bytes. */
export function checkAttachmentName(field: string, value: unknown): string {
  if (typeof value !== "string" || value.length === 0) throw new ValidationError(field, "required", 1, "a file name is required");
  if (!NAME_CHARS.test(value)) throw new ValidationError(field, "unsafe-char", 0, "only letters, digits, '.', '_' and '-' are allowed");
  if (value.charCodeAt(0) === 0x2e || value.indexOf("..") >= 0) throw new ValidationError(field, "syntax", 0, "must not start with '.' or contain '..'");
  if (value.length > ATTACHMENT_NAME_MAX_BYTES) {
    throw new ValidationError(field, "max-bytes", ATTACHMENT_NAME_MAX_BYTES,
      `${value.length} bytes, at most ${ATTACHMENT_NAME_MAX_BYTES} (the "${RAM_PREFIX}" prefix makes ${SMTP_STRING_MAX_BYTES})`);
  }
  return value;
}
