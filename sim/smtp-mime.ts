// The MIME message the simulated EC20 sends after DATA, built from a DeliveryRequest: headers (From,
// To, Cc, Subject, Date, Message-ID; never Bcc), the body in its declared charset, attachments in
// base64. Built by hand rather than with nodemailer's MailComposer so that the body keeps its exact
// bytes and charset label (MailComposer re-encodes text as UTF-8 and normalises line breaks).

import { randomBytes } from "node:crypto";
import type { DeliveryRequest } from "./delivery-types";
import { DeliveryFailure } from "./smtp-replies";

/** MIME names of the manual's charset numbers (0 ASCII, 1 UTF-8, 2 GB2312, 3 BIG5). */
const mimeCharset = ["us-ascii", "utf-8", "gb2312", "big5"] as const;
/** WHATWG decoder labels for the same numbers; Node's full ICU decodes GB2312 text as GBK. */
const decoderLabel = ["ascii", "utf-8", "gbk", "big5"] as const;

/** The manual's 664: "the input parameter is wrong". */
const ERR_BAD_PARAMETER = 664;

/** The subject as text: as is for ASCII, else the hex string decoded from its charset. */
export function decodeSubject(subject: DeliveryRequest["subject"]): string {
  if (subject.charset === 0) return subject.text;
  if (subject.text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(subject.text)) {
    throw new DeliveryFailure(ERR_BAD_PARAMETER, 0, "subject is not a hex string");
  }
  return new TextDecoder(decoderLabel[subject.charset]).decode(Buffer.from(subject.text, "hex"));
}

/** RFC 2047 encoded words (UTF-8, base64), each at most 75 characters, split on whole characters. */
export function encodeWords(text: string): string[] {
  // 45 bytes -> 60 base64 characters; with "=?UTF-8?B?" and "?=" that is 72, under the limit of 75.
  const maxBytes = 45;
  const words: string[] = [];
  let chunk = "";
  for (const character of text) {
    if (Buffer.byteLength(chunk + character) > maxBytes) {
      words.push(chunk);
      chunk = "";
    }
    chunk += character;
  }
  if (chunk !== "" || words.length === 0) words.push(chunk);
  return words.map((word) => `=?UTF-8?B?${Buffer.from(word, "utf8").toString("base64")}?=`);
}

/** Printable ASCII that can stand in a header as it is (no "=?" that a reader would decode). */
function isPlainHeaderText(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text) && !text.includes("=?");
}

function formatSubject(subject: string): string {
  if (isPlainHeaderText(subject)) return subject;
  return encodeWords(subject).join("\r\n ");
}

function formatMailbox(name: string, address: string): string {
  if (name === "") return `<${address}>`;
  const display = isPlainHeaderText(name)
    ? `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    : encodeWords(name).join(" ");
  return `${display} <${address}>`;
}

/** One address per line so that 100 recipients never exceed the 998-byte line limit. */
function formatAddressList(addresses: string[]): string {
  return addresses.map((address) => `<${address}>`).join(",\r\n ");
}

/** RFC 5322 date in UTC, e.g. "Thu, 03 Dec 2026 16:00:00 +0000". */
function formatDate(date: Date): string {
  return date.toUTCString().replace(/GMT$/, "+0000");
}

/** 76-character lines of base64 (RFC 2045). */
function base64Lines(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString("base64");
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return lines.join("\r\n");
}

/**
 * 7bit only for printable ASCII with CRLF line ends, lines of at most 998 bytes and a final CRLF:
 * then the bytes survive SMTP unchanged. Anything else goes base64 so that every byte does too.
 */
function isSevenBitSafe(bytes: Uint8Array): boolean {
  let lineLength = 0;
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i];
    if (byte === 0x0d) {
      if (bytes[i + 1] !== 0x0a) return false;
      i++;
      lineLength = 0;
      continue;
    }
    if (byte === 0x0a || byte > 0x7e || (byte < 0x20 && byte !== 0x09)) return false;
    if (++lineLength > 998) return false;
  }
  return lineLength === 0;
}

function bodyPart(body: DeliveryRequest["body"]): string {
  const header = `Content-Type: text/plain; charset=${mimeCharset[body.charset]}\r\n`;
  if (isSevenBitSafe(body.bytes)) {
    // The body already ends with CRLF; drop it here because every part is joined with CRLF.
    const text = Buffer.from(body.bytes).toString("latin1").replace(/\r\n$/, "");
    return `${header}Content-Transfer-Encoding: 7bit\r\n\r\n${text}`;
  }
  return `${header}Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(body.bytes)}`;
}

const contentTypeByExtension: Readonly<Record<string, string>> = {
  txt: "text/plain", csv: "text/csv", json: "application/json", xml: "application/xml",
  jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", bmp: "image/bmp",
  pdf: "application/pdf", zip: "application/zip", gz: "application/gzip", bin: "application/octet-stream",
};

function attachmentPart(attachment: DeliveryRequest["attachments"][number]): string {
  const extension = /\.([^.]+)$/.exec(attachment.name)?.[1]?.toLowerCase() ?? "";
  const type = contentTypeByExtension[extension] ?? "application/octet-stream";
  const fileName = isPlainHeaderText(attachment.name)
    ? `filename="${attachment.name.replace(/[\\"]/g, (c) => `\\${c}`)}"`
    : `filename*=utf-8''${encodeURIComponent(attachment.name)}`;
  const typeName = fileName.replace(/^filename/, "name");
  return (
    `Content-Type: ${type}; ${typeName}\r\n` +
    `Content-Disposition: attachment; ${fileName}\r\n` +
    `Content-Transfer-Encoding: base64\r\n\r\n${base64Lines(attachment.bytes)}`
  );
}

export interface MessageStamp {
  date: Date;
  /** Random part of Message-ID and of the multipart boundary. */
  unique?: string;
}

/** The whole message, CRLF line ends, ending with CRLF (ready for dot-stuffing). */
export function buildMessage(request: DeliveryRequest, stamp: MessageStamp): Buffer {
  const unique = stamp.unique ?? randomBytes(12).toString("hex");
  const domain = request.sender.email.split("@")[1] || "ec20.invalid";
  const to = request.recipients.filter((r) => r.type === 1).map((r) => r.address);
  const cc = request.recipients.filter((r) => r.type === 2).map((r) => r.address);
  const headers = [
    `From: ${formatMailbox(request.sender.name, request.sender.email)}`,
    ...(to.length > 0 ? [`To: ${formatAddressList(to)}`] : []),
    ...(cc.length > 0 ? [`Cc: ${formatAddressList(cc)}`] : []),
    `Subject: ${formatSubject(decodeSubject(request.subject))}`,
    `Date: ${formatDate(stamp.date)}`,
    `Message-ID: <${unique}.${stamp.date.getTime()}@${domain}>`,
    "MIME-Version: 1.0",
  ];
  let message: string;
  if (request.attachments.length === 0) {
    message = `${headers.join("\r\n")}\r\n${bodyPart(request.body)}\r\n`;
  } else {
    const boundary = `----=_ec20_${unique}`;
    const parts = [bodyPart(request.body), ...request.attachments.map(attachmentPart)];
    message =
      `${headers.join("\r\n")}\r\nContent-Type: multipart/mixed; boundary="${boundary}"\r\n\r\n` +
      parts.map((part) => `--${boundary}\r\n${part}\r\n`).join("") +
      `--${boundary}--\r\n`;
  }
  // latin1 keeps the 7bit body's bytes as they are; every other character here is ASCII.
  return Buffer.from(message, "latin1");
}
