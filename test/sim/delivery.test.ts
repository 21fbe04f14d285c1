// The simulated EC20 delivers a full email (To, Cc, Bcc, encoded subject, 10 KB body, attachments
// up to 200 KB) over each ssltype to a real SMTP server, and the recipient reads what was sent.

import test from "ava";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { AddressObject } from "mailparser";
import { deliver } from "../../sim/smtp-delivery";
import type { DeliveryRequest } from "../../sim/delivery-types";
import { startSmtpFixture, type SmtpFixtureMode } from "../../sim/local-smtp-server";
import { requestFor, resolveTestHost, utf8Hex } from "../support/delivery-request";

const options = { resolve: resolveTestHost };

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((object) => object.value.map((mailbox) => mailbox.address ?? ""));
}

/** Exactly 10240 bytes of UTF-8 text with LF line ends, as a sensor's report would look. */
function reportBody(): Buffer {
  const lines: string[] = [];
  for (let i = 0; Buffer.byteLength(lines.join("")) < 10_000; i++) {
    lines.push(`#${String(i).padStart(4, "0")} Température 24°C ✓ humidité 61 %\n`);
  }
  const text = lines.join("");
  return Buffer.concat([Buffer.from(text), Buffer.alloc(10_240 - Buffer.byteLength(text), "x")]);
}

const recipients: DeliveryRequest["recipients"] = [
  { type: 1, address: "ops@example.test" },
  { type: 1, address: "lead@example.test" },
  { type: 2, address: "archive@example.test" },
  { type: 3, address: "audit@example.test" },
];

const modes: [SmtpFixtureMode, 0 | 1 | 2][] = [["plain", 0], ["tls", 1], ["starttls", 2]];

for (const [mode, ssltype] of modes) {
  test(`ssltype ${ssltype} (${mode}): To, Cc and Bcc, UTF-8 subject, 10 KB body and attachments arrive intact`, async (t) => {
    const fixture = await startSmtpFixture({ mode });
    t.teardown(() => fixture.close());
    const body = reportBody();
    const csv = Buffer.from("time,temp\n12:00,24.1\n12:05,24.3\n");
    const image = randomBytes(200 * 1024);
    const request = requestFor(fixture, {
      recipients,
      subject: { charset: 1, text: utf8Hex("Température 24°C ✓") },
      body: { charset: 1, bytes: body },
      attachments: [
        { name: "readings.csv", bytes: csv },
        { name: "camera.jpg", bytes: image },
      ],
    });
    t.is(request.ssltype, ssltype);

    t.deepEqual(await deliver(request, options), { err: 0, protocolError: 0 });

    t.is(fixture.messages.length, 1);
    const { envelope, parsed, raw, session } = fixture.messages[0];
    t.is(envelope.mailFrom, "gh3@sensors.example.test");
    t.deepEqual(envelope.rcptTo, recipients.map((r) => r.address));
    t.deepEqual(parsed.from?.value, [{ name: "Greenhouse 3", address: "gh3@sensors.example.test" }]);
    t.deepEqual(addresses(parsed.to), ["ops@example.test", "lead@example.test"]);
    t.deepEqual(addresses(parsed.cc), ["archive@example.test"]);
    t.is(parsed.bcc, undefined);
    t.false(raw.toString("latin1").includes("audit@example.test"), "the Bcc address is in no header");
    t.is(parsed.subject, "Température 24°C ✓");
    t.deepEqual(Buffer.from(parsed.text ?? "", "utf8"), body);
    t.deepEqual(
      parsed.attachments.map((a) => [a.filename, a.content.length]),
      [["readings.csv", csv.length], ["camera.jpg", image.length]],
    );
    t.deepEqual(parsed.attachments[0].content, csv);
    t.deepEqual(parsed.attachments[1].content, image);
    t.true(parsed.date instanceof Date && !Number.isNaN(parsed.date.getTime()));
    t.regex(parsed.messageId ?? "", /^<[^@>]+@sensors\.example\.test>$/);
    t.is(session.user, "sensor");
    t.is(session.secure, ssltype !== 0);
  });

  test(`ssltype ${ssltype} (${mode}): ASCII subject and CRLF text body go as they are`, async (t) => {
    const fixture = await startSmtpFixture({ mode });
    t.teardown(() => fixture.close());
    // A line starting with "." must survive the DATA phase (dot-stuffing).
    const body = Buffer.from("Alarm: door open\r\n.hidden line\r\n..\r\nend\r\n");
    const request = requestFor(fixture, {
      subject: { charset: 0, text: "ALARM greenhouse 3: door open" },
      body: { charset: 0, bytes: body },
    });

    t.deepEqual(await deliver(request, options), { err: 0, protocolError: 0 });

    const { parsed, raw } = fixture.messages[0];
    t.is(parsed.subject, "ALARM greenhouse 3: door open");
    t.true(raw.includes(body), "the body bytes are in the message unchanged");
    t.is(parsed.text, body.toString("latin1").replaceAll("\r\n", "\n"));
    t.regex(raw.toString("latin1"), /^Subject: ALARM greenhouse 3: door open\r$/m);
  });
}

