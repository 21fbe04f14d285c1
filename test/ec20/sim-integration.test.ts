// The typed commands end to end through the lead's AtChannel and the EC20 simulator: the manual's
// send-without-SSL flow (3.1) with an ACK-mode upload whose checksum the modem confirms, read-backs
// parsed from real framed lines, and failures coming back as ModemErrors from the right table.

import test from "ava";
import { createSimulator, VirtualClock } from "../../sim/index";
import type { DeliveryRequest } from "../../sim/index";
import { AtChannel } from "../../src/at/channel";
import {
  activatePdp, addAttachment, addRecipient, clearEmail, configurePdp, deleteFile, disableEcho, listActiveContexts,
  listAttachments, listFiles, listRecipients, putError, readSimState, readSubject, setAccount, setBody, setNumericErrors,
  setSender, setServer, setSmtpContext, setSslType, setSubject, smtpPut, uploadFile, setUrcPort,
} from "../../src/ec20/commands";
import { ModemError } from "../../src/ec20/errors";
import { validateEmail } from "../../src/mail/validate";

async function boot(options: Parameters<typeof createSimulator>[0] = {}) {
  const clock = new VirtualClock();
  const requests: DeliveryRequest[] = [];
  const sim = createSimulator({
    scheduler: clock,
    deliver: async (request) => { requests.push(request); return { err: 0, protocolError: 0 }; },
    ...options,
  });
  const traces: string[] = [];
  const channel = new AtChannel({ open: sim.openDriverPort, clock, trace: (dir, text) => traces.push(`${dir} ${text}`) });
  sim.powerOn();
  await clock.advance(15_000);
  /** Runs a typed function while virtual time advances until it settles. */
  async function run<T>(work: (ch: AtChannel) => Promise<T>): Promise<T> {
    let settled = false;
    const promise = work(channel).finally(() => { settled = true; });
    promise.catch(() => {});
    await clock.until(() => settled, 900_000);
    return promise;
  }
  await run(disableEcho);
  await run(setNumericErrors);
  return { sim, clock, channel, run, requests, traces };
}

test("manual 3.1 through the channel and the simulator: compose, upload (ACK mode), send", async (t) => {
  const { run, requests, traces, sim } = await boot();
  t.is(await run(readSimState), "READY");
  await run((ch) => setUrcPort(ch, "uart1"));
  await run((ch) => configurePdp(ch, { contextId: 1, apn: "UNINET", authentication: 1 }));
  await run((ch) => activatePdp(ch, 1));
  const contexts = await run(listActiveContexts);
  t.is(contexts.length, 1);
  t.is(contexts[0].contextId, 1);
  t.regex(contexts[0].address, /^\d+\.\d+\.\d+\.\d+$/);
  await run((ch) => setSmtpContext(ch, 1));
  await run((ch) => setSslType(ch, 0));
  await run((ch) => setServer(ch, "smtp.example.com", 25));
  await run((ch) => setAccount(ch, "me@example.com", "hunter2-secret"));
  await run((ch) => setSender(ch, "Tank monitor", "me@example.com"));

  const email = validateEmail({
    to: ["ops@example.com"], cc: ["boss@example.com"], subject: "Température élevée", body: "Tank 3: 81 °C\r\n",
    attachments: [{ name: "log.csv", bytes: new Uint8Array(Buffer.from("t,v\n".repeat(700))) }],
  });
  for (const r of email.recipients) await run((ch) => addRecipient(ch, r.type, r.address));
  t.deepEqual(await run(listRecipients), [{ type: 1, address: "ops@example.com" }, { type: 2, address: "boss@example.com" }]);
  await run((ch) => setSubject(ch, email.subject.charset, email.subject.argument));
  t.deepEqual(await run(readSubject), { charset: 1, subject: email.subject.argument });
  t.is(await run((ch) => setBody(ch, email.body.charset, email.body.open(), email.body.length)), email.body.length);
  const a = email.attachments[0];
  const uploaded = await run((ch) => uploadFile(ch, a.fileName, a.open(), a.length, { ackMode: true }));
  t.is(uploaded.size, 2800);
  t.deepEqual((await run((ch) => listFiles(ch, "RAM:*"))).files, [{ name: "RAM:log.csv", size: 2800 }]);
  await run((ch) => addAttachment(ch, a.index, a.fileName));
  t.deepEqual(await run(listAttachments), [{ index: 1, name: "RAM:log.csv", size: 2800 }]);

  const result = await run((ch) => smtpPut(ch, 300));
  t.deepEqual(result, { err: 0, protocolError: 0 });
  t.is(putError(result), undefined);
  t.is(requests.length, 1);
  await run(clearEmail);
  await run((ch) => deleteFile(ch, "RAM:log.csv"));
  t.deepEqual((await run((ch) => listFiles(ch, "RAM:*"))).files, []);

  t.false(traces.some((line) => line.includes("hunter2-secret")), "the password never reaches a trace");
  t.true(traces.some((line) => line.includes('"account","me@example.com","***"')));
  t.is(sim.inspect().files.size, 0);
});

test("simulator failures arrive as ModemErrors from the right family", async (t) => {
  const { run } = await boot();
  // Nothing to delete: a FILE error, not an SMTP one.
  const missing = await t.throwsAsync(run((ch) => deleteFile(ch, "RAM:nope.txt")), { instanceOf: ModemError });
  t.is(missing!.family, "file");
  t.is(missing!.kind, "cme");
  t.true(missing!.code >= 400 && missing!.code <= 426, String(missing!.code));
  // Sending with no PDP context active: the simulator reports 657 (or 654) in +QSMTPPUT.
  await run((ch) => addRecipient(ch, 1, "a@example.com"));
  await run((ch) => setBody(ch, 0, validateEmail({ to: ["a@example.com"], subject: "", body: "x" }).body.open(), 1));
  const result = await run((ch) => smtpPut(ch, 60));
  const error = putError(result)!;
  t.truthy(error);
  t.true([654, 657].includes(error.code), String(error.code));
  t.not(error.retry, "permanent");
});
