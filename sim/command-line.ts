// The modem's line editor: bytes in command mode become a command line at CR; LF is ignored and
// backspace removes the last character (S3/S4/S5 = 13/10/8, the factory values).

/** Longest command line kept; the real limit is not documented, longer lines answer ERROR. */
export const MAX_LINE = 2048;
/** What `push` returns for a line that was longer than MAX_LINE. */
export const LINE_TOO_LONG = "\u0000too long";

const CR = 0x0d;
const LF = 0x0a;
const BACKSPACE = 0x08;

export class CommandLineReader {
  #line: number[] = [];
  #tooLong = false;

  /** Takes one byte; returns the finished line (without CR) when `byte` is CR. */
  push(byte: number): string | undefined {
    if (byte === CR) {
      const line = this.#tooLong ? LINE_TOO_LONG : Buffer.from(this.#line).toString("latin1");
      this.reset();
      return line;
    }
    if (byte === LF) return undefined;
    if (byte === BACKSPACE) this.#line.pop();
    else if (this.#line.length >= MAX_LINE) this.#tooLong = true;
    else this.#line.push(byte);
    return undefined;
  }

  reset(): void {
    this.#line = [];
    this.#tooLong = false;
  }
}
