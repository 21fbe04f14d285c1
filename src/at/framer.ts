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

/** New bytes scanned at a time: the channel reads at most this many (one ESP32 RX FIFO) into `window`. */
export const FRAMER_WINDOW = 128;

export class Framer {
  /** Set by the channel while an ACK-mode upload waits for `A`: a bare A is then an event, not a line. */
  ackMode = false;
  /** Set by the channel while a command waits for a `>` prompt. */
  promptMode = false;
  /**
   * `[0, LINE_CAPACITY)` keeps the start of an unfinished line, right-aligned so it runs on into the
   * window; `[LINE_CAPACITY, +FRAMER_WINDOW)` is the window new bytes are read into; one more byte
   * holds a sentinel. Lines are handed out where they lie (the Line is a window on this buffer), so
   * a byte is copied once, natively, by the port's read.
   */
  readonly #buffer = new Uint8Array(LINE_CAPACITY + FRAMER_WINDOW + 1);
  /** Where new bytes go: read up to FRAMER_WINDOW bytes into it, then call `received(n)`. */
  readonly window = this.#buffer.subarray(LINE_CAPACITY, LINE_CAPACITY + FRAMER_WINDOW);
  readonly #line = new Line(this.#buffer);
  /** Bytes of an unfinished line held just before the window. */
  #held = 0;
  /** Inside a line that overflowed: its bytes are dropped up to its end. */
  #discarding = false;
  readonly #sink: FramerSink;

  constructor(sink: FramerSink) {
    this.#sink = sink;
  }

  /** Feeds `bytes[start .. end)`, copied through the window. Never throws for any input; the sink's own errors propagate. */
  push(bytes: Uint8Array, start = 0, end = bytes.length): void {
    const window = this.window;
    while (start < end) {
      const n = end - start < FRAMER_WINDOW ? end - start : FRAMER_WINDOW;
      window.set(start === 0 && n === bytes.length ? bytes : bytes.subarray(start, start + n));
      this.received(n);
      start += n;
    }
  }

  /**
   * Hands out every line ended by the `n` new bytes in `window` and keeps the unfinished rest. A zero
   * sentinel after them ends the tight loops without a bounds test per byte (XS pays for every
   * operation: measured, see docs/performance.md); a real control byte inside a line is told apart
   * by its position.
   */
  received(n: number): void {
    if (!(n <= FRAMER_WINDOW)) n = FRAMER_WINDOW; // a port that claims more than the window holds
    const b = this.#buffer;
    const sink = this.#sink;
    const line = this.#line;
    const total = LINE_CAPACITY + n;
    b[total] = 0;
    let discarding = this.#discarding;
    const held = this.#held;
    // Cleared first: if a sink throws, the rest of this piece is lost but nothing stale is kept.
    this.#held = 0;
    this.#discarding = false;
    let p = LINE_CAPACITY;
    // Start of the current line, or -1 between lines (where CR/LF runs, `A` and `>` are looked for).
    let s = held > 0 || discarding ? LINE_CAPACITY - held : -1;
    for (;;) {
      if (s < 0) {
        let c = b[p];
        while (c === 13 || c === 10) c = b[++p]; // empty lines, the CR LF around every response
        if (p === total) break;
        if (c === ACK && this.ackMode) {
          p++;
          sink.onAck();
          continue;
        }
        if (c === PROMPT && this.promptMode) {
          p++;
          sink.onPrompt();
          continue;
        }
        s = p;
      }
      while (b[p] > 13) p++;
      if (p === total) break; // unfinished: kept below
      const c = b[p];
      if (c !== 13 && c !== 10) {
        p++; // another control byte: part of the line
        continue;
      }
      if (discarding) discarding = false; // the end of a line that overflowed
      else if (p - s > LINE_CAPACITY) sink.onOverflow();
      else {
        // line.reset(s, p), written out: this runs once per received line.
        line.start = s;
        line.end = p;
        line.fields = -1;
        sink.onLine(line);
      }
      s = -1;
      p++;
    }
    if (s >= 0 && !discarding) {
      const keep = total - s;
      if (keep > LINE_CAPACITY) {
        discarding = true;
        sink.onOverflow();
      } else {
        b.copyWithin(LINE_CAPACITY - keep, s, total);
        this.#held = keep;
      }
    }
    this.#discarding = discarding;
  }

  /** Drops a partial line (e.g. after the modem rebooted mid-line). */
  reset(): void {
    this.#held = 0;
    this.#discarding = false;
  }
}
