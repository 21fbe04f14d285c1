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

  /**
   * Feeds `bytes[start .. end)`. Never throws for any input; the sink's own errors propagate.
   * One tight scan per line finds the terminator and `set` copies the line's bytes natively. (XS meters
   * `indexOf` per element too, and it would scan past `end` into stale bytes of the caller's buffer;
   * the scan below stops at `end`: measured on XS, see docs/performance.md.)
   */
  push(bytes: Uint8Array, start = 0, end = bytes.length): void {
    // Locals, not fields, in the loop: XS pays for every private-field access.
    const sink = this.#sink;
    let length = this.#length;
    let discarding = this.#discarding;
    let i = start;
    while (i < end) {
      if (length === 0 && !discarding) {
        // Empty lines, lone CR or LF, the CR LF before every response: skipped in one tight loop.
        let c = bytes[i];
        while (c === 13 || c === 10) {
          if (++i === end) break;
          c = bytes[i];
        }
        if (i === end) break;
        if (c === ACK && this.ackMode) {
          i++;
          sink.onAck();
          continue;
        }
        if (c === PROMPT && this.promptMode) {
          i++;
          sink.onPrompt();
          continue;
        }
      }
      // One pass to the next terminator; CR and LF are the only bytes <= 13 that matter.
      let stop = i;
      for (;;) {
        while (stop < end && bytes[stop] > 13) stop++;
        if (stop === end) break;
        const c = bytes[stop];
        if (c === 13 || c === 10) break;
        stop++; // another control byte: part of the line
      }
      const n = stop - i;
      if (discarding) {
        discarding = stop === end; // the overflowing line goes on in the next piece
      } else if (length + n > LINE_CAPACITY) {
        length = 0;
        discarding = stop === end;
        this.#length = 0;
        this.#discarding = discarding;
        sink.onOverflow();
      } else {
        if (n > 0) {
          this.#buffer.set(bytes.subarray(i, stop), length);
          length += n;
        }
        if (stop < end && length > 0) {
          this.#length = 0;
          this.#discarding = false;
          this.#line.reset(length);
          length = 0;
          sink.onLine(this.#line);
        }
      }
      i = stop + 1;
      if (i < end && bytes[i] === LF && bytes[stop] === CR) i++; // the LF of CR LF, without a loop turn
    }
    this.#length = length;
    this.#discarding = discarding;
  }

  /** Drops a partial line (e.g. after the modem rebooted mid-line). */
  reset(): void {
    this.#length = 0;
    this.#discarding = false;
  }

}