test("GB2312 and BIG5 subjects are decoded and the body keeps its charset", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const gbBody = Buffer.from("c4e3bac3a3accac0bde70d0a", "hex"); // "你好，世界\r\n" in GB2312
  const results = [
    await deliver(requestFor(fixture, {
      subject: { charset: 2, text: "c4e3bac3" },
      body: { charset: 2, bytes: gbBody },
    }), options),
    await deliver(requestFor(fixture, {
      subject: { charset: 3, text: "a741a66e" },
      body: { charset: 3, bytes: Buffer.from("a741a66e", "hex") },
    }), options),
  ];

  t.deepEqual(results, [{ err: 0, protocolError: 0 }, { err: 0, protocolError: 0 }]);
  const [gb, big5] = fixture.messages.map((m) => m.parsed);
  t.is(gb.subject, "你好");
  t.is(gb.text, "你好，世界\n");
  t.regex(fixture.messages[0].raw.toString("latin1"), /Content-Type: text\/plain; charset=gb2312/);
  t.is(big5.subject, "你好");
  t.is(big5.text, "你好");
  t.regex(fixture.messages[1].raw.toString("latin1"), /Content-Type: text\/plain; charset=big5/);
});

test("a long UTF-8 subject and a non-ASCII sender name are encoded in words a reader decodes", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const subject = "Température élevée ✓ ".repeat(4).trim();
  const request = requestFor(fixture, {
    sender: { name: "Serre n°3", email: "gh3@sensors.example.test" },
    subject: { charset: 1, text: utf8Hex(subject) },
  });

  t.deepEqual(await deliver(request, options), { err: 0, protocolError: 0 });

  const { parsed, raw } = fixture.messages[0];
  t.is(parsed.subject, subject);
  t.deepEqual(parsed.from?.value, [{ name: "Serre n°3", address: "gh3@sensors.example.test" }]);
  for (const line of raw.toString("latin1").split("\r\n")) t.true(line.length <= 998);
});

test("the fixture writes each accepted message to its mailbox folder as .eml", async (t) => {
  const mailbox = await mkdtemp(path.join(tmpdir(), "ec20-mailbox-"));
  const fixture = await startSmtpFixture({ mode: "plain", mailbox });
  t.teardown(async () => {
    await fixture.close();
    await rm(mailbox, { recursive: true, force: true });
  });

  t.deepEqual(await deliver(requestFor(fixture), options), { err: 0, protocolError: 0 });

  const { file, raw } = await fixture.waitForMessage(1);
  t.is(path.dirname(file ?? ""), mailbox);
  t.regex(file ?? "", /\.eml$/);
  t.deepEqual(await readFile(file ?? ""), raw);
});

test("AUTH LOGIN is used when the server offers only LOGIN", async (t) => {
  const fixture = await startSmtpFixture({ mode: "starttls", authMethods: ["LOGIN"] });
  t.teardown(() => fixture.close());

  t.deepEqual(await deliver(requestFor(fixture), options), { err: 0, protocolError: 0 });
  t.is(fixture.messages[0].session.authMethod, "LOGIN");
});

test("AUTH PLAIN is preferred when both are offered", async (t) => {
  const fixture = await startSmtpFixture({ mode: "tls" });
  t.teardown(() => fixture.close());

  t.deepEqual(await deliver(requestFor(fixture), options), { err: 0, protocolError: 0 });
  t.is(fixture.messages[0].session.authMethod, "PLAIN");
});

test("the trace shows the exchange but never the password", async (t) => {
  const fixture = await startSmtpFixture({ mode: "starttls", authMethods: ["LOGIN"] });
  t.teardown(() => fixture.close());
  const lines: string[] = [];
  const result = await deliver(requestFor(fixture), {
    ...options,
    trace: (direction, line) => lines.push(`${direction}: ${line}`),
  });

  t.deepEqual(result, { err: 0, protocolError: 0 });
  const trace = lines.join("\n");
  t.regex(trace, /client: STARTTLS/);
  t.regex(trace, /client: RCPT TO:<ops@example.test>/);
  t.false(trace.includes(fixture.password));
  t.false(trace.includes(Buffer.from(fixture.password).toString("base64")));
  t.false(trace.includes(Buffer.from(fixture.user).toString("base64")));
});
