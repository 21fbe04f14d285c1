// Declarations and typed functions of the seven SMTP commands (SMTP AT manual chapter 2): every
// AT+QSMTPCFG key (write and query), QSMTPDST, QSMTPSUB, QSMTPBODY, QSMTPATT, QSMTPCLR, QSMTPPUT.
// Errors come from the SMTP table (651-682); +QSMTPPUT's result also carries the server's reply code.

import type { ByteSource, DataPhase, LineView } from "../../at/types";
import { ModemError, resultError } from "../errors";
import {
  BODY_INPUT_TIME_S, BODY_MAX_BYTES, CONTEXT_ID, MAX_ATTACHMENTS, MAX_RECIPIENTS, PUT_TIMEOUT_S, SMTP_STRING_MAX_BYTES,
  SSL_CONTEXT_ID, SUBJECT_ASCII_MAX_CHARS, SUBJECT_HEX_MAX_DIGITS,
} from "../limits";
import { buildCommand, declare, int, key, secret, str } from "./declare";
import type { CommandDecl } from "./declare";
import { allInts, execute, queryList, queryOne, responseError, runCommand, transfer } from "./run";
import type { CommandChannel } from "./run";
import { LOCAL_MS, OWN_TIMEOUT_MARGIN_MS } from "./timeouts";

