// What the mailer does when sending fails, one test per failure class (manual 1.4.4): transient
// failures are resent, a second failure reconnects the PDP context first, permanent ones are not
// retried and say why. After every failure nothing is left on the modem.
import test from "ava";
import { listFiles, uploadFile } from "../../src/ec20/commands/file";
import { BytesSource, fileChecksum } from "../../src/ec20/commands/checksum";
import { listAttachments, listRecipients } from "../../src/ec20/commands/smtp";
import { ValidationError } from "../../src/mail/errors";
import { Mailer } from "../../src/mailer/mailer";
import type { AtCommand } from "../../src/at/types";
import { nodeClock } from "../../hosts/node/clock";
import { testCerts } from "../../sim/local-smtp-server";
import { pattern, startRig } from "./rig";

type Rig = Awaited<ReturnType<typeof startRig>>;

const email = () => ({
  to: ["ops@example.test"],
  cc: ["cc@example.test"],
  subject: "Alarm: tank level high",
  body: "Level 97 % at 16:04Z",
  attachments: [{ name: "trend.csv", bytes: pattern(3000, 3) }],
});

async function assertNothingLeft(t: import("ava").ExecutionContext, rig: Rig) {
  t.deepEqual((await listFiles(rig.channel, "RAM:*")).files, [], "no RAM file left");
  t.deepEqual(await listRecipients(rig.channel), [], "no recipient left");
  t.deepEqual(await listAttachments(rig.channel), [], "no attachment left");
}

const sent = (rig: Rig, prefix: string) => rig.trace.filter((l) => l.startsWith(`tx ${prefix}`)).length;

