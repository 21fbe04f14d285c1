// The simulated EC20's AT+QSMTPPUT: delivers one email to a real SMTP server the way the modem's
// firmware would (plain, implicit TLS or STARTTLS; AUTH PLAIN/LOGIN; MAIL, RCPT for To/Cc/Bcc, DATA)
// and reports the result as +QSMTPPUT's <err>,<protocol_error>.
//
// A small client of our own over node:net/node:tls rather than nodemailer's SMTPConnection: the
// manual's result is a function of the exact reply code of the exact step that failed, and of
// whether it was DNS, TCP, TLS, the peer closing or the clock. SMTPConnection folds these into
// error objects whose codes (EAUTH, EENVELOPE, ECONNECTION...) and retry/fallback behaviour would have
// to be mapped back, and it adds behaviour the modem does not have (pooling, HELO fallback, LMTP).

import { lookup } from "node:dns/promises";
import net from "node:net";
import type { DeliveryRequest, DeliveryResult } from "./delivery-types";
import { buildMessage } from "./smtp-mime";
import { DeliveryFailure, failureForReply, type SmtpReply } from "./smtp-replies";
import { SmtpWire, tlsOptionsFor, type WireTrace } from "./smtp-wire";

export { DeliveryFailure } from "./smtp-replies";

/** Chapter 4 codes used here besides the reply-code ones. */
const ERR_UNKNOWN = 651;
const ERR_DNS = 653;
const ERR_AUTH_TYPE = 655;
const ERR_TIMEOUT = 658;
const ERR_NO_RECIPIENT = 659;
const ERR_BAD_PARAMETER = 664;

/** Longest wait for the answer to QUIT once the email is accepted. */
const QUIT_GRACE_MS = 1000;

export interface DeliveryOptions {
  /** Host name -> IPv4/IPv6 address; rejects when the name does not resolve (653). Default: the OS. */
  resolve?: (host: string) => Promise<string>;
  /** The name sent with EHLO. */
  clientName?: string;
  /** Clock for the Date and Message-ID headers. */
  now?: () => Date;
  /** The SMTP exchange line by line, AUTH credentials masked, message data summarised. */
  trace?: WireTrace;
  /** Aborting (the simulated modem reset or powered down) drops the connection; the result is 651. */
  signal?: AbortSignal;
}

/** The OS resolver, IPv4 first as on the modem's usual IPv4 PDP context, then any family. */
async function defaultResolve(host: string): Promise<string> {
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return (await lookup(host)).address;
  }
}

/** Sends one email; never rejects: every outcome is a DeliveryResult. */
export async function deliver(request: DeliveryRequest, options: DeliveryOptions = {}): Promise<DeliveryResult> {
  const started = Date.now();
  const session = new DeliverySession(request, options);
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const deadline = new Promise<DeliveryFailure>((resolve) => {
    timer = setTimeout(
      () => resolve(new DeliveryFailure(ERR_TIMEOUT, 0, `no result within ${request.timeoutMs} ms`)),
      request.timeoutMs,
    );
  });
  const aborted = new Promise<DeliveryFailure>((resolve) => {
    onAbort = () => resolve(new DeliveryFailure(ERR_UNKNOWN, 0, "aborted"));
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
  });
  const run = session.run().then(
    () => undefined,
    (error: unknown) =>
      error instanceof DeliveryFailure ? error : new DeliveryFailure(ERR_UNKNOWN, 0, String(error)),
  );
  let failure = await Promise.race([run, deadline, aborted]);
  if (!failure) {
    const remaining = request.timeoutMs - (Date.now() - started);
    const quit = session.quit(Math.max(0, Math.min(QUIT_GRACE_MS, remaining))).then(() => undefined);
    failure = await Promise.race([quit, aborted]);
  }
  clearTimeout(timer);
  if (onAbort) options.signal?.removeEventListener("abort", onAbort);
  session.close();
  if (failure) {
    options.trace?.("client", `(delivery failed: ${failure.err},${failure.protocolError}: ${failure.message})`);
    return failure.toResult();
  }
  return { err: 0, protocolError: 0 };
}

class DeliverySession {
  #wire: SmtpWire | undefined;
  /** Aborted by close(): a connect still under way gives up instead of outliving the attempt. */
  #closing = new AbortController();

  constructor(
    private readonly request: DeliveryRequest,
    private readonly options: DeliveryOptions,
  ) {}

