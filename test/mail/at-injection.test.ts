// Properties: for arbitrary (hostile) input, validation either throws a ValidationError or yields AT
// lines that (a) hold no CR, LF, control byte or stray quote and (b) parse back, with a strict parser,
// to exactly the original fields. And the password never appears in a trace.

import test from "ava";
import fc from "fast-check";
import { BytesSource } from "../../src/ec20/commands";
import { accountLines, emailLines } from "../../src/mail/at-lines";
import { validateAccount } from "../../src/mail/account";
import type { Email, SmtpAccount } from "../../src/mail/email";
import { ValidationError } from "../../src/mail/errors";
import { decodeUtf8, fromHex } from "../../src/mail/utf8";
import { validateEmail } from "../../src/mail/validate";
import { parseAtLine } from "../ec20/parse-at-line";
import { echoesSecret } from "../security/echo";

const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nasty = fc.constantFrom('"', "\r", "\n", "\\", ",", ";", "\u0000", "\u007f", "é", "😀", "\ud800", "+++", "AT+QPOWD", "@", ".", " ");
/** Strings that are sometimes valid and often hostile. */
const hostile = fc.oneof(
  fc.string({ unit: anyUnit, maxLength: 60 }),
  fc.string({ unit: "grapheme", maxLength: 120 }),
  fc.string({ unit: "grapheme-ascii", maxLength: 120 }),
  fc.array(fc.oneof(nasty, fc.string({ unit: "grapheme-ascii", maxLength: 5 })), { maxLength: 20 }).map((a) => a.join("")),
);
/** Mostly-valid values with a hostile one now and then, so both outcomes are exercised. */
const mostly = <T>(valid: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 19, arbitrary: valid }, { weight: 1, arbitrary: bad });
const validAddress = fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]{1,12}(\.[A-Za-z0-9_-]{1,6})?$/), fc.domain())
  .map(([local, domain]) => `${local}@${domain}`)
  .filter((a) => a.length <= 50);
const address = mostly(validAddress, fc.oneof(fc.emailAddress(), hostile));
const fileName = mostly(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,40}\.[a-z]{1,4}$/), hostile);

const emailArb = fc.record({
  to: fc.array(address, { maxLength: 6 }),
  cc: fc.array(address, { maxLength: 4 }),
  bcc: fc.array(address, { maxLength: 4 }),
  subject: mostly(fc.oneof(fc.string({ unit: "grapheme", maxLength: 30 }), fc.string({ unit: "grapheme-ascii", maxLength: 100 }),
    fc.array(fc.oneof(fc.constantFrom('"', "\\", "é", "😀", ","), fc.string({ unit: "grapheme-ascii", maxLength: 5 })), { maxLength: 10 }).map((a) => a.join(""))), hostile),
  body: mostly(fc.string({ unit: "grapheme", minLength: 1, maxLength: 300 }), hostile),
  attachments: fc.array(fc.record({ name: fileName, size: mostly(fc.integer({ min: 1, max: 3000 }), fc.constant(0)) }), { maxLength: 4 }),
});

function checkLine(line: string): void {
  if (/[\r\n]/.test(line)) throw new Error(`CR or LF in ${JSON.stringify(line)}`);
}