test.serial("transient (SMTP 421 once): resent at once, without reconnecting, and delivered", async (t) => {
  let calls = 0;
  const rig = await startRig({
    mode: "plain",
    deliver: (real) => async (request) => (calls++ === 0 ? { err: 666, protocolError: 421 } : real(request)),
  });
  try {
    const result = await rig.mailer.send(email());
    t.true(result.delivered);
    t.is(result.attempts, 2);
    t.is(sent(rig, "AT+QIDEACT"), 0);
    t.is((await rig.fixture.waitForMessage(1)).parsed.subject, "Alarm: tank level high");
    t.is(rig.fixture.messages.length, 1, "delivered once");
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("PDP context dropped during AT+QSMTPPUT (657): reactivated, resent, delivered once", async (t) => {
  const rig = await startRig({ mode: "starttls", simFaults: [{ kind: "pdpdeact", command: "QSMTPPUT", nth: 1, delayMs: 0 }] });
  try {
    const result = await rig.mailer.send(email());
    t.true(result.delivered, JSON.stringify(result));
    t.is(result.attempts, 2);
    t.true(sent(rig, "AT+QIACT=1") >= 2, "the context was activated again");
    t.true(rig.logs.some((l) => l.includes("deactivated by the network")));
    t.is(rig.fixture.messages.length, 1);
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("transient every time (653 DNS): resend, then reconnect and resend, then report it", async (t) => {
  const rig = await startRig({ mode: "plain", deliver: () => async () => ({ err: 653, protocolError: 0 }) });
  try {
    const result = await rig.mailer.send(email());
    t.false(result.delivered);
    t.is(result.attempts, 3);
    t.is(result.err, 653);
    t.is(result.retry, "transient");
    t.regex(result.error!.meaning, /IP address|domain/i);
    t.is(sent(rig, "AT+QIDEACT=1"), 1, "one reconnect between the second and third attempt");
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("permanent (authentication failed, 677/535): not retried, says why", async (t) => {
  const rig = await startRig({ mode: "tls", smtpFaults: { rejectAuth: true } });
  try {
    const result = await rig.mailer.send(email());
    t.false(result.delivered);
    t.is(result.attempts, 1);
    t.is(result.err, 677);
    t.is(result.protocolError, 535);
    t.is(result.retry, "permanent");
    t.regex(result.error!.meaning, /Authentication failed/);
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("permanent (mailbox refused, 678/550): not retried", async (t) => {
  const rig = await startRig({ mode: "plain", smtpFaults: { replyCode: { rcpt: 550 } } });
  try {
    const result = await rig.mailer.send(email());
    t.deepEqual([result.delivered, result.attempts, result.err, result.protocolError, result.retry], [false, 1, 678, 550, "permanent"]);
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("permanent (server certificate not signed by our CA, 665): refused with verification on, after one fresh CA upload", async (t) => {
  const rig = await startRig({ mode: "tls", caPem: testCerts.otherCaPem });
  try {
    const result = await rig.mailer.send(email());
    t.deepEqual([result.delivered, result.attempts, result.err, result.retry], [false, 2, 665, "permanent"]);
    t.is(rig.trace.filter((l) => l.startsWith('tx AT+QFUPL="ca-')).length, 2, "the CA was uploaded again once before giving up");
    t.is(rig.fixture.messages.length, 0);
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("verification off is explicit and logged as a warning", async (t) => {
  const rig = await startRig({ mode: "tls", settings: (s) => ({ ...s, tls: { verify: false } }) });
  try {
    t.true((await rig.mailer.send(email())).delivered);
    t.true(rig.logs.some((l) => l.startsWith("warn: TLS server certificate verification is OFF")));
    t.true(rig.trace.some((l) => l === 'tx AT+QSSLCFG="seclevel",1,0'));
  } finally {
    await rig.close();
  }
});

test.serial("a composition error (652 busy on AT+QSMTPDST) fails the send, cleans up, and the next send works", async (t) => {
  const rig = await startRig({ mode: "plain", simFaults: [{ kind: "error", command: "QSMTPDST", nth: 1, code: 652 }] });
  try {
    const first = await rig.mailer.send(email());
    t.false(first.delivered);
    t.is(first.error!.code, 652);
    t.is(first.retry, "transient");
    await assertNothingLeft(t, rig);
    t.true((await rig.mailer.send(email())).delivered);
  } finally {
    await rig.close();
  }
});

test.serial("the modem restarts (RDY) in the middle of the body upload: the send fails transient, the next one re-sends every setting", async (t) => {
  const rig = await startRig({ mode: "starttls", simFaults: [{ kind: "reboot", command: "QSMTPBODY", nth: 1 }] });
  try {
    const first = await rig.mailer.send(email());
    t.false(first.delivered);
    t.not(first.retry, "permanent");
    t.true(rig.logs.some((l) => l.includes("modem restarted")));
    // After a restart the modem needs echo off and numeric errors again, as after any power-on.
    await rig.channel.run({ line: "ATE0", timeoutMs: 1000 });
    await rig.channel.run({ line: "AT+CMEE=1", timeoutMs: 1000 });
    const before = rig.trace.length;
    const second = await rig.mailer.send(email());
    t.true(second.delivered, JSON.stringify(second));
    t.true(rig.trace.slice(before).some((l) => l.startsWith('tx AT+QSMTPCFG="smtpserver"')), "settings sent again");
    t.is(rig.fixture.messages.length, 1);
    await assertNothingLeft(t, rig);
  } finally {
    await rig.close();
  }
});

test.serial("an invalid email is refused with the field and the limit, before any AT traffic", async (t) => {
  const rig = await startRig({ mode: "plain" });
  try {
    const before = rig.trace.length;
    const error = await t.throwsAsync(rig.mailer.send({ ...email(), to: ["ops@example.test", 'x"@evil.test\r\nAT+QPOWD'] }), {
      instanceOf: ValidationError,
    });
    t.is(error!.field, "to[1]");
    t.is(rig.trace.length, before, "nothing was sent to the modem");
  } finally {
    await rig.close();
  }
});

test.serial("a damaged CA file on the modem (same name, size and checksum) costs one resend, not every TLS email", async (t) => {
  const rig = await startRig({ mode: "starttls" });
  try {
    const ca = new TextEncoder().encode(testCerts.caPem);
    // Swap two 16-bit words inside the base64 body: the +QFUPL XOR checksum cannot see it.
    const damaged = ca.slice();
    const [a, b] = [100, 400];
    for (let i = 0; i < 2; i++) [damaged[a + i], damaged[b + i]] = [damaged[b + i], damaged[a + i]];
    t.is(fileChecksum(damaged), fileChecksum(ca));
    t.notDeepEqual(damaged, ca);
    await uploadFile(rig.channel, `ca-${fileChecksum(ca).toString(16)}.pem`, new BytesSource(damaged), damaged.length);
    const result = await rig.mailer.send(email());
    t.true(result.delivered, JSON.stringify(result));
    t.is(result.attempts, 2);
    t.is(rig.fixture.messages.length, 1);
  } finally {
    await rig.close();
  }
});

test.serial("an address corrupted on its way to the modem is caught by reading the recipients back: nothing is sent to a stranger", async (t) => {
  const rig = await startRig({ mode: "plain" });
  try {
    // A channel that flips one letter of the first To address in transit, as a bad UART bit would.
    let corrupt = true;
    const wire = {
      run: (command: AtCommand) => {
        if (corrupt && command.line.startsWith('AT+QSMTPDST=1,1,"ops@')) command = { ...command, line: command.line.replace('"ops@', '"opz@') };
        return rig.channel.run(command);
      },
      subscribe: rig.channel.subscribe.bind(rig.channel),
      abortAll: () => rig.channel.abortAll(),
    };
    const mailer = new Mailer({ channel: wire, clock: nodeClock, log: () => {}, settings: rig.settings });
    const first = await mailer.send(email());
    t.false(first.delivered);
    t.is(first.error!.kind, "checksum");
    t.is(first.retry, "transient");
    t.is(first.attempts, 0, "AT+QSMTPPUT never ran");
    t.is(rig.fixture.messages.length, 0);
    await assertNothingLeft(t, rig);
    corrupt = false;
    t.true((await mailer.send(email())).delivered);
    t.deepEqual(rig.fixture.messages[0].envelope.rcptTo, ["ops@example.test", "cc@example.test"]);
  } finally {
    await rig.close();
  }
});
