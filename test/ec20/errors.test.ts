// The error table: every code of the manual's chapters 4 and 5 and of the facts sheet's FILE and
// TCP/IP tables is present with a meaning and a retry class, overlapping codes resolve by family,
// and AtErrors become ModemErrors that keep the masked command.

import test from "ava";
import { AtError } from "../../src/at/types";
import { errorsOf, escalate, lookupError, ModemError, modemErrorFromAt, resultError } from "../../src/ec20/errors";

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

test("chapter 4: every code 651-682 is listed", (t) => {
  for (const code of range(651, 682)) t.truthy(lookupError("smtp", code), `missing ${code}`);
  t.is(errorsOf("smtp").length, 32);
});

test("chapter 5 and the facts sheet's FILE and TCP/IP codes are listed", (t) => {
  t.deepEqual(errorsOf("smtp-protocol").map((e) => e.code), [421, 450, 451, 452, 500, 501, 502, 503, 504, 521, 530, 535, 550, 551, 552, 553, 554]);
  t.deepEqual(errorsOf("file").map((e) => e.code), [400, 401, 402, 403, 405, 406, 407, 409, 410, 411, 413, 414, 416, 417, 418, 419, 420, 421, 423, 425, 426]);
  for (const code of range(550, 574)) t.truthy(lookupError("tcpip", code), `missing ${code}`);
});

test("overloaded codes resolve by family", (t) => {
  t.is(lookupError("file", 421)!.meaning, "Time out");
  t.is(lookupError("smtp-protocol", 421)!.meaning, "Service not available, closing transmission channel");
  t.is(lookupError("tcpip", 550)!.meaning, "Unknown error");
  t.is(lookupError("smtp-protocol", 550)!.meaning, "Requested action not taken: mailbox unavailable");
  t.is(lookupError("tcpip", 552)!.retry, "permanent");
  t.is(lookupError("tcpip", 553)!.retry, "transient");
  t.is(lookupError("smtp-protocol", 553)!.retry, "permanent");
  t.is(lookupError("smtp", 421), undefined);
});

test("retry classes the mailer relies on", (t) => {
  const cls = (code: number) => lookupError("smtp", code)!.retry;
  for (const c of [652, 653, 654, 656, 658, 666, 668, 669]) t.is(cls(c), "transient", String(c));
  t.is(cls(657), "reconnect");
  for (const c of [655, 659, 664, 665, 676, 677, 678, 681, 682]) t.is(cls(c), "permanent", String(c));
  t.is(lookupError("tcpip", 570)!.retry, "reconnect");
  t.is(lookupError("tcpip", 561)!.retry, "reconnect");
});

test("666-682 take the class RFC 5321 gives the SMTP reply they renumber", (t) => {
  const replies = errorsOf("smtp-protocol");
  for (let i = 0; i < replies.length; i++) {
    const own = lookupError("smtp", 666 + i)!;
    t.is(own.retry, replies[i].retry, `${666 + i} vs ${replies[i].code}`);
    t.true(own.meaning.includes(`SMTP ${replies[i].code}`));
    t.is(replies[i].retry, replies[i].code < 500 ? "transient" : "permanent");
  }
});

test("every row has a meaning and a reason", (t) => {
  for (const family of ["smtp", "smtp-protocol", "file", "tcpip", "cme"] as const) {
    for (const e of errorsOf(family)) {
      t.true(e.meaning.length > 3, `${family} ${e.code}`);
      t.true(e.reason.length > 3, `${family} ${e.code}`);
    }
  }
});

test("modemErrorFromAt keeps family, code, meaning, class and the masked command", (t) => {
  const e = modemErrorFromAt(new AtError("cme", 'AT+QSMTPCFG="account","u","***"', 664), "smtp");
  t.true(e instanceof ModemError);
  t.true(e instanceof Error);
  t.is(e.family, "smtp");
  t.is(e.code, 664);
  t.is(e.meaning, "The input parameter is wrong");
  t.is(e.retry, "permanent");
  t.is(e.command, 'AT+QSMTPCFG="account","u","***"');
  const timeout = modemErrorFromAt(new AtError("timeout", "AT+QIACT=1"), "tcpip");
  t.is(timeout.kind, "timeout");
  t.is(timeout.retry, "transient");
  const unknown = modemErrorFromAt(new AtError("cme", "AT+QFDEL=\"RAM:*\"", 999), "file");
  t.is(unknown.code, 999);
  t.is(unknown.retry, "transient");
});

test("resultError names unlisted codes; escalate turns a repeated transient into reconnect (manual 1.4.4)", (t) => {
  t.is(resultError("smtp", 700, "AT+QSMTPPUT=300").meaning, "Unlisted code 700");
  t.is(escalate("transient", 1), "transient");
  t.is(escalate("transient", 2), "reconnect");
  t.is(escalate("permanent", 5), "permanent");
  t.is(escalate("reconnect", 1), "reconnect");
});
