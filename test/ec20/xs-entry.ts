// Runs inside XS for test/ec20/on-xs.test.ts: the mail validation, AT line formatting, UTF-8 and
// upload checksum exactly as the device runs them, answering Node with their results.

import { xsHost } from "../../hosts/xs/xs-host";
import { BytesSource, fileChecksum, formatLine, QSMTPCFG_ACCOUNT } from "../../src/ec20/commands";
import { lookupError } from "../../src/ec20/errors";
import type { ErrorFamily } from "../../src/ec20/errors";
import { emailLines } from "../../src/mail/at-lines";
import type { Email } from "../../src/mail/email";
import { ValidationError } from "../../src/mail/errors";
import { Utf8StringSource } from "../../src/mail/utf8";
import { validateEmail } from "../../src/mail/validate";

export type EmailInput = Omit<Email, "attachments"> & { attachments: { name: string; size: number }[] };

export function linesOf(json: string): { lines: string[] } | { field: string; rule: string; limit: number } {
  const input = JSON.parse(json) as EmailInput;
  try {
    const prepared = validateEmail({ ...input, attachments: input.attachments.map((a) => ({ name: a.name, bytes: new Uint8Array(a.size) })) });
    return { lines: emailLines(prepared).map((l) => l.line) };
  } catch (e) {
    if (e instanceof ValidationError) return { field: e.field, rule: e.rule, limit: e.limit };
    throw e;
  }
}

export function utf8Of(json: string, chunk: number): Uint8Array {
  const source = new Utf8StringSource(JSON.parse(json) as string);
  const out: number[] = [];
  const buffer = new Uint8Array(chunk);
  for (let n = source.read(buffer); n > 0; n = source.read(buffer)) for (let i = 0; i < n; i++) out.push(buffer[i]);
  return Uint8Array.from(out);
}

if (typeof (globalThis as { issueCommand?: unknown }).issueCommand === "function") {
  const host = xsHost();
  host.expose("lines", (args: { json: string }) => linesOf(args.json));
  host.expose("utf8", (args: { json: string; chunk: number }) => utf8Of(args.json, args.chunk));
  host.expose("checksum", (_args, bytes) => {
    const source = new BytesSource(bytes);
    const copy = new Uint8Array(bytes.length);
    source.read(copy);
    return fileChecksum(copy);
  });
  host.expose("error", (args: { family: ErrorFamily; code: number }) => lookupError(args.family, args.code) ?? null);
  host.expose("masked", (args: { user: string; password: string }) => formatLine(QSMTPCFG_ACCOUNT, [args.user, args.password]));
}
