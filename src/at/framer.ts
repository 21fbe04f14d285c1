// Turns the modem's byte stream, cut at any point, into lines and prompts, in one fixed buffer.
// Tolerates echo (a line ended by CR alone), empty lines and lone CR or LF; a line longer than the
// buffer is discarded up to its end and reported, never grown.

import { Line } from "./line";

/**
 * Line buffer capacity in bytes. The longest line we must read whole is the echo of
 * AT+QSMTPSUB=1,"<200 hex digits>" (216 bytes) or its read-back; file names (80 bytes) in +QFLST
 * stay far below. 256 covers them with margin; longer lines (e.g. test-form lists we never send)
 * are dropped and counted as overflows.
 */
export const LINE_CAPACITY = 256;

const CR = 0x0d;
const LF = 0x0a;
const ACK = 0x41; // 'A'
const PROMPT = 0x3e; // '>'

export interface FramerSink {
  /** A complete non-empty line; `line` is only valid during the call. */
  onLine(line: Line): void;
  /** The bare `A` of an ACK-mode upload (only while `ackMode` is set). */
  onAck(): void;
  /** `>` at the start of a line (only while `promptMode` is set), e.g. for AT+CMGS. */
  onPrompt(): void;
  /** A line exceeded LINE_CAPACITY; its bytes up to the next CR/LF were dropped. */
  onOverflow(): void;
}

export class Framer {
  /** Set by the channel while an ACK-mode upload waits for `A`: a bare A is then an event, not a line. */
  ackMode = false;
  /** Set by the channel while a command waits for a `>` prompt. */
  promptMode = false;
  readonly #buffer = new Uint8Array(LINE_CAPACITY);
  readonly #line = new Line(this.#buffer);
  #length = 0;
  #discarding = false;
  readonly #sink: FramerSink;

  constructor(sink: FramerSink) {
    this.#sink = sink;
  }

  /** Feeds `bytes[start .. end)`. Never throws for any input; the sink's own errors propagate. */
  push(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const buffer = this.#buffer;
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c === CR || c === LF) {
        if (this.#discarding) this.#discarding = false;
        else if (this.#length > 0) this.#emit();
        continue;
      }
      if (this.#discarding) continue;
      if (this.#length === 0) {
        if (c === ACK && this.ackMode) {
          this.#sink.onAck();
          continue;
        }
        if (c === PROMPT && this.promptMode) {
          this.#sink.onPrompt();
          continue;
        }
      }
      if (this.#length === LINE_CAPACITY) {
        this.#length = 0;
        this.#discarding = true;
        this.#sink.onOverflow();
        continue;
      }
      buffer[this.#length++] = c;
    }
  }

  /** Drops a partial line (e.g. after the modem rebooted mid-line). */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
  }

  #emit(): void {
    const length = this.#length;
    this.#length = 0;
    this.#line.reset(length);
    this.#sink.onLine(this.#line);
  }
}
