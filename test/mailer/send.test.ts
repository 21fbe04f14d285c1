// The mailer end to end: AT channel -> EC20 simulator (in-process UART) -> real SMTP client -> a real
// smtp-server on loopback, read back with mailparser. One reference email per SSL type, then what is
// left on the modem afterwards.
import test from "ava";
import { listFiles } from "../../src/ec20/commands/file";
import { listAttachments, listRecipients } from "../../src/ec20/commands/smtp";
import { pattern, startRig } from "./rig";

const SUBJECT = "Température 24 °C ✓ node-7";

function bodyOfExactly(bytes: number): string {
  // ASCII filler with a UTF-8 line at the top, padded to the exact byte count.
  const head = "Grüße from node-7\r\n";
  const headBytes = Buffer.byteLength(head);
  return head + "x".repeat(bytes - headBytes);
}

for (const mode of ["plain", "tls", "starttls"] as const) {
  test.serial(`reference email via ssltype ${mode}: To, Cc, Bcc, UTF-8 subject, 10240-byte body, three attachments`, async (t) => {
    const rig = await startRig({ mode });
    try {
      const big = pattern(200 * 1024, 1);
      const mid = pattern(16 * 1024, 2);
      let streamedReads = 0;
      const body = bodyOfExactly(10240);
      t.is(Buffer.byteLength(body), 10240);
      const result = await rig.mailer.send({
        to: ["ops@example.test", "oncall@example.test"],
        cc: ["cc@example.test"],
        bcc: ["audit@example.test"],
        subject: SUBJECT,
        body,
        attachments: [
          {
            name: "readings.bin",
            length: big.length,
            // A reader: the mailer pulls chunks, it never holds the 200 KB itself.
            source: {
              offset: 0,
              read(into: Uint8Array) {
                streamedReads++;
                const n = Math.min(into.length, big.length - this.offset);
                into.set(big.subarray(this.offset, this.offset + n));
                this.offset += n;
                return n;
              },
            } as { offset: number; read(into: Uint8Array): number },
          },
          { name: "mid.bin", bytes: mid },
          { name: "note.txt", bytes: new TextEncoder().encode("all good\n") },
        ],
      });
      t.true(result.delivered, JSON.stringify(result));
      t.is(result.err, 0);
      t.is(result.attempts, 1);
      t.true(streamedReads >= (200 * 1024) / 256, "the attachment was pulled in chunks of at most 256 bytes");
      t.deepEqual(
        result.phases.map((p) => p.phase),
        ["prepare", "configure", "recipients", "subject", "body", "attachments", "put", "cleanup"],
      );

      const message = await rig.fixture.waitForMessage(1);
      const parsed = message.parsed;
      t.deepEqual(parsed.from?.value, [{ address: "sensor7@example.test", name: "Sensor 7" }]);
      t.deepEqual(
        (Array.isArray(parsed.to) ? parsed.to : [parsed.to]).flatMap((a) => a!.value.map((v) => v.address)),
        ["ops@example.test", "oncall@example.test"],
      );
      t.deepEqual((Array.isArray(parsed.cc) ? parsed.cc : [parsed.cc]).flatMap((a) => a!.value.map((v) => v.address)), ["cc@example.test"]);
      t.is(parsed.bcc, undefined);
      t.false(message.raw.toString("latin1").includes("audit@example.test"), "Bcc appears nowhere in the message");
      t.deepEqual(message.envelope.rcptTo.sort(), ["audit@example.test", "cc@example.test", "oncall@example.test", "ops@example.test"]);
      t.is(parsed.subject, SUBJECT);
      // mailparser gives the text with LF line ends; compare without printing 10 KB on failure.
      t.true(parsed.text === body.replace(/\r\n/g, "\n"), "the 10240-byte body arrives byte for byte");
      t.deepEqual(
        parsed.attachments.map((a) => [a.filename, a.size]),
        [["readings.bin", big.length], ["mid.bin", mid.length], ["note.txt", 9]],
      );
      t.true(Buffer.from(parsed.attachments[0].content).equals(Buffer.from(big)));
      t.true(Buffer.from(parsed.attachments[1].content).equals(Buffer.from(mid)));
      t.is(message.session.secure, mode !== "plain");

      // Progress: body then each attachment up to its total.
      const bodyDone = rig.progress.filter((p) => p.phase === "body" && p.sent === 10240);
      t.is(bodyDone.length, 1);
      const bigDone = rig.progress.filter((p) => p.phase === "attachments" && p.item === 0 && p.sent === big.length);
      t.is(bigDone.length, 1);

      // Nothing left behind on the modem.
      t.deepEqual((await listFiles(rig.channel, "RAM:*")).files, []);
      t.deepEqual(await listRecipients(rig.channel), []);
      t.deepEqual(await listAttachments(rig.channel), []);
      // The password never reached the trace.
      t.false(rig.trace.some((line) => line.includes(rig.fixture.password)));
    } finally {
      await rig.close();
    }
  });
}

test.serial("a second email reuses the PDP context and sends no unchanged setting again", async (t) => {
  const rig = await startRig({ mode: "starttls" });
  try {
    const first = await rig.mailer.send({ to: ["ops@example.test"], subject: "one", body: "first" });
    t.true(first.delivered);
    const before = rig.trace.length;
    const second = await rig.mailer.send({ to: ["ops@example.test"], subject: "two", body: "second" });
    t.true(second.delivered);
    const sent = rig.trace.slice(before).filter((l) => l.startsWith("tx AT"));
    t.false(sent.some((l) => /QSMTPCFG|QSSLCFG|QIACT=|QICSGP|QFUPL="ca-/.test(l)), sent.join("\n"));
    t.is((await rig.fixture.waitForMessage(2)).parsed.subject, "two");
  } finally {
    await rig.close();
  }
});

