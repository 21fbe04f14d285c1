// The reference report every performance figure uses: two To recipients and one Cc, an ASCII subject,
// a 10240-byte body and attachments of 16 KB and 64 KB, all three from chunked sources that compute
// their bytes as they are read (nothing is held in memory), and the mailer settings for it.
// Engine-neutral: the XS memory test and the XS CPU bench build the same email inside XS.

import type { ByteSource } from "../src/at/types";
import { BytesSource } from "../src/ec20/commands/checksum";
import type { Email } from "../src/mail/email";
import type { MailerSettings } from "../src/mailer/types";

export const REFERENCE = Object.freeze({ bodyBytes: 10240, attachmentBytes: [16 * 1024, 64 * 1024] as readonly number[] });

/** Period of the patterns: prime, so the upload checksum (XOR of byte pairs) is not trivially 0. */
const PERIOD = 1021;
let binaryTable: Uint8Array | undefined;
let textTable: Uint8Array | undefined;

/** One table per kind, built once: text is 64-letter lines ending in CRLF, binary takes every value. */
function table(text: boolean): Uint8Array {
  const existing = text ? textTable : binaryTable;
  if (existing) return existing;
  const t = new Uint8Array(PERIOD);
  let x = 12345;
  for (let i = 0; i < PERIOD; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    t[i] = text ? (i % 66 === 64 ? 0x0d : i % 66 === 65 ? 0x0a : 0x61 + (x >>> 27)) : x >>> 24;
  }
  if (text) textTable = t;
  else binaryTable = t;
  return t;
}

/**
 * `length` deterministic bytes handed out in the pieces the reader asks for, copied natively from a
 * shared 1021-byte table (offset by `seed`), so reading costs XS almost nothing: the figures measured
 * around a send are the mailer's, not the test data's. Nothing of the email is held in memory.
 */
export class PatternSource implements ByteSource {
  readonly #length: number;
  readonly #table: Uint8Array;
  #offset = 0;
  #phase: number;
  constructor(length: number, seed: number, text: boolean) {
    this.#length = length;
    this.#table = table(text);
    this.#phase = text ? 0 : seed % PERIOD;
  }
  read(into: Uint8Array): number {
    const n = into.length < this.#length - this.#offset ? into.length : this.#length - this.#offset;
    let done = 0;
    while (done < n) {
      const take = n - done < PERIOD - this.#phase ? n - done : PERIOD - this.#phase;
      into.set(this.#table.subarray(this.#phase, this.#phase + take), done);
      done += take;
      this.#phase = (this.#phase + take) % PERIOD;
    }
    this.#offset += n;
    return n;
  }
}

/** The reference report; every call gives fresh sources (a source is read once). */
export function referenceEmail(sequence = 0): Email {
  const [small, large] = REFERENCE.attachmentBytes;
  return {
    to: ["ops@example.test", "oncall@example.test"],
    cc: ["archive@example.test"],
    // A fixed-width number: every email has the same length, so XS measures the same compute for each.
    subject: `Daily report node-7 #${String(sequence % 1000).padStart(3, "0")}`,
    body: { length: REFERENCE.bodyBytes, source: new PatternSource(REFERENCE.bodyBytes, 3, true), charset: 0 },
    attachments: [
      { name: "readings.csv", length: small, source: new PatternSource(small, 5, false) },
      { name: "history.bin", length: large, source: new PatternSource(large, 7, false) },
    ],
  };
}

/** Bytes of the email's payload (body and attachments), the part whose wire time dominates. */
export function referencePayloadBytes(): number {
  return REFERENCE.bodyBytes + REFERENCE.attachmentBytes.reduce((a, b) => a + b, 0);
}

/** A CA certificate of a realistic size (about 1.3 KB of PEM): uploaded once, on the first wake. */
function caPem(): Uint8Array {
  const lines = ["-----BEGIN CERTIFICATE-----"];
  for (let i = 0; i < 20; i++) lines.push("MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ".slice(0, 64));
  lines.push("-----END CERTIFICATE-----", "");
  const text = lines.join("\n");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Implicit TLS with a verified server, as a deployed node sends. Polls every `pollMs` while registering. */
export function referenceSettings(pollMs?: number): MailerSettings {
  const ca = caPem();
  const settings: MailerSettings = {
    pdp: { contextId: 1, apn: "internet" },
    server: { host: "smtp.example.test", port: 465, ssltype: 1 },
    account: { user: "node7@example.test", password: "secret-pass" },
    sender: { name: "Sensor 7", email: "node7@example.test" },
    tls: { verify: true, caCert: { length: ca.length, open: () => new BytesSource(ca) } },
    putTimeoutS: 300,
  };
  if (pollMs !== undefined) settings.registrationPollMs = pollMs;
  return settings;
}
