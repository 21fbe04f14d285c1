// One SMTP connection's wire for the simulated EC20: TCP connect, TLS (implicit or after STARTTLS)
// with the SSL context's rules, reading whole replies and writing commands. Every failure becomes a
// DeliveryFailure with the manual's code: 654 TCP, 665 TLS, 656 closed by peer.

import net from "node:net";
import tls from "node:tls";
import type { DeliveryRequest } from "./delivery-types";
import { DeliveryFailure, ReplyParser, type SmtpReply } from "./smtp-replies";

export const ERR_NETWORK = 654;
export const ERR_CLOSED_BY_PEER = 656;
export const ERR_SSL = 665;

/** Errors of a socket that the peer closed or reset, as opposed to our side failing to send. */
const peerClosedCodes = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

/** Node's name for each sslversion; SSL 3.0 (0) is gone from Node's OpenSSL, so it has none. */
const tlsVersionOf: Record<1 | 2 | 3, tls.SecureVersion> = { 1: "TLSv1", 2: "TLSv1.1", 3: "TLSv1.2" };

export function tlsOptionsFor(
  sslContext: DeliveryRequest["tls"],
  serverName: string,
): tls.ConnectionOptions {
  const { seclevel, caPem, sni, sslversion } = sslContext;
  if (sslversion === 0) {
    throw new DeliveryFailure(ERR_SSL, 0, "SSL 3.0 is not available (and no current server accepts it)");
  }
  if (seclevel >= 1 && !caPem) {
    throw new DeliveryFailure(ERR_SSL, 0, `seclevel ${seclevel} needs a CA certificate (cacert)`);
  }
  const options: tls.ConnectionOptions = {
    // The modem trusts only the uploaded CA, never a system store.
    ca: seclevel >= 1 ? [caPem as string] : undefined,
    rejectUnauthorized: seclevel >= 1,
    // Checked against the configured name whether or not SNI carries it; Quectel's siblings reject
    // a wrong host name like any other validation failure.
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(serverName, certificate),
    minVersion: sslversion === 4 ? "TLSv1" : tlsVersionOf[sslversion],
    maxVersion: sslversion === 4 ? "TLSv1.3" : tlsVersionOf[sslversion],
  };
  // SNI may not carry an IP literal (RFC 6066 section 3).
  if (sni && net.isIP(serverName) === 0) options.servername = serverName;
  // OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; the modem speaks them.
  if (sslversion !== 3) options.ciphers = "DEFAULT:@SECLEVEL=0";
  return options;
}

export interface WireTrace {
  (direction: "client" | "server", line: string): void;
}

export class SmtpWire {
  #socket: net.Socket;
  #parser = new ReplyParser();
  #replies: SmtpReply[] = [];
  #failure: DeliveryFailure | undefined;
  #wake: (() => void) | undefined;
  #trace: WireTrace | undefined;
  readonly #onData = (chunk: Buffer) => {
    this.#replies.push(...this.#parser.push(chunk));
    this.#notify();
  };
  readonly #onEnd = () => this.#fail(new DeliveryFailure(ERR_CLOSED_BY_PEER, 0, "connection closed by the server"));
  readonly #onError = (error: NodeJS.ErrnoException) => {
    const err = peerClosedCodes.has(error.code ?? "") ? ERR_CLOSED_BY_PEER : ERR_NETWORK;
    this.#fail(new DeliveryFailure(err, 0, `socket error: ${error.message}`));
  };

  private constructor(socket: net.Socket, trace: WireTrace | undefined) {
    this.#socket = socket;
    this.#trace = trace;
    this.#listen();
  }

  /**
   * TCP connection to an address (DNS is done by the caller); refused or unreachable -> 654.
   * `cancel` (the deadline passed) stops a connect that is still waiting.
   */
  static connect(address: string, port: number, cancel: AbortSignal, trace?: WireTrace): Promise<SmtpWire> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: address, port });
      const fail = (failure: DeliveryFailure) => {
        cancel.removeEventListener("abort", onCancel);
        socket.on("error", () => {});
        socket.destroy();
        reject(failure);
      };
      const onError = (error: Error) =>
        fail(new DeliveryFailure(ERR_NETWORK, 0, `TCP connect to ${address}:${port} failed: ${error.message}`));
      const onCancel = () => fail(new DeliveryFailure(ERR_NETWORK, 0, "TCP connect cancelled"));
      if (cancel.aborted) return onCancel();
      cancel.addEventListener("abort", onCancel, { once: true });
      socket.once("error", onError);
      socket.once("connect", () => {
        cancel.removeEventListener("abort", onCancel);
        socket.off("error", onError);
        resolve(new SmtpWire(socket, trace));
      });
    });
  }

  /** Wraps the connection in TLS (at once for ssltype 1, after "220" to STARTTLS for 2). */
  async startTls(options: tls.ConnectionOptions): Promise<void> {
    this.#unlisten();
    const raw = this.#socket;
    const secure = await new Promise<tls.TLSSocket>((resolve, reject) => {
      const socket = tls.connect({ ...options, socket: raw });
      // From now on destroy() must take down the TLS socket: destroying the TCP socket under a TLS
      // wrap in mid-handshake crashes Node.
      this.#socket = socket;
      const onError = (error: Error) => {
        socket.destroy();
        reject(new DeliveryFailure(ERR_SSL, 0, `TLS handshake failed: ${error.message}`));
      };
      socket.once("error", onError);
      socket.once("secureConnect", () => {
        socket.off("error", onError);
        resolve(socket);
      });
    });
    // Anything the server sent in clear text before the handshake is stale now (RFC 3207 section 4.2).
    this.#parser = new ReplyParser();
    this.#replies = [];
    this.#listen();
    this.#trace?.("client", `(TLS ${secure.getProtocol() ?? "?"} established)`);
  }

  /** The next whole reply; rejects when the connection is gone. */
  async readReply(): Promise<SmtpReply> {
    for (;;) {
      const reply = this.#replies.shift();
      if (reply) {
        for (const line of reply.lines) this.#trace?.("server", `${reply.code} ${line}`);
        return reply;
      }
      // Replies that arrived before the close are still read first, as the firmware would.
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Sends one command line; `traceAs` replaces it in the trace (credentials). */
  sendLine(line: string, traceAs?: string): void {
    this.#trace?.("client", traceAs ?? line);
    this.#write(Buffer.from(`${line}\r\n`, "latin1"));
  }

  sendData(bytes: Buffer): void {
    this.#trace?.("client", `(${bytes.length} bytes of message data)`);
    this.#write(bytes);
  }

  destroy(): void {
    this.#fail(new DeliveryFailure(ERR_NETWORK, 0, "connection dropped by the modem"));
    this.#unlisten();
    this.#socket.on("error", () => {}); // late errors of a socket we dropped are not news
    this.#socket.destroy();
  }

  #write(bytes: Buffer): void {
    if (this.#failure) throw this.#failure;
    this.#socket.write(bytes);
  }

  #fail(failure: DeliveryFailure): void {
    this.#failure ??= failure;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #listen(): void {
    this.#socket.on("data", this.#onData);
    this.#socket.on("end", this.#onEnd);
    this.#socket.on("close", this.#onEnd);
    this.#socket.on("error", this.#onError);
  }

  #unlisten(): void {
    this.#socket.off("data", this.#onData);
    this.#socket.off("end", this.#onEnd);
    this.#socket.off("close", this.#onEnd);
    this.#socket.off("error", this.#onError);
  }
}