  async run(): Promise<void> {
    const { request } = this;
    if (request.recipients.length === 0) throw new DeliveryFailure(ERR_NO_RECIPIENT, 0, "no recipient");
    // A line break in an address would smuggle SMTP commands; any other oddity is the server's call.
    for (const address of [request.sender.email, ...request.recipients.map((r) => r.address)]) {
      if (/[\r\n\0]/.test(address)) throw new DeliveryFailure(ERR_BAD_PARAMETER, 0, "line break in an address");
    }
    // Built first: a bad subject is a parameter error (664) before any traffic.
    const message = dotStuff(buildMessage(request, { date: (this.options.now ?? (() => new Date()))() }));

    const address = await this.#resolve(request.server.host);
    const wire = await SmtpWire.connect(address, request.server.port, this.#closing.signal, this.options.trace);
    this.#wire = wire;
    if (this.#closing.signal.aborted) wire.destroy();
    const tlsOptions = () => tlsOptionsFor(request.tls, request.server.host);
    if (request.ssltype === 1) await wire.startTls(tlsOptions());

    await this.#expect([220], "greeting");
    let capabilities = await this.#ehlo();
    if (request.ssltype === 2) {
      wire.sendLine("STARTTLS");
      await this.#expect([220], "STARTTLS");
      await wire.startTls(tlsOptions());
      capabilities = await this.#ehlo();
    }
    if (request.account.user !== "") await this.#authenticate(capabilities);

    wire.sendLine(`MAIL FROM:<${request.sender.email}>`);
    await this.#expect([250], "MAIL FROM");
    for (const recipient of request.recipients) {
      wire.sendLine(`RCPT TO:<${recipient.address}>`);
      await this.#expect([250, 251], `RCPT TO ${recipient.address}`);
    }
    wire.sendLine("DATA");
    await this.#expect([354], "DATA");
    wire.sendData(Buffer.concat([message, Buffer.from(".\r\n")]));
    await this.#expect([250], "end of DATA");
  }

  /** After acceptance QUIT is a courtesy: its answer changes nothing, so it gets a short grace. */
  async quit(graceMs: number): Promise<void> {
    const wire = this.#wire;
    if (!wire) return;
    let timer: NodeJS.Timeout | undefined;
    try {
      wire.sendLine("QUIT");
      await Promise.race([
        wire.readReply(),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
    } catch {
      // Closed or reset after the email was accepted: still a success.
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    this.#closing.abort();
    this.#wire?.destroy();
  }

  async #resolve(host: string): Promise<string> {
    if (net.isIP(host) !== 0) return host;
    try {
      return await (this.options.resolve ?? defaultResolve)(host);
    } catch (error) {
      throw new DeliveryFailure(ERR_DNS, 0, `cannot resolve ${host}: ${String(error)}`);
    }
  }

  async #expect(codes: number[], during: string): Promise<SmtpReply> {
    const reply = await (this.#wire as SmtpWire).readReply();
    if (!codes.includes(reply.code)) throw failureForReply(reply, during);
    return reply;
  }

  /** EHLO; returns the upper-cased extension lines ("AUTH PLAIN LOGIN", "STARTTLS", ...). */
  async #ehlo(): Promise<string[]> {
    this.#wire?.sendLine(`EHLO ${this.options.clientName ?? "EC20"}`);
    const reply = await this.#expect([250], "EHLO");
    return reply.lines.slice(1).map((line) => line.toUpperCase());
  }

  async #authenticate(capabilities: string[]): Promise<void> {
    const wire = this.#wire as SmtpWire;
    const { user, password } = this.request.account;
    const authLine = capabilities.find((line) => /^AUTH[ =]/.test(line)) ?? "";
    const mechanisms = authLine.slice(5).split(/\s+/);
    const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
    if (mechanisms.includes("PLAIN")) {
      wire.sendLine(`AUTH PLAIN ${b64(`\0${user}\0${password}`)}`, "AUTH PLAIN ****");
      await this.#expect([235], "AUTH PLAIN");
    } else if (mechanisms.includes("LOGIN")) {
      wire.sendLine("AUTH LOGIN");
      await this.#expect([334], "AUTH LOGIN");
      wire.sendLine(b64(user), "****");
      await this.#expect([334], "AUTH LOGIN user");
      wire.sendLine(b64(password), "****");
      await this.#expect([235], "AUTH LOGIN password");
    } else {
      throw new DeliveryFailure(ERR_AUTH_TYPE, 0, `no supported AUTH mechanism in "${authLine}"`);
    }
  }
}

/** RFC 5321 section 4.5.2: a line starting with "." gets one more. The message ends with CRLF. */
export function dotStuff(message: Buffer): Buffer {
  const pieces: Buffer[] = [];
  let start = 0;
  let lineStart = 0;
  while (lineStart < message.length) {
    if (message[lineStart] === 0x2e) {
      pieces.push(message.subarray(start, lineStart), Buffer.from("."));
      start = lineStart;
    }
    const end = message.indexOf("\r\n", lineStart);
    if (end < 0) break;
    lineStart = end + 2;
  }
  pieces.push(message.subarray(start));
  return Buffer.concat(pieces);
}
