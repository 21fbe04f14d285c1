// A real SMTP server (smtp-server) on 127.0.0.1 for tests and the `sim` command: plain, implicit TLS
// or STARTTLS, AUTH PLAIN/LOGIN against one account, every accepted message kept with its envelope,
// raw bytes and mailparser's reading (and optionally written to a mailbox folder as .eml). Faults on
// demand: refused AUTH, a chosen reply code to the greeting/MAIL/RCPT/DATA, slow replies, a
// connection closed mid-session.

import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import type net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerError, type SMTPServerSession } from "smtp-server";

// Node 20's TLSSocket.getProtocol() dereferences a freed SSL object once the socket has closed,
// and smtp-server calls it to describe a handshake that ended because the client went away (say,
// a modem that gives up before its ClientHello): the test process dies with SIGSEGV inside
// SSL_get_version. A closed socket has no protocol, so answer null, as Node does without a handle.
const unguardedGetProtocol = tls.TLSSocket.prototype.getProtocol;
tls.TLSSocket.prototype.getProtocol = function getProtocol(this: tls.TLSSocket) {
  return this.destroyed ? null : unguardedGetProtocol.call(this);
};

const certDir = new URL("./test-certs/", import.meta.url);
const readCert = (name: string) => readFileSync(new URL(name, certDir), "utf8");

/** TEST-ONLY certificates (sim/test-certs/make-certs.sh). */
export const testCerts = {
  /** The CA that signed the server certificate. */
  caPem: readCert("ca.pem"),
  /** A CA that did not: verification against it must fail. */
  otherCaPem: readCert("other-ca.pem"),
  /** For localhost, smtp.example.test and 127.0.0.1. */
  serverCertPem: readCert("server.pem"),
  serverKeyPem: readCert("server.key"),
};

export type SmtpFixtureMode = "plain" | "tls" | "starttls";

/** Where a fault strikes: the greeting, or the reply to a command. */
export type SmtpStage = "greeting" | "auth" | "mail" | "rcpt" | "data";

export interface SmtpFaults {
  /** Every AUTH fails with 535, whatever the password. */
  rejectAuth?: boolean;
  /** Reply with this code (4xx/5xx) at a stage instead of accepting; a 421 also closes. */
  replyCode?: Partial<Record<SmtpStage, number>>;
  /** Only for "rcpt": the code applies to this recipient alone. */
  rejectRecipient?: string;
  /** Wait this long before answering at every stage (greeting, AUTH, MAIL, RCPT, DATA). */
  delayMs?: number;
  /** Drop the TCP connection, without a reply, at this stage. */
  closeAt?: SmtpStage;
}

export interface SmtpFixtureOptions {
  mode: SmtpFixtureMode;
  /** The account; AUTH is required (after TLS in "starttls" mode). Default "sensor" / "s3cret". */
  user?: string;
  password?: string;
  /** Mechanisms offered; default PLAIN and LOGIN. */
  authMethods?: ("PLAIN" | "LOGIN" | "CRAM-MD5")[];
  /** Accept mail without AUTH (AUTH still offered). */
  authOptional?: boolean;
  faults?: SmtpFaults;
  /** Folder to write each accepted message to as <n>-<time>.eml (created if missing). */
  mailbox?: string;
  /** Certificate and key the server presents; default the test server certificate. */
  certPem?: string;
  keyPem?: string;
}

export interface ReceivedMessage {
  envelope: { mailFrom: string; rcptTo: string[] };
  raw: Buffer;
  parsed: ParsedMail;
  /** The session it came in: TLS state, SNI name, the user that authenticated. */
  session: {
    secure: boolean;
    tlsVersion: string | undefined;
    servername: string | undefined;
    user: string | undefined;
    authMethod: string | undefined;
  };
  /** Path of the .eml file when a mailbox is configured. */
  file?: string;
}

export interface SmtpFixture {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly mode: SmtpFixtureMode;
  readonly user: string;
  readonly password: string;
  /** Accepted messages, in order. Filled before the server answers the end of DATA. */
  readonly messages: ReceivedMessage[];
  /** Connections accepted so far (also those refused or dropped). */
  readonly connectionCount: number;
  /** Resolves with the n-th accepted message (1-based) once it is in. */
  waitForMessage(n: number): Promise<ReceivedMessage>;
  close(): Promise<void>;
}

function smtpError(code: number, text: string): SMTPServerError {
  const error: SMTPServerError = new Error(text);
  error.responseCode = code;
  return error;
}

const defaultText: Record<number, string> = {
  421: "Service not available, closing transmission channel",
  450: "Mailbox unavailable", 451: "Local error in processing", 452: "Insufficient system storage",
  530: "Access denied", 535: "Authentication failed", 550: "Mailbox unavailable",
  551: "User not local", 552: "Exceeded storage allocation", 553: "Mailbox name not allowed",
  554: "Transaction failed",
};

