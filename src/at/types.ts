// The AT channel's public vocabulary: what a command is (data, not code), what comes back, and the
// typed errors. The EC20 command layer (src/ec20) builds AtCommand values; the channel runs them.

/**
 * A view of one received line, valid only during the callback that receives it (the bytes live in
 * the framer's fixed buffer and are overwritten by the next line). Fields are split once, lazily,
 * into offsets; strings are built only when a caller asks for one.
 */
export interface LineView {
  /** Line length in bytes (without CR/LF). */
  readonly length: number;
  /** The whole line as a string (allocates: use for logs and rare lines only). */
  text(): string;
  /** True if the line starts with `prefix` (compared byte by byte, no allocation). */
  startsWith(prefix: Uint8Array): boolean;
  /**
   * Number of comma-separated fields after the `+NAME: ` prefix (or of the whole line when it has no
   * such prefix). Commas inside double quotes do not split.
   */
  fieldCount(): number;
  /** Field `i` as an integer (decimal); NaN when it is not one. */
  int(i: number): number;
  /** Field `i` as an integer in hexadecimal (e.g. the `+QFUPL` checksum); NaN when it is not one. */
  hex(i: number): number;
  /** Field `i` as a string, surrounding quotes removed. */
  str(i: number): string;
}

/** Streams bytes for a data phase. Synchronous pull: `read` fills `into` and returns the count; 0 = exhausted. */
export interface ByteSource {
  read(into: Uint8Array): number;
}

/** What to do after the modem answers `CONNECT` (or `>`). */
export interface DataPhase {
  /** Exactly this many bytes are sent, unless the source ends early (then `+++` ends the phase). */
  length: number;
  source: ByteSource;
  /** ACK mode (`AT+QFUPL` with ackmode 1): after each `ackBlock` bytes wait for a bare `A`. */
  ackBlock?: number;
  /** Called as bytes leave for the port, for progress reporting. */
  onProgress?(sent: number, total: number): void;
}

export interface AtCommand {
  /** The command line without the trailing CR, e.g. `AT+QSMTPDST=1,1,"a@b.c"`. Must be printable ASCII. */
  line: string;
  /** Deadline for the final result, from the moment the line is written (ms). */
  timeoutMs: number;
  /**
   * Information-response prefix, e.g. `+QFLST:`. Lines starting with it go to `onInfo`. The empty
   * string accepts every non-URC line (for `ATI`-style responses without a prefix).
   */
  expect?: string;
  onInfo?(line: LineView): void;
  /** Present when the command enters data mode. */
  data?: DataPhase;
  /** After `OK`, wait up to `timeoutMs` for a line starting with `prefix` (e.g. `+QSMTPPUT:`). */
  awaitUrc?: { prefix: string; timeoutMs: number; onUrc(line: LineView): void };
  /** Text to show in traces instead of `line` (credentials masked). */
  traceAs?: string;
}

export type AtErrorKind =
  | "error" // bare ERROR
  | "cme" // +CME ERROR: <code>
  | "cms" // +CMS ERROR: <code>
  | "no-carrier"
  | "timeout" // no final result before the deadline
  | "urc-timeout" // OK came, the awaited URC did not
  | "cancelled"
  | "busy" // the queue was full; the command was never sent
  | "reset" // the modem restarted (RDY) while the command was in flight or queued
  | "closed" // the port closed or failed
  | "source" // the data source failed or returned too little and +++ ended the phase
  | "invalid"; // the command line itself was unsafe (control bytes) and was never sent

export class AtError extends Error {
  readonly kind: AtErrorKind;
  /** The CME/CMS code, when kind is "cme" or "cms"; else 0. */
  readonly code: number;
  /** The command (trace form, credentials masked) that failed. */
  readonly command: string;
  constructor(kind: AtErrorKind, command: string, code = 0, detail = "") {
    super(`${command}: ${kind}${code ? " " + code : ""}${detail ? " (" + detail + ")" : ""}`);
    this.name = "AtError";
    this.kind = kind;
    this.code = code;
    this.command = command;
  }
}

/** Called exactly once per submitted command. `error` is undefined on success. */
export type AtDone = (error: AtError | undefined) => void;

/** Receives unsolicited lines whose prefix it subscribed to. */
export type UrcHandler = (line: LineView) => void;
