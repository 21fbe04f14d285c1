// The SSL context of the simulated EC20 (AT+QSSLCFG): seclevel decides whether the server
// certificate is checked against the uploaded CA, sni whether the name goes in the ClientHello,
// sslversion which protocol versions may be used. A refused handshake is 665.

import test from "ava";
import net from "node:net";
import { deliver } from "../../sim/smtp-delivery";
import type { DeliveryRequest } from "../../sim/delivery-types";
import { startSmtpFixture, testCerts, type SmtpFixtureMode } from "../../sim/local-smtp-server";
import { requestFor, resolveTestHost } from "../support/delivery-request";

const options = { resolve: resolveTestHost };
const ok = { err: 0, protocolError: 0 };
const sslFailure = { err: 665, protocolError: 0 };

async function tryDeliver(
  t: { teardown(fn: () => Promise<void>): void },
  mode: SmtpFixtureMode,
  tls: Partial<DeliveryRequest["tls"]>,
  host = "smtp.example.test",
) {
  const fixture = await startSmtpFixture({ mode });
  t.teardown(() => fixture.close());
  const base = requestFor(fixture);
  const request = { ...base, server: { host, port: fixture.port }, tls: { ...base.tls, ...tls } };
  return { fixture, result: await deliver(request, options) };
}

for (const mode of ["tls", "starttls"] as const) {
  test(`${mode}: a server certificate from another CA is refused with seclevel 1 (665)`, async (t) => {
    const { result, fixture } = await tryDeliver(t, mode, { caPem: testCerts.otherCaPem, seclevel: 1 });
    t.deepEqual(result, sslFailure);
    t.is(fixture.messages.length, 0);
  });

  test(`${mode}: the same certificate is accepted with seclevel 0 (no verification)`, async (t) => {
    const { result, fixture } = await tryDeliver(t, mode, { caPem: testCerts.otherCaPem, seclevel: 0 });
    t.deepEqual(result, ok);
    t.is(fixture.messages.length, 1);
  });

  test(`${mode}: seclevel 2 verifies like seclevel 1`, async (t) => {
    t.deepEqual((await tryDeliver(t, mode, { seclevel: 2 })).result, ok);
    t.deepEqual((await tryDeliver(t, mode, { seclevel: 2, caPem: testCerts.otherCaPem })).result, sslFailure);
  });

  test(`${mode}: seclevel 1 without a CA file fails (665)`, async (t) => {
    const { result, fixture } = await tryDeliver(t, mode, { caPem: undefined, seclevel: 1 });
    t.deepEqual(result, sslFailure);
    t.is(fixture.messages.length, 0);
  });

  test(`${mode}: a host name the certificate does not name is refused with seclevel 1, accepted with 0`, async (t) => {
    t.deepEqual((await tryDeliver(t, mode, { seclevel: 1 }, "mail.wrong-name.test")).result, sslFailure);
    t.deepEqual((await tryDeliver(t, mode, { seclevel: 0 }, "mail.wrong-name.test")).result, ok);
  });

  test(`${mode}: the IP address in the certificate verifies without SNI`, async (t) => {
    const { result, fixture } = await tryDeliver(t, mode, { seclevel: 1 }, "127.0.0.1");
    t.deepEqual(result, ok);
    t.is(fixture.messages[0].session.servername, undefined);
  });

  test(`${mode}: SNI carries the server name only when sni is 1`, async (t) => {
    const withSni = await tryDeliver(t, mode, { sni: true });
    const withoutSni = await tryDeliver(t, mode, { sni: false });
    t.deepEqual([withSni.result, withoutSni.result], [ok, ok]);
    t.is(withSni.fixture.messages[0].session.servername, "smtp.example.test");
    t.is(withoutSni.fixture.messages[0].session.servername, undefined);
  });

  test(`${mode}: sslversion 3 uses TLS 1.2 only, 4 lets the server choose TLS 1.3`, async (t) => {
    const v3 = await tryDeliver(t, mode, { sslversion: 3 });
    const v4 = await tryDeliver(t, mode, { sslversion: 4 });
    t.deepEqual([v3.result, v4.result], [ok, ok]);
    t.is(v3.fixture.messages[0].session.tlsVersion, "TLSv1.2");
    t.is(v4.fixture.messages[0].session.tlsVersion, "TLSv1.3");
  });

  test(`${mode}: sslversion 1 (TLS 1.0 only) and 0 (SSL 3.0) are refused by a current server (665)`, async (t) => {
    t.deepEqual((await tryDeliver(t, mode, { sslversion: 1 })).result, sslFailure);
    t.deepEqual((await tryDeliver(t, mode, { sslversion: 0 })).result, sslFailure);
  });
}

test("ssltype 0 ignores the SSL context: no CA and seclevel 1 still deliver in plain text", async (t) => {
  const { result, fixture } = await tryDeliver(t, "plain", { caPem: undefined, seclevel: 1 });
  t.deepEqual(result, ok);
  t.false(fixture.messages[0].session.secure);
});

test("STARTTLS against a server that does not offer it fails with the server's refusal", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const result = await deliver({ ...requestFor(fixture), ssltype: 2 }, options);
  // smtp-server answers a disabled command with 500: "command unrecognized" (670).
  t.deepEqual(result, { err: 670, protocolError: 500 });
  t.is(fixture.messages.length, 0);
});

test("implicit TLS against a plain-text server fails the handshake (665)", async (t) => {
  const fixture = await startSmtpFixture({ mode: "plain" });
  t.teardown(() => fixture.close());
  const result = await deliver({ ...requestFor(fixture), ssltype: 1 }, { ...options });
  t.deepEqual(result, sslFailure);
});

test("a server that never answers the TLS handshake runs into the QSMTPPUT timeout (658)", async (t) => {
  // A TCP listener that accepts and stays silent: the ClientHello gets no answer.
  const held: net.Socket[] = [];
  const silent = net.createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    for (const socket of held) socket.destroy();
    return new Promise<void>((resolve) => silent.close(() => resolve()));
  });
  const port = (silent.address() as net.AddressInfo).port;
  const fixture = await startSmtpFixture({ mode: "tls" });
  t.teardown(() => fixture.close());
  const request = { ...requestFor(fixture), server: { host: "127.0.0.1", port }, timeoutMs: 300 };

  t.deepEqual(await deliver(request, options), { err: 658, protocolError: 0 });
  t.is(held.length, 1);
});
