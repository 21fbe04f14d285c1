// Builders for the simulator's DeliveryRequest in tests: a request aimed at an SmtpFixture, and a
// resolver that knows the test host names (and nothing else) so no test ever touches real DNS.

import type { DeliveryRequest } from "../../sim/delivery-types";
import { testCerts, type SmtpFixture } from "../../sim/local-smtp-server";

/** Names that resolve to the fixture's loopback address; every other name fails like NXDOMAIN. */
export const testHosts: Readonly<Record<string, string>> = {
  "smtp.example.test": "127.0.0.1",
  // Resolves, but the server certificate does not name it.
  "mail.wrong-name.test": "127.0.0.1",
  localhost: "127.0.0.1",
};

export async function resolveTestHost(host: string): Promise<string> {
  const address = testHosts[host];
  if (address === undefined) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  }
  return address;
}

/** Hex of the UTF-8 bytes of a text, as AT+QSMTPSUB=1,"<hex>" carries a subject. */
export function utf8Hex(text: string): string {
  return Buffer.from(text, "utf8").toString("hex").toUpperCase();
}

/**
 * A small valid request to the fixture: ssltype from the fixture's mode, verification on with the
 * test CA, SNI on, sslversion 4, the fixture's account, one To recipient, 30 s timeout.
 */
export function requestFor(fixture: SmtpFixture, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  const ssltype = ({ plain: 0, tls: 1, starttls: 2 } as const)[fixture.mode];
  return {
    server: { host: "smtp.example.test", port: fixture.port },
    ssltype,
    tls: { caPem: testCerts.caPem, seclevel: 1, sni: true, sslversion: 4 },
    account: { user: fixture.user, password: fixture.password },
    sender: { name: "Greenhouse 3", email: "gh3@sensors.example.test" },
    recipients: [{ type: 1, address: "ops@example.test" }],
    subject: { charset: 0, text: "Daily report" },
    body: { charset: 0, bytes: Buffer.from("All readings nominal.\r\n") },
    attachments: [],
    timeoutMs: 30_000,
    ...overrides,
  };
}