const S = SMTP_STRING_MAX_BYTES;
const cfg = (args: CommandDecl["args"]) =>
  declare({ name: "+QSMTPCFG", form: "write", args, family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS" });

// ---- AT+QSMTPCFG (2.1): one declaration per key; the password is masked in traces.
export const QSMTPCFG_ACCOUNT = cfg([key("account"), str("username", S), secret("password", S)]);
export const QSMTPCFG_SENDER = cfg([key("sender"), str("sender_name", S), str("sender_email", S)]);
export const QSMTPCFG_SERVER = cfg([key("smtpserver"), str("srvaddr", S, 1), int("srvport", 1, 65535)]);
export const QSMTPCFG_CONTEXT = cfg([key("contextid"), int("contextid", CONTEXT_ID.min, CONTEXT_ID.max)]);
export const QSMTPCFG_SSLCTX = cfg([key("sslctxid"), int("sslctxid", SSL_CONTEXT_ID.min, SSL_CONTEXT_ID.max)]);
export const QSMTPCFG_SSLTYPE = cfg([key("ssltype"), int("ssltype", 0, 2)]);

export type SmtpCfgKey = "account" | "sender" | "smtpserver" | "contextid" | "sslctxid" | "ssltype";
/** A query's answer. The account query's password is not kept: it is a credential. */
export type SmtpCfgValue =
  | { key: "account"; username: string }
  | { key: "sender"; name: string; email: string }
  | { key: "smtpserver"; address: string; port: number }
  | { key: "contextid" | "sslctxid" | "ssltype"; value: number };

function parseCfg(line: LineView): SmtpCfgValue | undefined {
  const k = line.str(0);
  switch (k) {
    case "account": return { key: k, username: line.str(1) };
    case "sender": return { key: k, name: line.str(1), email: line.str(2) };
    case "smtpserver": { const port = line.int(2); return allInts(port) ? { key: k, address: line.str(1), port } : undefined; }
    case "contextid": case "sslctxid": case "ssltype": { const value = line.int(1); return allInts(value) ? { key: k, value } : undefined; }
  }
  return undefined;
}
/** `AT+QSMTPCFG="<key>"` (the write form with one parameter queries, 2.1) -> `+QSMTPCFG: "<key>",...`. */
export const QSMTPCFG_READ: Readonly<Record<SmtpCfgKey, CommandDecl<SmtpCfgValue>>> = Object.freeze(
  Object.fromEntries((["account", "sender", "smtpserver", "contextid", "sslctxid", "ssltype"] as const).map((k) => [k,
    declare<SmtpCfgValue>({ name: "+QSMTPCFG", form: "write", args: [key(k)], family: "smtp", timeoutMs: LOCAL_MS,
      timeoutSource: "LOCAL_MS", expect: "+QSMTPCFG:", parse: (l) => { const v = parseCfg(l); return v && v.key === k ? v : undefined; } })])) as
    Record<SmtpCfgKey, CommandDecl<SmtpCfgValue>>,
);

// ---- AT+QSMTPDST (2.2)
export type RecipientType = 1 | 2 | 3; // to, cc, bcc
/** `AT+QSMTPDST=1,<type>,"<emailaddr>"`. */
export const QSMTPDST_ADD = declare({
  name: "+QSMTPDST", form: "write", args: [int("mode", 1, 1), int("type", 1, 3), str("emailaddr", S, 1)],
  family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
/** `AT+QSMTPDST=0`: delete all recipients. */
export const QSMTPDST_CLEAR = declare({
  name: "+QSMTPDST", form: "write", args: [int("mode", 0, 0)], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
export interface Recipient {
  type: number;
  address: string;
}
/** `AT+QSMTPDST?` -> `+QSMTPDST: 1,"quectel_test@163.com"` per recipient (at most 20). */
export const QSMTPDST_READ = declare<Recipient>({
  name: "+QSMTPDST", form: "read", args: [], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
  expect: "+QSMTPDST:", maxInfoLines: MAX_RECIPIENTS,
  parse: (l) => { const type = l.int(0); return allInts(type) ? { type, address: l.str(1) } : undefined; },
});

// ---- AT+QSMTPSUB (2.3)
/** `AT+QSMTPSUB=0,"TEST SMTP"`: ASCII subject, 0-100 characters. */
export const QSMTPSUB_ASCII = declare({
  name: "+QSMTPSUB", form: "write", args: [int("charset", 0, 0), str("subject", SUBJECT_ASCII_MAX_CHARS)],
  family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
/** `AT+QSMTPSUB=1,"7465737420534D5450"`: subject as hex of its bytes in charset 1-3, 0-200 digits. */
export const QSMTPSUB_HEX = declare({
  name: "+QSMTPSUB", form: "write",
  args: [int("charset", 1, 3), { kind: "hex-string", name: "subject", maxDigits: SUBJECT_HEX_MAX_DIGITS }],
  family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
export interface Subject {
  charset: number;
  /** The text for charset 0, the hex digits otherwise. */
  subject: string;
}
/** `AT+QSMTPSUB?` -> `+QSMTPSUB: 0,"TEST SMTP"`. */
export const QSMTPSUB_READ = declare<Subject>({
  name: "+QSMTPSUB", form: "read", args: [], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
  expect: "+QSMTPSUB:", parse: (l) => { const charset = l.int(0); return allInts(charset) ? { charset, subject: l.str(1) } : undefined; },
});

// ---- AT+QSMTPBODY (2.4)
/** `AT+QSMTPBODY=<charset>,<body_length>,<input_time>` -> CONNECT, body, `+QSMTPBODY: <input_length>`, OK. */
export const QSMTPBODY = declare<number>({
  name: "+QSMTPBODY", form: "write",
  args: [int("charset", 0, 3), int("body_length", 1, BODY_MAX_BYTES), int("input_time", BODY_INPUT_TIME_S.min, BODY_INPUT_TIME_S.max)],
  family: "smtp", timeoutMs: (v) => (v[2] as number) * 1000 + OWN_TIMEOUT_MARGIN_MS,
  timeoutSource: "the command's <input_time> + OWN_TIMEOUT_MARGIN_MS", expect: "+QSMTPBODY:", dataPhase: true,
  parse: (l) => { const n = l.int(0); return allInts(n) ? n : undefined; },
});

// ---- AT+QSMTPATT (2.5)
/** `AT+QSMTPATT=1,<file_index>,"<file_name>"`, e.g. `AT+QSMTPATT=1,1,"RAM:smtp.txt"`. */
export const QSMTPATT_ADD = declare({
  name: "+QSMTPATT", form: "write", args: [int("mode", 1, 1), int("file_index", 1, MAX_ATTACHMENTS), str("file_name", S, 1)],
  family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
/** `AT+QSMTPATT=0`: delete all attachments. */
export const QSMTPATT_CLEAR = declare({
  name: "+QSMTPATT", form: "write", args: [int("mode", 0, 0)], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
});
export interface Attachment {
  index: number;
  name: string;
  size: number;
}
/** `AT+QSMTPATT?` -> `+QSMTPATT: 1,"RAM:test.txt",200` per attachment (at most 10). */
export const QSMTPATT_READ = declare<Attachment>({
  name: "+QSMTPATT", form: "read", args: [], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS",
  expect: "+QSMTPATT:", maxInfoLines: MAX_ATTACHMENTS,
  parse: (l) => { const index = l.int(0); const size = l.int(2); return allInts(index, size) ? { index, name: l.str(1), size } : undefined; },
});

// ---- AT+QSMTPCLR (2.6)
export const QSMTPCLR = declare({ name: "+QSMTPCLR", form: "exec", args: [], family: "smtp", timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS" });

// ---- AT+QSMTPPUT (2.7)
export interface PutResult {
  /** 0 = sent; otherwise a chapter 4 code. */
  err: number;
  /** The server's SMTP reply (chapter 5); 0 = none. */
  protocolError: number;
}
/** `AT+QSMTPPUT=<timeout>` -> OK, then (up to <timeout> s later) `+QSMTPPUT: <err>,<protocol_error>`. */
export const QSMTPPUT = declare<PutResult>({
  name: "+QSMTPPUT", form: "write", args: [int("timeout", PUT_TIMEOUT_S.min, PUT_TIMEOUT_S.max)], family: "smtp",
  timeoutMs: LOCAL_MS, timeoutSource: "LOCAL_MS for the OK; finalUrc for the result",
  finalUrc: { prefix: "+QSMTPPUT:", timeoutMs: (v) => (v[0] as number) * 1000 + OWN_TIMEOUT_MARGIN_MS },
  parse: (l) => { const err = l.int(0); const protocolError = l.int(1); return allInts(err, protocolError) ? { err, protocolError } : undefined; },
});

// ---- Typed functions
export interface SmtpServer {
  address: string;
  port: number;
  /** 0 plain, 1 SSL (implicit TLS), 2 STARTTLS (1.1). */
  sslType: 0 | 1 | 2;
  sslContextId?: number;
  contextId: number;
}
export const setAccount = (ch: CommandChannel, username: string, password: string) => execute(ch, QSMTPCFG_ACCOUNT, [username, password]);
export const setSender = (ch: CommandChannel, name: string, email: string) => execute(ch, QSMTPCFG_SENDER, [name, email]);
export const setServer = (ch: CommandChannel, address: string, port: number) => execute(ch, QSMTPCFG_SERVER, [address, port]);
export const setSmtpContext = (ch: CommandChannel, contextId: number) => execute(ch, QSMTPCFG_CONTEXT, [contextId]);
export const setSmtpSslContext = (ch: CommandChannel, sslContextId: number) => execute(ch, QSMTPCFG_SSLCTX, [sslContextId]);
export const setSslType = (ch: CommandChannel, sslType: 0 | 1 | 2) => execute(ch, QSMTPCFG_SSLTYPE, [sslType]);
export const readSmtpConfig = (ch: CommandChannel, k: SmtpCfgKey) => queryOne(ch, QSMTPCFG_READ[k]);

export const addRecipient = (ch: CommandChannel, type: RecipientType, address: string) => execute(ch, QSMTPDST_ADD, [1, type, address]);
export const clearRecipients = (ch: CommandChannel) => execute(ch, QSMTPDST_CLEAR, [0]);
export async function listRecipients(ch: CommandChannel): Promise<Recipient[]> {
  return (await queryList(ch, QSMTPDST_READ)).items;
}

/** Charset 0 sends `text` as is; 1-3 send it as hex digits (see src/mail for choosing). */
export function setSubject(ch: CommandChannel, charset: 0 | 1 | 2 | 3, text: string): Promise<void> {
  return charset === 0 ? execute(ch, QSMTPSUB_ASCII, [0, text]) : execute(ch, QSMTPSUB_HEX, [charset, text]);
}
export const readSubject = (ch: CommandChannel) => queryOne(ch, QSMTPSUB_READ);

/**
 * Streams `length` body bytes from `source`. Resolves with the length the modem accepted, which must
 * equal `length` (fewer means the input time ran out or bytes were lost: a ModemError of kind "checksum").
 */
export async function setBody(
  ch: CommandChannel, charset: 0 | 1 | 2 | 3, source: ByteSource, length: number,
  options: { inputTimeS?: number; onProgress?(sent: number, total: number): void } = {},
): Promise<number> {
  const data: DataPhase = { length, source };
  if (options.onProgress) data.onProgress = options.onProgress;
  const { result: accepted, trace } = await transfer(
    ch, QSMTPBODY, [charset, length, options.inputTimeS ?? BODY_INPUT_TIME_S.default], data,
  );
  if (accepted !== length) {
    throw new ModemError({
      family: "smtp", kind: "checksum", code: 0, retry: "transient", command: trace,
      meaning: `body cut short: sent ${length} bytes, modem took ${accepted}`,
      reason: "input time ran out or bytes were lost; clear and set the body again",
    });
  }
  return accepted;
}

export const addAttachment = (ch: CommandChannel, index: number, fileName: string) => execute(ch, QSMTPATT_ADD, [1, index, fileName]);
export const clearAttachments = (ch: CommandChannel) => execute(ch, QSMTPATT_CLEAR, [0]);
export async function listAttachments(ch: CommandChannel): Promise<Attachment[]> {
  return (await queryList(ch, QSMTPATT_READ)).items;
}
export const clearEmail = (ch: CommandChannel) => execute(ch, QSMTPCLR);

/**
 * `AT+QSMTPPUT=<timeoutS>`: sends the composed email and waits for its result (up to timeoutS + margin).
 * Resolves with the result whatever <err> is; `putError` turns a non-zero one into a ModemError.
 */
export async function smtpPut(ch: CommandChannel, timeoutS: number): Promise<PutResult> {
  const command = buildCommand(QSMTPPUT, [timeoutS]);
  let result: PutResult | undefined;
  let garbled = false;
  command.awaitUrc = {
    prefix: "+QSMTPPUT:",
    timeoutMs: timeoutS * 1000 + OWN_TIMEOUT_MARGIN_MS,
    onUrc: (line) => {
      const parsed = QSMTPPUT.parse!(line);
      if (parsed) result = parsed;
      else garbled = true;
    },
  };
  await runCommand(ch, QSMTPPUT, command);
  if (!result) throw responseError(QSMTPPUT, command, garbled ? "unparseable +QSMTPPUT line" : "no +QSMTPPUT result");
  return result;
}

/** The ModemError for a failed send, or undefined when `result.err` is 0. */
export function putError(result: PutResult, command = "AT+QSMTPPUT"): ModemError | undefined {
  return result.err === 0 ? undefined : resultError("smtp", result.err, command, result.protocolError);
}
