// One test per limit of the SMTP manual: at the limit passes, one over fails with the right field,
// rule and limit, before any AT traffic.

import test from "ava";
import type { ExecutionContext } from "ava";
import { BytesSource } from "../../src/ec20/commands";
import type { Email, SmtpAccount } from "../../src/mail/email";
import { ValidationError } from "../../src/mail/errors";
import type { LimitRule } from "../../src/mail/errors";
import { validateAccount } from "../../src/mail/account";
import { mailboxProblem } from "../../src/mail/address";
import { ATTACHMENT_NAME_MAX_BYTES, validateEmail } from "../../src/mail/validate";

const base = (): Email => ({ to: ["ops@example.com"], subject: "Alarm", body: "Tank 3 level high" });
const addr = (length: number, tag = "a") => tag.repeat(length - "@example.com".length) + "@example.com";

function fails(t: ExecutionContext, f: () => unknown, field: string, rule: LimitRule, limit?: number): ValidationError {
  const e = t.throws(f, { instanceOf: ValidationError }) as ValidationError;
  t.is(e.field, field);
  t.is(e.rule, rule);
  if (limit !== undefined) t.is(e.limit, limit);
  return e;
}

test("address: 50 bytes pass, 51 fail naming the field (cc[2])", (t) => {
  t.notThrows(() => validateEmail({ ...base(), cc: ["x@example.com", "y@example.com", addr(50)] }));
  fails(t, () => validateEmail({ ...base(), cc: ["x@example.com", "y@example.com", addr(51)] }), "cc[2]", "max-bytes", 50);
});

test("address syntax: a pragmatic RFC 5321 mailbox", (t) => {
  for (const ok of ["a@b", "first.last@example.co.uk", "o'neil+tag@ex-ample.org", "x@[192.168.1.1]", "#!$%&'*+-/=?^_`{}|~@example.com"]) {
    t.is(mailboxProblem(ok), undefined, ok);
  }
  for (const bad of ["", "plain", "@example.com", "a@", "a..b@example.com", ".a@example.com", "a.@example.com", "a@-x.com",
    "a@x-.com", "a@ex_ample.com", "a b@example.com", "a@b@c", "a@[300.1.1.1]", "a@x..com"]) {
    t.not(mailboxProblem(bad), undefined, bad);
  }
  fails(t, () => validateEmail({ ...base(), to: ["not an address"] }), "to[0]", "syntax");
  fails(t, () => validateEmail({ ...base(), bcc: ['"quoted"@example.com'] }), "bcc[0]", "unsafe-char");
  fails(t, () => validateEmail({ ...base(), to: ["josé@example.com"] }), "to[0]", "unsafe-char");
});

test("recipients: 20 in all pass, 21 fail at the 21st; none fails", (t) => {
  const list = (n: number, p: string) => Array.from({ length: n }, (_, i) => `${p}${i}@example.com`);
  t.is(validateEmail({ ...base(), to: list(10, "t"), cc: list(5, "c"), bcc: list(5, "b") }).recipients.length, 20);
  fails(t, () => validateEmail({ ...base(), to: list(10, "t"), cc: list(5, "c"), bcc: list(6, "b") }), "bcc[5]", "count", 20);
  fails(t, () => validateEmail({ ...base(), to: [] }), "to", "count", 1);
  const onlyBcc = validateEmail({ ...base(), to: [], bcc: ["b@example.com"] });
  t.deepEqual(onlyBcc.recipients, [{ type: 3, address: "b@example.com" }]);
});

test("subject: 100 ASCII characters with charset 0 pass, 101 fail", (t) => {
  t.deepEqual(validateEmail({ ...base(), subject: "s".repeat(100) }).subject, { charset: 0, argument: "s".repeat(100) });
  fails(t, () => validateEmail({ ...base(), subject: "s".repeat(101) }), "subject", "max-bytes", 100);
  t.deepEqual(validateEmail({ ...base(), subject: "" }).subject, { charset: 0, argument: "" });
});