test("every accepted email's AT lines parse back to exactly the original fields", (t) => {
  let accepted = 0;
  let rejected = 0;
  fc.assert(fc.property(emailArb, (input) => {
    const email: Email = {
      to: input.to, cc: input.cc, bcc: input.bcc, subject: input.subject, body: input.body,
      attachments: input.attachments.map((a) => ({ name: a.name, bytes: new Uint8Array(a.size) })),
    };
    let prepared;
    try {
      prepared = validateEmail(email);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      rejected++;
      return true;
    }
    accepted++;
    const lines = emailLines(prepared).map((l) => l.line);
    lines.forEach(checkLine);
    const parsed = lines.map(parseAtLine);
    let i = 0;
    // Recipients, in order, with their types.
    const originals = [...input.to.map((a) => [1, a]), ...input.cc.map((a) => [2, a]), ...input.bcc.map((a) => [3, a])];
    for (const [type, original] of originals) {
      const p = parsed[i++];
      if (p.command !== "+QSMTPDST" || p.args.length !== 3) return false;
      if (p.args[1].text !== String(type) || !p.args[2].quoted || p.args[2].text !== original) return false;
    }
    // Subject: as is with charset 0, or UTF-8 hex with charset 1 that decodes to the original.
    const sub = parsed[i++];
    if (sub.command !== "+QSMTPSUB" || !sub.args[1].quoted) return false;
    const subject = sub.args[0].text === "0" ? sub.args[1].text : decodeUtf8(fromHex(sub.args[1].text)!);
    if (subject !== input.subject) return false;
    if (sub.args[0].text === "1" && !/^[0-9A-F]*$/.test(sub.args[1].text)) return false;
    // Body: the UTF-8 byte count; charset 0 only for ASCII.
    const body = parsed[i++];
    const bytes = Buffer.byteLength(input.body, "utf8");
    if (body.command !== "+QSMTPBODY" || body.args[1].text !== String(bytes)) return false;
    if ((body.args[0].text === "0") !== /^[\x00-\x7f]*$/.test(input.body)) return false;
    // Attachments: uploads then QSMTPATT, names with the RAM: prefix, within 50 bytes.
    for (const a of input.attachments) {
      const up = parsed[i++];
      if (up.command !== "+QFUPL" || up.args[0].text !== "RAM:" + a.name || up.args[1].text !== String(a.size)) return false;
    }
    input.attachments.forEach((a, k) => {
      const att = parsed[i++];
      if (att.command !== "+QSMTPATT" || att.args[1].text !== String(k + 1) || att.args[2].text !== "RAM:" + a.name) throw new Error("attachment mismatch");
      if (att.args[2].text.length > 50) throw new Error("file name over 50 bytes");
    });
    return i === parsed.length;
  }), { numRuns: 3000 });
  t.log(`accepted ${accepted}, rejected ${rejected}`);
  t.true(accepted > 100, "the generator should produce valid emails too");
  t.true(rejected > 100);
});

const accountArb = fc.record({
  server: mostly(fc.domain().filter((d) => d.length <= 50), hostile),
  port: mostly(fc.integer({ min: 1, max: 65535 }), fc.integer()),
  username: mostly(validAddress, hostile),
  password: mostly(fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 50 }), hostile),
  senderName: mostly(fc.string({ unit: "grapheme-ascii", maxLength: 50 }), hostile),
  senderEmail: address,
});

test("every accepted account's lines parse back; the password never appears in a trace", (t) => {
  let accepted = 0;
  fc.assert(fc.property(accountArb, (input: SmtpAccount) => {
    let account;
    try {
      account = validateAccount(input);
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      const messageFor = (password: string) => {
        try {
          validateAccount({ ...input, password });
          return "";
        } catch (other) {
          return (other as Error).message;
        }
      };
      return !echoesSecret(input.password, e.message, messageFor);
    }
    accepted++;
    const [server, acct, sender] = accountLines(account);
    for (const l of [server, acct, sender]) checkLine(l.line);
    const s = parseAtLine(server.line).args;
    const a = parseAtLine(acct.line).args;
    const n = parseAtLine(sender.line).args;
    const masked = parseAtLine(acct.traceAs).args;
    return s[1].text === input.server && s[2].text === String(input.port)
      && a[0].text === "account" && a[1].text === input.username && a[2].text === input.password
      && n[1].text === input.senderName && n[2].text === input.senderEmail
      && masked[2].text === "***" && masked[1].text === input.username;
  }), { numRuns: 3000 });
  t.log(`accepted ${accepted}`);
  t.true(accepted > 50);
});

test("a streamed body and attachment pass validation with their declared lengths", (t) => {
  const prepared = validateEmail({
    to: ["a@example.com"], subject: "s", body: { length: 5, source: new BytesSource(new Uint8Array(5)) },
    attachments: [{ name: "x.bin", length: 7, source: new BytesSource(new Uint8Array(7)) }],
  });
  t.deepEqual(emailLines(prepared, 60).map((l) => l.line), [
    'AT+QSMTPDST=1,1,"a@example.com"', 'AT+QSMTPSUB=0,"s"', "AT+QSMTPBODY=1,5,60", 'AT+QFUPL="RAM:x.bin",7,11,1', 'AT+QSMTPATT=1,1,"RAM:x.bin"',
  ]);
});