export async function startSmtpFixture(options: SmtpFixtureOptions): Promise<SmtpFixture> {
  const user = options.user ?? "sensor";
  const password = options.password ?? "s3cret";
  const faults = options.faults ?? {};
  const messages: ReceivedMessage[] = [];
  const waiters: { n: number; resolve: (message: ReceivedMessage) => void }[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const authMethodBySession = new Map<string, string>();
  let connectionCount = 0;
  let closing = false;

  /** Applies the stage's faults, then `accept()` unless a fault answered instead. */
  const atStage = (stage: SmtpStage, session: SMTPServerSession, done: (error?: Error | null) => void, accept: () => void, applies = true) => {
    const act = () => {
      if (faults.closeAt === stage) {
        dropConnection(session.id);
        return;
      }
      const code = applies ? faults.replyCode?.[stage] : undefined;
      if (code !== undefined) return done(smtpError(code, defaultText[code] ?? `Fault ${code}`));
      accept();
    };
    if (!faults.delayMs) return act();
    const timer = setTimeout(() => {
      timers.delete(timer);
      act();
    }, faults.delayMs);
    timers.add(timer);
  };

  const server = new SMTPServer({
    name: "smtp.example.test",
    logger: false,
    disableReverseLookup: true,
    secure: options.mode === "tls",
    disabledCommands: options.mode === "plain" ? ["STARTTLS"] : [],
    // Plain mode has nothing to protect the password with; the modem sends it anyway (ssltype 0).
    allowInsecureAuth: options.mode === "plain",
    authOptional: options.authOptional ?? false,
    authMethods: options.authMethods ?? ["PLAIN", "LOGIN"],
    key: options.keyPem ?? testCerts.serverKeyPem,
    cert: options.certPem ?? testCerts.serverCertPem,
    closeTimeout: 100,
    onConnect(session, callback) {
      atStage("greeting", session, callback, () => callback());
    },
    onAuth(auth, session, callback) {
      atStage("auth", session, (error) => callback(error), () => {
        if (faults.rejectAuth || auth.username !== user || auth.password !== password) {
          return callback(smtpError(535, "Authentication credentials invalid"));
        }
        authMethodBySession.set(session.id, auth.method);
        callback(null, { user: auth.username });
      });
    },
    onMailFrom(_address, session, callback) {
      atStage("mail", session, callback, () => callback());
    },
    onRcptTo(address, session, callback) {
      const applies = faults.rejectRecipient === undefined || faults.rejectRecipient === address.address;
      atStage("rcpt", session, callback, () => callback(), applies);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        atStage("data", session, callback, () => {
          const raw = Buffer.concat(chunks);
          keep(raw, session).then(() => callback(), (error: Error) => callback(error));
        });
      });
    },
  });

  async function keep(raw: Buffer, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(raw);
    const tlsOptions = session.tlsOptions;
    const message: ReceivedMessage = {
      envelope: {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
        rcptTo: session.envelope.rcptTo.map((r) => r.address),
      },
      raw,
      parsed,
      session: {
        secure: session.secure,
        tlsVersion: tlsOptions ? tlsOptions.version : undefined,
        servername: session.servername || undefined,
        user: typeof session.user === "string" ? session.user : undefined,
        authMethod: authMethodBySession.get(session.id),
      },
    };
    if (options.mailbox) {
      await mkdir(options.mailbox, { recursive: true });
      message.file = path.join(options.mailbox, `${messages.length + 1}-${Date.now()}.eml`);
      await writeFile(message.file, raw);
    }
    messages.push(message);
    for (const waiter of waiters.filter((w) => w.n <= messages.length)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(messages[waiter.n - 1]);
    }
  }

  // Always the topmost socket of a connection (the TLS one once wrapped): destroying the TCP socket
  // under a TLS wrap crashes Node (smtp-server's close() notes the same).
  function dropConnection(sessionId: string): void {
    for (const connection of server.connections) {
      if (connection.id === sessionId) connection._socket.destroy();
    }
  }

  server.server.on("connection", () => connectionCount++);
  // Client-side resets and TLS failures are expected in fault tests; they are not test failures.
  server.on("error", () => {});

  await new Promise<void>((resolve, reject) => {
    server.server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as net.AddressInfo).port;

  return {
    host: "127.0.0.1",
    port,
    mode: options.mode,
    user,
    password,
    messages,
    get connectionCount() {
      return connectionCount;
    },
    waitForMessage(n) {
      if (messages.length >= n) return Promise.resolve(messages[n - 1]);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    async close() {
      if (closing) return;
      closing = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // server.close() ends sockets still in a handshake; sessions would get a 100 ms grace.
      for (const connection of server.connections) connection._socket.destroy();
      await closed;
    },
  };
}