test("subject: non-ASCII goes as UTF-8 hex with charset 1, within 200 hex digits (100 bytes)", (t) => {
  t.deepEqual(validateEmail({ ...base(), subject: "Température" }).subject, { charset: 1, argument: "54656D70C3A9726174757265" });
  const fifty = "é".repeat(50); // 100 bytes
  t.is(validateEmail({ ...base(), subject: fifty }).subject.argument.length, 200);
  fails(t, () => validateEmail({ ...base(), subject: fifty + "x" }), "subject", "max-bytes", 100);
  const emoji = "😀".repeat(25); // 100 bytes
  t.is(validateEmail({ ...base(), subject: emoji }).subject.argument.length, 200);
});

test("subject: a quote or backslash is hex-encoded, never passed through; controls are refused", (t) => {
  t.deepEqual(validateEmail({ ...base(), subject: 'say "hi"' }).subject, { charset: 1, argument: "7361792022686922" });
  t.is(validateEmail({ ...base(), subject: "a\\b" }).subject.charset, 1);
  for (const bad of ["a\r\nBcc: x@evil.com", "a\nb", "tab\there", "nul\u0000", "del\u007f", "c1\u0085"]) {
    fails(t, () => validateEmail({ ...base(), subject: bad }), "subject", "unsafe-char");
  }
  fails(t, () => validateEmail({ ...base(), subject: "lone \ud800" }), "subject", "encoding");
});

test("body: 1 to 10240 UTF-8 bytes (not characters); charset 0 for ASCII, 1 otherwise", (t) => {
  t.like(validateEmail({ ...base(), body: "x".repeat(10240) }).body, { charset: 0, length: 10240 });
  fails(t, () => validateEmail({ ...base(), body: "x".repeat(10241) }), "body", "max-bytes", 10240);
  fails(t, () => validateEmail({ ...base(), body: "" }), "body", "required", 1);
  // 5120 characters of 2 bytes each: 10240 bytes passes; one more character does not.
  t.like(validateEmail({ ...base(), body: "é".repeat(5120) }).body, { charset: 1, length: 10240 });
  fails(t, () => validateEmail({ ...base(), body: "é".repeat(5120) + "x" }), "body", "max-bytes", 10240);
  fails(t, () => validateEmail({ ...base(), body: "a\udc00" }), "body", "encoding");
});

test("body as bytes: ASCII -> charset 0, UTF-8 -> 1, ill-formed refused; as a stream: length checked", (t) => {
  t.like(validateEmail({ ...base(), body: new Uint8Array(10240).fill(0x41) }).body, { charset: 0, length: 10240 });
  t.like(validateEmail({ ...base(), body: Uint8Array.of(0xc3, 0xa9) }).body, { charset: 1, length: 2 });
  fails(t, () => validateEmail({ ...base(), body: Uint8Array.of(0xc3) }), "body", "encoding");
  fails(t, () => validateEmail({ ...base(), body: new Uint8Array(10241) }), "body", "max-bytes", 10240);
  const source = new BytesSource(new Uint8Array(10));
  t.like(validateEmail({ ...base(), body: { length: 10240, source } }).body, { charset: 1, length: 10240 });
  t.like(validateEmail({ ...base(), body: { length: 1, source, charset: 0 } }).body, { charset: 0, length: 1 });
  fails(t, () => validateEmail({ ...base(), body: { length: 0, source } }), "body", "required", 1);
  fails(t, () => validateEmail({ ...base(), body: { length: 10241, source } }), "body", "max-bytes", 10240);
});

test("the string body's source streams exactly its UTF-8 bytes", (t) => {
  const body = validateEmail({ ...base(), body: "Température 21 °C ✓" }).body;
  const out = new Uint8Array(body.length);
  const chunk = new Uint8Array(3);
  let n = 0;
  const source = body.open();
  for (let k; (k = source.read(chunk)) > 0; n += k) out.set(chunk.subarray(0, k), n);
  t.is(n, body.length);
  t.is(Buffer.from(out).toString("utf8"), "Température 21 °C ✓");
});

