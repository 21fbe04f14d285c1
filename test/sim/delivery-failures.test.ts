// What +QSMTPPUT reports when delivery fails: the manual's <err> (chapter 4) and the server's reply
// code as <protocol_error> (chapter 5), for refused credentials, rejecting and closing servers, DNS,
// TCP, a slow server and a reset modem.

import test from "ava";
import net from "node:net";
import { deliver } from "../../sim/smtp-delivery";
import { startSmtpFixture, type SmtpFaults, type SmtpFixtureMode } from "../../sim/local-smtp-server";
import { requestFor, resolveTestHost } from "../support/delivery-request";

const options = { resolve: resolveTestHost };

async function deliverWithFaults(t: { teardown(fn: () => Promise<void>): void }, faults: SmtpFaults, mode: SmtpFixtureMode = "plain") {
  const fixture = await startSmtpFixture({ mode, faults });
  t.teardown(() => fixture.close());
  return { fixture, result: await deliver(requestFor(fixture), options) };
}

test("a wrong password gives 677 (authentication failed) with the server's 535", async (t) => {
  const fixture = await startSmtpFixture({ mode: "starttls" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { account: { user: fixture.user, password: "wrong" } });

  t.deepEqual(await deliver(request, options), { err: 677, protocolError: 535 });
  t.is(fixture.messages.length, 0);
});

test("a server that refuses every AUTH gives 677/535", async (t) => {
  const { result } = await deliverWithFaults(t, { rejectAuth: true }, "tls");
  t.deepEqual(result, { err: 677, protocolError: 535 });
});

test("a server offering no AUTH mechanism the modem knows gives 655", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain", authMethods: ["CRAM-MD5"] });
  t.teardown(() => fixture.close());
  t.deepEqual(await deliver(requestFor(fixture), options), { err: 655, protocolError: 0 });
});

test("550 to a recipient gives 678/550 and no message is delivered", async (t) => {
  const fixture = await startSmtpFixture({
    mode: "plain",
    faults: { replyCode: { rcpt: 550 }, rejectRecipient: "gone@example.test" },
  });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, {
    recipients: [{ type: 1, address: "ops@example.test" }, { type: 3, address: "gone@example.test" }],
  });

  t.deepEqual(await deliver(request, options), { err: 678, protocolError: 550 });
  t.is(fixture.messages.length, 0);
});

test("421 at the greeting gives 666/421", async (t) => {
  const { result, fixture } = await deliverWithFaults(t, { replyCode: { greeting: 421 } });
  t.deepEqual(result, { err: 666, protocolError: 421 });
  t.is(fixture.connectionCount, 1);
});

// Each reply code of chapter 5 maps to its own chapter 4 code, at whatever step it comes.
const replyCases: [keyof NonNullable<SmtpFaults["replyCode"]>, number, number][] = [
  ["mail", 450, 667],
  ["data", 451, 668],
  ["rcpt", 452, 669],
  ["mail", 530, 676],
  ["mail", 551, 679],
  ["data", 552, 680],
  ["rcpt", 553, 681],
  ["data", 554, 682],
  ["greeting", 554, 682],
  ["mail", 555, 660], // not in the manual's table: "failed to send email"
];
for (const [stage, code, err] of replyCases) {
  test(`${code} at ${stage} gives ${err}/${code}`, async (t) => {
    const { result, fixture } = await deliverWithFaults(t, { replyCode: { [stage]: code } }, "starttls");
    t.deepEqual(result, { err, protocolError: code });
    t.is(fixture.messages.length, 0);
  });
}

test("an unknown host name gives 653 and no connection is made", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { server: { host: "smtp.nowhere.test", port: fixture.port } });

  t.deepEqual(await deliver(request, options), { err: 653, protocolError: 0 });
  t.is(fixture.connectionCount, 0);
});

test("a closed port gives 654", async (t) => {
  // A port that was just free: listen, note it, close.
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { server: { host: "127.0.0.1", port } });

  t.deepEqual(await deliver(request, options), { err: 654, protocolError: 0 });
});

test("a server that drops the connection during DATA gives 656", async (t) => {
  const { result, fixture } = await deliverWithFaults(t, { closeAt: "data" });
  t.deepEqual(result, { err: 656, protocolError: 0 });
  t.is(fixture.messages.length, 0);
});

test("a server that drops the connection at the greeting gives 656", async (t) => {
  const { result } = await deliverWithFaults(t, { closeAt: "greeting" });
  t.deepEqual(result, { err: 656, protocolError: 0 });
});

test("a server slower than the QSMTPPUT timeout gives 658", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain", faults: { delayMs: 60_000 } });
  t.teardown(() => fixture.close());
  const started = Date.now();

  t.deepEqual(await deliver(requestFor(fixture, { timeoutMs: 300 }), options), { err: 658, protocolError: 0 });
  t.true(Date.now() - started < 5_000, "the timeout ends the attempt, not the server");
});

test("a slow server within the timeout is still a success", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain", faults: { delayMs: 50 } });
  t.teardown(() => fixture.close());
  t.deepEqual(await deliver(requestFor(fixture, { timeoutMs: 10_000 }), options), { err: 0, protocolError: 0 });
});

test("no recipient gives 659 without connecting", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  t.deepEqual(await deliver(requestFor(fixture, { recipients: [] }), options), { err: 659, protocolError: 0 });
  t.is(fixture.connectionCount, 0);
});

test("a subject that is not hex with a non-ASCII charset gives 664 without connecting", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { subject: { charset: 1, text: "not hex" } });
  t.deepEqual(await deliver(request, options), { err: 664, protocolError: 0 });
  t.is(fixture.connectionCount, 0);
});

test("aborting (the modem resets) drops the connection and reports 651", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain", faults: { delayMs: 60_000 } });
  t.teardown(() => fixture.close());
  const controller = new AbortController();
  const pending = deliver(requestFor(fixture), { ...options, signal: controller.signal });
  controller.abort();
  t.deepEqual(await pending, { err: 651, protocolError: 0 });
});

test("a TLS server that drops the connection after MAIL FROM gives 656", async (t) => {
  const { result, fixture } = await deliverWithFaults(t, { closeAt: "mail" }, "tls");
  t.deepEqual(result, { err: 656, protocolError: 0 });
  t.is(fixture.messages.length, 0);
});

test("421 to MAIL FROM (the server closes) gives 666/421", async (t) => {
  const { result } = await deliverWithFaults(t, { replyCode: { mail: 421 } }, "starttls");
  t.deepEqual(result, { err: 666, protocolError: 421 });
});

test("no account configured: the server's 530 to MAIL FROM gives 676/530", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { account: { user: "", password: "" } });
  t.deepEqual(await deliver(request, options), { err: 676, protocolError: 530 });
});

test("no account configured and the server does not insist: delivered without AUTH", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain", authOptional: true });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { account: { user: "", password: "" } });
  t.deepEqual(await deliver(request, options), { err: 0, protocolError: 0 });
  t.is(fixture.messages[0].session.user, undefined);
});

test("a recipient the server finds malformed gives the server's verdict (501 -> 671)", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { recipients: [{ type: 1, address: "not an address" }] });
  t.deepEqual(await deliver(request, options), { err: 671, protocolError: 501 });
});

test("a line break in an address is refused (664) before it can reach the server as a command", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const request = requestFor(fixture, { recipients: [{ type: 1, address: "a@example.test>\r\nDATA" }] });
  t.deepEqual(await deliver(request, options), { err: 664, protocolError: 0 });
  t.is(fixture.connectionCount, 0);
});
