// A small EC20 for the ESP32 host tests: the power behaviour of docs/ec20-facts.md section 4 (PWRKEY
// press >= 500 ms turns it on, >= 650 ms turns a running module off, RESET_N reboots it, STATUS rises
// ~2.5 s after the press, RDY ~12 s after it, AT+QPOWD answers OK then POWERED DOWN) and just enough
// of the AT command set for start-up (AT, ATE0, AT+CMEE, AT+QURCCFG, AT+IPR) and one data phase
// (AT+QFUPL). The full simulator lives in sim/; this one exists to drive GPIO and UART timing.

import type { VirtualClock } from "../at/fakes";
import type { FakePin, UartPeer, Wire } from "./fakes";

export interface FakeEc20Options {
  /** GPIO level that presses PWRKEY / holds RESET_N (1 through an NPN transistor). */
  pwrkeyAssertLevel?: 0 | 1;
  resetAssertLevel?: 0 | 1;
  statusOnLevel?: 0 | 1;
  statusDelayMs?: number;
  rdyDelayMs?: number;
  /** False models RDY going to the USB port (factory QURCCFG "usbat"). */
  sendRdy?: boolean;
  poweredDownDelayMs?: number;
  /** False: AT+QPOWD is answered OK but POWERED DOWN never comes. */
  sendPoweredDown?: boolean;
  /** Start already running (and at this baud). */
  startOn?: boolean;
  startBaud?: number;
  /** Answer AT+QPOWD with ERROR. */
  refusePowerDown?: boolean;
}

type State = "off" | "booting" | "on" | "shutting-down";

export class FakeEc20 implements UartPeer {
  baud: number;
  state: State = "off";
  echo = true;
  /** Every command line received, in order. */
  readonly lines: string[] = [];
  /** Times (clock ms) of notable events. */
  readonly events: { at: number; what: string }[] = [];
  readonly #wire: Wire;
  readonly #clock: VirtualClock;
  readonly #status: FakePin | undefined;
  readonly #o: Required<Omit<FakeEc20Options, "startOn" | "startBaud">>;
  #line: number[] = [];
  #dataLeft = 0;
  #dataLength = 0;
  #pressedAt = -1;
  #resetAt = -1;
  #generation = 0; // invalidates timers of an earlier boot

  constructor(wire: Wire, clock: VirtualClock, pins: { pwrkey: FakePin; reset?: FakePin; status?: FakePin }, options: FakeEc20Options = {}) {
    this.#wire = wire;
    this.#clock = clock;
    this.#status = pins.status;
    this.#o = {
      pwrkeyAssertLevel: options.pwrkeyAssertLevel ?? 1,
      resetAssertLevel: options.resetAssertLevel ?? 1,
      statusOnLevel: options.statusOnLevel ?? 1,
      statusDelayMs: options.statusDelayMs ?? 2500,
      rdyDelayMs: options.rdyDelayMs ?? 12000,
      sendRdy: options.sendRdy ?? true,
      poweredDownDelayMs: options.poweredDownDelayMs ?? 3000,
      sendPoweredDown: options.sendPoweredDown ?? true,
      refusePowerDown: options.refusePowerDown ?? false,
    };
    this.baud = options.startBaud ?? 115200;
    wire.peer = this;
    if (options.startOn) {
      this.state = "on";
      this.echo = false;
      this.#setStatus(true);
    } else this.#setStatus(false);
    pins.pwrkey.onChange((level) => this.#pwrkey(level === this.#o.pwrkeyAssertLevel));
    pins.reset?.onChange((level) => this.#reset(level === this.#o.resetAssertLevel));
  }

  #note(what: string): void {
    this.events.push({ at: this.#clock.now(), what });
  }

  #setStatus(on: boolean): void {
    if (!this.#status) return;
    const level = this.#o.statusOnLevel;
    this.#status.input = on ? level : level === 1 ? 0 : 1;
  }

  #pwrkey(pressed: boolean): void {
    const now = this.#clock.now();
    if (pressed) {
      this.#pressedAt = now;
      return;
    }
    const held = now - this.#pressedAt;
    if (this.state === "off" && held >= 500) this.#boot("pwrkey");
    else if (this.state === "on" && held >= 650) this.#shutdown("pwrkey");
  }

  #reset(held: boolean): void {
    const now = this.#clock.now();
    if (held) {
      this.#resetAt = now;
      return;
    }
    const ms = now - this.#resetAt;
    if (this.state !== "off" && ms >= 150 && ms <= 460) this.#boot("reset");
  }

  #boot(why: string): void {
    const generation = ++this.#generation;
    this.state = "booting";
    this.echo = true;
    this.baud = 115200; // AT+IPR was not saved with AT&W
    this.#note(`boot (${why})`);
    this.#clock.setTimer(() => generation === this.#generation && this.#setStatus(true), this.#o.statusDelayMs);
    this.#clock.setTimer(() => {
      if (generation !== this.#generation) return;
      this.state = "on";
      this.#note("ready");
      if (this.#o.sendRdy) this.#send("\r\nRDY\r\n");
    }, this.#o.rdyDelayMs);
  }

  #shutdown(why: string): void {
    const generation = ++this.#generation;
    this.state = "shutting-down";
    this.#note(`shutdown (${why})`);
    this.#clock.setTimer(() => {
      if (generation !== this.#generation) return;
      if (!this.#o.sendPoweredDown) return; // hangs in "shutting-down"
      this.#send("\r\nPOWERED DOWN\r\n");
      this.state = "off";
      this.#setStatus(false);
      this.#note("off");
    }, this.#o.poweredDownDelayMs);
  }

  #send(text: string): void {
    this.#wire.sendTextToHost(text);
  }

  receive(bytes: number[]): void {
    for (const b of bytes) {
      if (this.state !== "on") continue; // the UART is not up yet (or any more)
      if (this.#dataLeft > 0) {
        if (--this.#dataLeft === 0) this.#send(`\r\n+QFUPL: ${this.#dataLength},0\r\n\r\nOK\r\n`);
        continue;
      }
      if (b === 0x0d) {
        const line = String.fromCharCode(...this.#line);
        this.#line = [];
        if (this.echo) this.#send(line + "\r");
        this.#command(line);
      } else if (b !== 0x0a) this.#line.push(b);
    }
  }

  #command(line: string): void {
    this.lines.push(line);
    const ok = () => this.#send("\r\nOK\r\n");
    let m: RegExpExecArray | null;
    if (line === "AT" || line === "AT+CMEE=1" || line === 'AT+QURCCFG="urcport","uart1"') ok();
    else if (line === "ATE0") {
      this.echo = false;
      ok();
    } else if ((m = /^AT\+IPR=(\d+)$/.exec(line))) {
      ok();
      const rate = parseInt(m[1], 10);
      // The new rate applies once the OK has left: after it has crossed the wire.
      this.#clock.setTimer(() => (this.baud = rate), 5);
    } else if (line === "AT+QPOWD=1") {
      if (this.#o.refusePowerDown) return this.#send("\r\nERROR\r\n");
      ok();
      this.#shutdown("qpowd");
    } else if ((m = /^AT\+QFUPL="[^"]+",(\d+)/.exec(line))) {
      this.#dataLength = this.#dataLeft = parseInt(m[1], 10);
      this.#send("\r\nCONNECT\r\n");
    } else this.#send("\r\nERROR\r\n");
  }
}
