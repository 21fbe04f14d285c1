// AT+QSMTPPUT's asynchronous half: assembles the DeliveryRequest from the configured state (server,
// account, SSL context with the CA file from UFS, recipients, subject, body, RAM attachments) and
// checks what the modem would find wrong before it ever opens a socket.
import type { DeliveryRequest, DeliveryResult } from "./delivery-types";
import type { FileStore } from "./files";
import { parseFileName } from "./files";
import type { VolatileState } from "./state";

export type DeliverFn = (request: DeliveryRequest, options?: { signal?: AbortSignal }) => Promise<DeliveryResult>;

export interface RequestOptions {
  /** Send every email here instead of the configured server (the CLI's --smtp). */
  smtpRedirect?: { host: string; port: number };
  /** What a missing or dropped PDP context answers: 657 (deactivated) or 654 (network error). */
  pdpLossResult: number;
}

/** The request, or the error code the modem reports without trying. */
export function buildDeliveryRequest(state: VolatileState, files: FileStore, timeoutMs: number, options: RequestOptions): DeliveryRequest | DeliveryResult {
  const { smtp, content } = state;
  if (!state.activePdp.has(smtp.contextId)) return { err: options.pdpLossResult, protocolError: 0 };
  if (!options.smtpRedirect && !smtp.server) return { err: 653, protocolError: 0 };
  const attachments: DeliveryRequest["attachments"] = [];
  for (const [, name] of [...content.attachments].sort(([a], [b]) => a - b)) {
    const bytes = files.get(name);
    if (!bytes) return { err: 661, protocolError: 0 };
    attachments.push({ name: parseFileName(name).base, bytes });
  }
  const ssl = state.ssl[smtp.sslCtxId]!;
  const ca = ssl.cacert ? files.get(ssl.cacert) : undefined;
  return {
    server: options.smtpRedirect ?? { host: smtp.server, port: smtp.port },
    ssltype: smtp.sslType,
    tls: {
      ...(ca ? { caPem: Buffer.from(ca).toString("latin1") } : {}),
      seclevel: ssl.seclevel as 0 | 1 | 2,
      sni: ssl.sni === 1,
      sslversion: ssl.sslversion as 0 | 1 | 2 | 3 | 4,
    },
    account: { user: smtp.user, password: smtp.password },
    sender: { name: smtp.senderName, email: smtp.senderEmail },
    recipients: content.recipients.map((r) => ({ ...r })),
    subject: { ...content.subject },
    body: { charset: content.body?.charset ?? 0, bytes: content.body?.bytes ?? new Uint8Array(0) },
    attachments,
    timeoutMs,
  };
}

export function isResult(value: DeliveryRequest | DeliveryResult): value is DeliveryResult {
  return "err" in value;
}

/**
 * The real engine, sim/smtp-delivery.ts (written separately). Loaded on first use through a computed
 * specifier so this file type-checks and runs whether or not that module exists yet.
 */
export async function loadDefaultDeliver(): Promise<DeliverFn> {
  const specifier = "./smtp-delivery.ts";
  const module = (await import(new URL(specifier, import.meta.url).href)) as { deliver?: DeliverFn };
  if (typeof module.deliver !== "function") throw new Error("sim/smtp-delivery.ts exports no deliver()");
  return module.deliver;
}

export interface DeliveryRun {
  /** Ends the send now with this result (the PDP context dropped), ahead of the engine. */
  settle(result: DeliveryResult): void;
}

export interface RunOptions {
  request: DeliveryRequest | DeliveryResult;
  timeoutMs: number;
  /** The modelled minimum SMTP session: the engine's answer is not reported sooner. */
  sessionMs: number;
  now(): number;
  /** A timer that the modem cancels on reboot. */
  after(ms: number, action: () => void): void;
  deliver?: DeliverFn;
  /** Called exactly once with the result to report as +QSMTPPUT. */
  report(result: DeliveryResult): void;
}

/**
 * Runs one AT+QSMTPPUT. The modelled session time passes before the engine hands the message to the
 * server (as the modem's own TCP/TLS handshake and SMTP dialogue would take it), so a context dropped
 * or a reboot during that time means the message never reached the server: the engine is not started,
 * or is aborted. The QSMTPPUT timeout (658) or a dropped context end the send at once. An engine that
 * throws counts as 651.
 */
export function runDelivery(options: RunOptions): DeliveryRun {
  let reported = false;
  const abort = new AbortController();
  const report = (result: DeliveryResult) => {
    if (reported) return;
    reported = true;
    abort.abort();
    options.report(result);
  };
  const request = options.request;
  if (isResult(request)) {
    options.after(Math.min(options.sessionMs, options.timeoutMs), () => report(request));
    return { settle: report };
  }
  options.after(options.timeoutMs, () => report({ err: 658, protocolError: 0 }));
  options.after(options.sessionMs, () => {
    if (reported) return;
    const deliver = options.deliver ? Promise.resolve(options.deliver) : loadDefaultDeliver();
    deliver
      .then((fn) => fn(request, { signal: abort.signal }))
      .then(
        (result) => report(result),
        () => report({ err: 651, protocolError: 0 }),
      );
  });
  return { settle: report };
}
