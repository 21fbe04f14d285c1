// A record of every byte each way, one entry per line (or per 512 bytes of data), with the
// passwords of AT+QSMTPCFG="account" and AT+QICSGP masked in commands, echoes and read-backs alike.

export interface TraceEntry {
  /** Scheduler ms. */
  at: number;
  /** "tx": host to modem; "rx": modem to host. */
  direction: "tx" | "rx";
  /** The bytes, printable ASCII as is, CR/LF as \r \n, others as \xNN; credentials masked. */
  text: string;
}

/** Data mode carries no line ends; flush long runs so the trace stays bounded per entry. */
const MAX_PENDING = 512;
/** Entries kept for inspection (the onEntry callback sees all of them). */
const MAX_ENTRIES = 50_000;
const LINE = /^[\r\n]*[^\r\n]+[\r\n]+/;

/** Replaces the third quoted string (the password) of account and PDP lines. */
export function maskCredentials(line: string): string {
  if (!/QICSGP|QSMTPCFG[=:]\s*"account"/i.test(line)) return line;
  let quoted = 0;
  return line.replace(/"[^"]*"/g, (s) => (++quoted === 3 ? '"***"' : s));
}

function escape(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => {
    if (c === "\r") return "\\r";
    if (c === "\n") return "\\n";
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
  });
}

export class Trace {
  readonly entries: TraceEntry[] = [];
  readonly #pending = { tx: "", rx: "" };
  readonly #onEntry: ((entry: TraceEntry) => void) | undefined;
  readonly #now: () => number;

  constructor(now: () => number, onEntry?: (entry: TraceEntry) => void) {
    this.#now = now;
    this.#onEntry = onEntry;
  }

  record(direction: "tx" | "rx", bytes: Uint8Array): void {
    let pending = this.#pending[direction] + Buffer.from(bytes).toString("latin1");
    // A line is its leading CR/LF (V1 framing puts them before the text), the text, and its ends.
    for (let line = LINE.exec(pending); line; line = LINE.exec(pending)) {
      this.#emit(direction, line[0]);
      pending = pending.slice(line[0].length);
    }
    while (pending.length >= MAX_PENDING) {
      this.#emit(direction, pending.slice(0, MAX_PENDING));
      pending = pending.slice(MAX_PENDING);
    }
    this.#pending[direction] = pending;
  }

  /** Writes out partial lines (prompts, `A` acks, data without line ends). */
  flush(): void {
    for (const direction of ["tx", "rx"] as const) {
      if (this.#pending[direction]) this.#emit(direction, this.#pending[direction]);
      this.#pending[direction] = "";
    }
  }

  #emit(direction: "tx" | "rx", raw: string): void {
    const entry = { at: this.#now(), direction, text: escape(maskCredentials(raw)) };
    this.entries.push(entry);
    // A long CLI session must not grow without bound: keep the most recent entries.
    if (this.entries.length > 2 * MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
    this.#onEntry?.(entry);
  }

  format(): string {
    this.flush();
    return this.entries.map((e) => `${e.at.toFixed(1).padStart(10)} ${e.direction === "tx" ? ">>" : "<<"} ${e.text}`).join("\n");
  }
}