test("attachments: 10 pass, 11 fail", (t) => {
  const att = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}.csv`, bytes: new Uint8Array(1) }));
  const ok = validateEmail({ ...base(), attachments: att(10) });
  t.deepEqual(ok.attachments.map((a) => a.index), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  t.is(ok.attachments[0].fileName, "RAM:f0.csv");
  fails(t, () => validateEmail({ ...base(), attachments: att(11) }), "attachments", "count", 10);
});

test("attachment name: 46 bytes pass (50 with \"RAM:\"), 47 fail naming attachments[1].name", (t) => {
  t.is(ATTACHMENT_NAME_MAX_BYTES, 46);
  const name46 = "n".repeat(42) + ".txt";
  const ok = validateEmail({ ...base(), attachments: [{ name: "a.txt", bytes: new Uint8Array(1) }, { name: name46, bytes: new Uint8Array(1) }] });
  t.is(ok.attachments[1].fileName.length, 50);
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: "a.txt", bytes: new Uint8Array(1) }, { name: "n" + name46, bytes: new Uint8Array(1) }] }),
    "attachments[1].name", "max-bytes", 46);
});

test("attachment name: safe characters only, unique (case-insensitive)", (t) => {
  for (const bad of ["a b.txt", "a/b.txt", "RAM:x", 'q".txt', "é.txt", "a\r.txt", "a\\b"]) {
    fails(t, () => validateEmail({ ...base(), attachments: [{ name: bad, bytes: new Uint8Array(1) }] }), "attachments[0].name", "unsafe-char");
  }
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: ".hidden", bytes: new Uint8Array(1) }] }), "attachments[0].name", "syntax");
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: "", bytes: new Uint8Array(1) }] }), "attachments[0].name", "required");
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: "Log.csv", bytes: new Uint8Array(1) }, { name: "log.CSV", bytes: new Uint8Array(1) }] }),
    "attachments[1].name", "duplicate");
});

test("attachment size: at least 1 byte; the total within the limit", (t) => {
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: "e.bin", bytes: new Uint8Array(0) }] }), "attachments[0].length", "range", 1);
  const limits = { attachmentsTotalBytes: 100 };
  const source = new BytesSource(new Uint8Array(0));
  t.notThrows(() => validateEmail({ ...base(), attachments: [{ name: "a", length: 60, source }, { name: "b", length: 40, source }] }, limits));
  fails(t, () => validateEmail({ ...base(), attachments: [{ name: "a", length: 60, source }, { name: "b", length: 41, source }] }, limits),
    "attachments[1].length", "max-bytes", 100);
});

const account = (): SmtpAccount => ({
  server: "smtp.example.com", port: 465, username: "quectel_test@aol.com", password: "aol123456789",
  senderName: "quectel_test", senderEmail: "quectel_test@aol.com",
});

test("account: every field at most 50 bytes; one over names the field", (t) => {
  const s50 = "s".repeat(50);
  t.notThrows(() => validateAccount({ ...account(), username: s50, password: s50, senderName: s50, senderEmail: addr(50), server: "h".repeat(46) + ".com" }));
  fails(t, () => validateAccount({ ...account(), username: s50 + "s" }), "account.username", "max-bytes", 50);
  fails(t, () => validateAccount({ ...account(), password: s50 + "s" }), "account.password", "max-bytes", 50);
  fails(t, () => validateAccount({ ...account(), senderName: s50 + "s" }), "account.senderName", "max-bytes", 50);
  fails(t, () => validateAccount({ ...account(), senderEmail: addr(51) }), "account.senderEmail", "max-bytes", 50);
  fails(t, () => validateAccount({ ...account(), server: "h".repeat(47) + ".com" }), "account.server", "max-bytes", 50);
  fails(t, () => validateAccount({ ...account(), port: 0 }), "account.port", "range");
  fails(t, () => validateAccount({ ...account(), server: "smtp example.com" }), "account.server", "syntax");
});

test("account: a password with a quote is refused without echoing it", (t) => {
  const e = fails(t, () => validateAccount({ ...account(), password: 'my"pässword' }), "account.password", "unsafe-char");
  t.false(e.message.includes("pässword"));
  t.false(e.message.includes("ä"));
  fails(t, () => validateAccount({ ...account(), senderName: "Zoë" }), "account.senderName", "unsafe-char");
});
