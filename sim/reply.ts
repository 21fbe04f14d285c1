// What a command handler answers, as data: information lines and a final result, or a data phase
// (CONNECT), or nothing (the "no answer" fault). The modem turns these into bytes with the current
// ATV/CMEE framing, so handlers never format result codes themselves.

export type FinalResult = { kind: "ok" } | { kind: "error" } | { kind: "cme"; code: number };

/** How data mode ended: the declared length arrived, `+++` was sent, or the input time ran out. */
export type DataEnd = "complete" | "escape" | "timeout";

export interface DataPhaseSpec {
  /** Bytes expected; data mode ends by itself when they have arrived. */
  length: number;
  /** ACK mode: send a bare `A` after every `ackBlock` bytes. */
  ackBlock?: number;
  /** Scaled ms; for `idle` the timer restarts on every byte (AT+QFUPL), else it runs from CONNECT. */
  timeoutMs: number;
  idle: boolean;
  /** Called once with the bytes received; its reply ends the command. */
  finish(bytes: Uint8Array, end: DataEnd): Reply;
}

export type Reply =
  | { kind: "result"; lines: string[]; result: FinalResult; after?: () => void }
  | { kind: "data"; phase: DataPhaseSpec }
  | { kind: "silent" };

export function ok(lines: string[] = [], after?: () => void): Reply {
  return after ? { kind: "result", lines, result: { kind: "ok" }, after } : { kind: "result", lines, result: { kind: "ok" } };
}

export function error(): Reply {
  return { kind: "result", lines: [], result: { kind: "error" } };
}

export function cme(code: number): Reply {
  return { kind: "result", lines: [], result: { kind: "cme", code } };
}

/** AT+CMEE=2 texts: the general codes of the AT manual, the FILE codes, and the SMTP manual's chapter 4. */
export const cmeText: Record<number, string> = {
  3: "operation not allowed",
  4: "operation not supported",
  10: "SIM not inserted",
  400: "invalid input value",
  401: "larger than file size",
  402: "read zero byte",
  403: "drive full",
  405: "file not found",
  406: "invalid file name",
  407: "file already existed",
  409: "failed to write",
  421: "time out",
  423: "file too large",
  425: "invalid parameter",
  651: "Unknown error",
  652: "The SMTP service is busy",
  653: "Failed to get IP address according to domain name",
  654: "Network error",
  655: "Unsupported authentication type",
  656: "The connection for the SMTP service is closed by peer",
  657: "GPRS/CSD context is deactivated",
  658: "Timeout",
  659: "No recipient for the SMTP service",
  660: "Failed to send email",
  661: "Failed to open file",
  662: "No enough memory for the attachment",
  663: "Failed to save the attachment",
  664: "The input parameter is wrong",
  665: "SSL authentication fail",
};
