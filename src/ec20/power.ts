// EC20 power control for any host: PWRKEY and RESET_N pulses, waiting for `RDY`, the start-up settings
// every host needs (echo off, numeric errors, URCs on the UART, an optional faster baud rate), and an
// orderly AT+QPOWD power-down with the manual's 65 s cut-off. Lines are given as *asserted* = 1 (PWRKEY
// pressed, RESET_N held, STATUS "on", supply on); the host maps that onto pin levels.
// Inside: callbacks and timers from the injected clock, one operation at a time. At the edge: Promises.

import type { AtCommand, AtDone, AtError, LineView, UrcHandler } from "../at/types";
import type { Clock, DigitalIn, DigitalOut, Log, TimerHandle } from "../host/types";
import { buildCommand } from "./commands/declare";
import { AT, ATE0, CMEE, IPR, QPOWD, QURCCFG_WRITE } from "./commands/general";
import { BAUD_RATES } from "./limits";

/** The part of AtChannel power control uses. */
export interface PowerChannel {
  submit(command: AtCommand, done: AtDone): { cancel(): void };
  subscribe(prefix: string, handler: UrcHandler): () => void;
}

export interface PowerLines {
  pwrkey: DigitalOut;
  reset?: DigitalOut;
  /** Read to learn whether the modem is on before pressing PWRKEY (a second press would turn it off). */
  status?: DigitalIn;
  /** A load switch on VBAT; "cutting power" is a no-op without one. */
  supply?: DigitalOut;
}

/** Every figure with its source (docs/ec20-facts.md section 4). */
export const POWER_TIMING = Object.freeze({
  /** PWRKEY low >= 500 ms turns the module on [C: CSDN1]; mbed and PinePhone use 600 ms. It stays
   *  under the 650 ms that turns a running module off, so a press on a hung module does no harm. */
  pwrkeyOnMs: 600,
  /** Fallback turn-off press when AT+QPOWD fails; mbed uses 750 ms. */
  pwrkeyOffMs: 750,
  /** RESET_N low 150-460 ms [C: CSDN1]; the middle of the window. */
  resetMs: 300,
  /** RDY typically ~12 s after PWRKEY [C: FORUM]; mbed waits 15 s. Counted from the press. */
  rdyTimeoutMs: 15_000,
  /** One `AT` probe; the module answers in well under 300 ms when it is up. */
  probeTimeoutMs: 1_000,
  /** Probes after a missing RDY (RDY may go to the USB port while QURCCFG says "usbat"). */
  probeAttempts: 3,
  /** POWERED DOWN arrives within 60 s of AT+QPOWD; cut power anyway after 65 s [C: CN 1.8/13.1]. */
  poweredDownTimeoutMs: 65_000,
  /** Wait this long after POWERED DOWN before cutting power [C: CN]. */
  afterPoweredDownMs: 1_000,
  /** While waiting for POWERED DOWN, STATUS (when wired) is polled this often as a second witness. */
  statusPollMs: 500,
});
export type PowerTiming = { -readonly [K in keyof typeof POWER_TIMING]: number };

export type PowerErrorKind =
  | "no-rdy" // pressed PWRKEY / RESET_N, no RDY and no answer to AT
  | "no-powered-down" // no POWERED DOWN within 65 s; power was cut anyway
  | "no-reset-line" // reset() without a RESET_N line
  | "busy" // another power operation is running
  | "config" // a start-up setting (ATE0, CMEE, QURCCFG) failed
  | "baud" // the modem took AT+IPR but did not answer at the new rate; the old rate is restored
  | "bad-baud" // the requested rate is not one AT+IPR accepts
  | "closed"; // the AT channel closed under us

export class PowerError extends Error {
  readonly kind: PowerErrorKind;
  /** True when trying the same operation again (or a reset / power cycle) can help. */
  readonly retryable: boolean;
  /** The AT failure behind it, if any. */
  readonly at: AtError | undefined;
  constructor(kind: PowerErrorKind, detail: string, retryable: boolean, at?: AtError) {
    super(`power ${kind}: ${detail}`);
    this.name = "PowerError";
    this.kind = kind;
    this.retryable = retryable;
    this.at = at;
  }
}

/** How the modem came up: it was on already, it sent RDY, or it answered AT without a RDY we saw. */
export type PowerOnResult = "already-on" | "booted" | "booted-without-rdy";

export interface PowerOptions {
  channel: PowerChannel;
  clock: Clock;
  lines: PowerLines;
  log?: Log;
  timing?: Partial<PowerTiming>;
  /** The modem's rate after power-on or reset (the factory 115200 unless AT&W saved another). */
  baseBaud?: number;
  /** A faster rate the modem may still be at (host reset mid-session); probed when the base rate is silent. */
  fastBaud?: number;
  /** Switches the host's own UART; required for `fastBaud` and `configure({ baud })`. */
  setHostBaud?: (baud: number) => void;
}

export interface StartupSettings {
  /** Move to this AT+IPR rate after the settings (not saved: a reset returns to the base rate). */
  baud?: number;
}

type Finish = (error: PowerError | undefined, result?: PowerOnResult) => void;

export class ModemPower {
  readonly #channel: PowerChannel;
  readonly #clock: Clock;
  readonly #lines: PowerLines;
  readonly #log: Log | undefined;
  readonly #timing: PowerTiming;
  readonly #baseBaud: number;
  readonly #fastBaud: number | undefined;
  readonly #setHostBaud: ((baud: number) => void) | undefined;
  #baud: number;
  // The one running operation's resources, released by #end.
  #busy = false;
  #timers: TimerHandle[] = [];
  #cleanups: (() => void)[] = [];

  constructor(options: PowerOptions) {
    this.#channel = options.channel;
    this.#clock = options.clock;
    this.#lines = options.lines;
    this.#log = options.log;
    this.#timing = { ...POWER_TIMING, ...options.timing };
    this.#baseBaud = options.baseBaud ?? 115200;
    this.#fastBaud = options.fastBaud;
    this.#setHostBaud = options.setHostBaud;
    this.#baud = this.#baseBaud;
  }

  /** The rate host and modem are using now. */
  get baud(): number {
    return this.#baud;
  }

  /**
   * Brings the modem up. If it already answers (STATUS on, or `AT` answered at the base or fast rate)
   * nothing is pressed; else PWRKEY is pressed and RDY awaited, with `AT` probes if RDY never shows.
   */
  powerOn(): Promise<PowerOnResult> {
    return this.#operation((finish) => {
      const status = this.#lines.status;
      if (status && status.read() === 1) {
        // On already: find its rate. If it does not answer it may still be booting: wait for RDY.
        this.#findRate((alive) => (alive ? finish(undefined, "already-on") : this.#awaitReady(finish)));
        return;
      }
      if (status) return this.#press(finish);
      // No STATUS line: only an answer to AT tells us it is on; pressing PWRKEY blindly could turn it off.
      this.#findRate((alive) => (alive ? finish(undefined, "already-on") : this.#press(finish)));
    });
  }

  /** Holds RESET_N low for `resetMs`, then waits for RDY as powerOn does. */
  reset(): Promise<PowerOnResult> {
    return this.#operation((finish) => {
      const reset = this.#lines.reset;
      if (!reset) return finish(new PowerError("no-reset-line", "RESET_N is not wired", false));
      this.#useBaud(this.#baseBaud); // the modem restarts at its saved rate
      const ready = this.#watchReady(finish);
      reset.write(1);
      this.#after(this.#timing.resetMs, () => {
        reset.write(0);
        this.#after(this.#timing.rdyTimeoutMs - this.#timing.resetMs, () => ready.timeout());
      });
    });
  }

  /** ATE0, AT+CMEE=1, AT+QURCCFG="urcport","uart1", then AT+IPR=<baud> if asked. Run after RDY. */
  configure(settings: StartupSettings = {}): Promise<void> {
    return this.#operation((finish) => {
      const steps: AtCommand[] = [buildCommand(ATE0), buildCommand(CMEE, [1]), buildCommand(QURCCFG_WRITE, ["uart1"])];
      let i = 0;
      const next = (): void => {
        if (i < steps.length) {
          const command = steps[i++];
          this.#channel.submit(command, (error) => {
            if (error) return finish(this.#atFailure("config", `${command.traceAs ?? command.line} failed`, error));
            next();
          });
          return;
        }
        const baud = settings.baud;
        if (baud === undefined || baud === this.#baud) return finish(undefined);
        this.#changeBaud(baud, finish);
      };
      next();
    });
  }

  /**
   * AT+QPOWD=1, then waits for POWERED DOWN (or STATUS off), 1 s more, and cuts the supply. If the
   * modem refuses AT+QPOWD, PWRKEY is pressed for 750 ms instead. After 65 s power is cut regardless
   * and the promise rejects with "no-powered-down" (the shutdown was not orderly).
   */
  powerOff(): Promise<void> {
    return this.#operation((finish) => {
      const status = this.#lines.status;
      if (status && status.read() === 0) {
        // Off already (never booted, or shut down earlier): nothing to ask, and a press would turn it on.
        this.#cutSupply();
        return finish(undefined);
      }
      let down = false;
      const poweredDown = (): void => {
        if (down) return;
        down = true;
        this.#after(this.#timing.afterPoweredDownMs, () => {
          this.#cutSupply();
          finish(undefined);
        });
      };
      this.#subscribe("POWERED DOWN", poweredDown);
      this.#after(this.#timing.poweredDownTimeoutMs, () => {
        if (down) return;
        this.#cutSupply();
        finish(new PowerError("no-powered-down", `no POWERED DOWN within ${this.#timing.poweredDownTimeoutMs} ms; power cut`, false));
      });
      if (status) {
        // One timer handle reused for the poll, so a 65 s wait keeps one pending timer, not 130.
        let pollTimer: TimerHandle | undefined;
        const poll = (): void => {
          pollTimer = undefined;
          if (down) return;
          if (status.read() === 0) return poweredDown();
          pollTimer = this.#clock.setTimer(poll, this.#timing.statusPollMs);
        };
        pollTimer = this.#clock.setTimer(poll, this.#timing.statusPollMs);
        this.#cleanups.push(() => {
          if (pollTimer !== undefined) this.#clock.clearTimer(pollTimer);
        });
      }
      // POWERED DOWN is awaited through the subscription, not awaitUrc: it can race the OK.
      this.#channel.submit(buildCommand(QPOWD, [1]), (error) => {
        if (!error || down) return;
        // Press PWRKEY only when the modem is known to be on: it answered (ERROR) or STATUS says so.
        // A 750 ms press on a module that is off would switch it on for the whole sleep.
        const answered = error.kind !== "timeout" && error.kind !== "closed" && error.kind !== "busy";
        if (!answered && !(status && status.read() === 1)) {
          this.#log?.("warn", `AT+QPOWD=1 unanswered (${error.message}); waiting, then cutting power`);
          return;
        }
        this.#log?.("warn", `AT+QPOWD=1 failed (${error.message}); pressing PWRKEY to power off`);
        this.#lines.pwrkey.write(1);
        this.#after(this.#timing.pwrkeyOffMs, () => this.#lines.pwrkey.write(0));
      });
    });
  }

  // ---- steps --------------------------------------------------------------------------------------

  /** Supply on, PWRKEY pressed for pwrkeyOnMs, then RDY (or probes) within rdyTimeoutMs of the press. */
  #press(finish: Finish): void {
    this.#lines.supply?.write(1);
    this.#useBaud(this.#baseBaud);
    const ready = this.#watchReady(finish);
    const pwrkey = this.#lines.pwrkey;
    pwrkey.write(1);
    this.#after(this.#timing.pwrkeyOnMs, () => {
      pwrkey.write(0);
      this.#after(this.#timing.rdyTimeoutMs - this.#timing.pwrkeyOnMs, () => ready.timeout());
    });
  }

  /** Waits for RDY from now, for the full rdyTimeoutMs (STATUS on but the UART silent). */
  #awaitReady(finish: Finish): void {
    this.#useBaud(this.#baseBaud);
    const ready = this.#watchReady(finish);
    this.#after(this.#timing.rdyTimeoutMs, () => ready.timeout());
  }

  /** Subscribes to RDY; `timeout()` falls back to AT probes, then "no-rdy". */
  #watchReady(finish: Finish): { timeout(): void } {
    let settled = false;
    this.#subscribe("RDY", () => {
      if (settled) return;
      settled = true;
      finish(undefined, "booted");
    });
    return {
      timeout: () => {
        if (settled) return;
        settled = true;
        this.#log?.("warn", `no RDY within ${this.#timing.rdyTimeoutMs} ms; probing with AT`);
        this.#probe(this.#timing.probeAttempts, (alive, closed) => {
          if (closed) return finish(new PowerError("closed", "AT channel closed", true, closed));
          if (alive) return finish(undefined, "booted-without-rdy");
          finish(new PowerError("no-rdy", `no RDY and no answer to AT after ${this.#timing.rdyTimeoutMs} ms`, true));
        });
      },
    };
  }

  /** Probes at the base rate, then at the fast rate if one is known; leaves the host at the rate that answered. */
  #findRate(done: (alive: boolean) => void): void {
    this.#useBaud(this.#baseBaud);
    this.#probe(1, (alive) => {
      if (alive || this.#fastBaud === undefined || !this.#setHostBaud || this.#fastBaud === this.#baseBaud) return done(alive);
      this.#useBaud(this.#fastBaud);
      this.#probe(1, (fast) => {
        if (!fast) this.#useBaud(this.#baseBaud);
        done(fast);
      });
    });
  }

  /** Sends `AT` up to `attempts` times; any final answer (even ERROR) means the UART is alive. */
  #probe(attempts: number, done: (alive: boolean, closed?: AtError) => void): void {
    const command = buildCommand(AT);
    command.timeoutMs = this.#timing.probeTimeoutMs;
    this.#channel.submit(command, (error) => {
      if (!error || (error.kind !== "timeout" && error.kind !== "closed" && error.kind !== "busy")) return done(true);
      if (error.kind === "closed") return done(false, error);
      if (attempts > 1) return this.#probe(attempts - 1, done);
      done(false);
    });
  }

  #changeBaud(baud: number, finish: Finish): void {
    if (!this.#setHostBaud) return finish(new PowerError("bad-baud", "no host hook to change the UART rate", false));
    if (BAUD_RATES.indexOf(baud) < 0) return finish(new PowerError("bad-baud", `${baud} is not an AT+IPR rate`, false));
    const old = this.#baud;
    this.#channel.submit(buildCommand(IPR, [baud]), (error) => {
      if (error) return finish(this.#atFailure("baud", `AT+IPR=${baud} refused`, error));
      // The new rate applies once OK has gone out (facts 4): follow at once, then check.
      this.#useBaud(baud);
      this.#probe(this.#timing.probeAttempts, (alive, closed) => {
        if (alive) return finish(undefined);
        this.#useBaud(old);
        finish(new PowerError("baud", `no answer at ${baud} baud; back at ${old}`, true, closed));
      });
    });
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  #operation<T>(body: (finish: Finish) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.#busy) return reject(new PowerError("busy", "another power operation is running", true));
      this.#busy = true;
      let finished = false;
      const finish: Finish = (error, result) => {
        if (finished) return;
        finished = true;
        this.#end();
        if (error) reject(error);
        else resolve(result as T);
      };
      try {
        body(finish);
      } catch (e) {
        finish(e instanceof PowerError ? e : new PowerError("config", (e as Error).message, false));
      }
    });
  }

  #end(): void {
    for (const t of this.#timers) this.#clock.clearTimer(t);
    for (const cleanup of this.#cleanups) cleanup();
    this.#timers = [];
    this.#cleanups = [];
    this.#busy = false;
  }

  #after(ms: number, callback: () => void): void {
    this.#timers.push(this.#clock.setTimer(callback, ms > 0 ? ms : 0));
  }

  #subscribe(prefix: string, handler: (line: LineView) => void): void {
    this.#cleanups.push(this.#channel.subscribe(prefix, handler));
  }

  #useBaud(baud: number): void {
    if (baud === this.#baud || !this.#setHostBaud) return;
    this.#setHostBaud(baud);
    this.#baud = baud;
  }

  #cutSupply(): void {
    this.#lines.supply?.write(0);
  }

  #atFailure(kind: PowerErrorKind, detail: string, error: AtError): PowerError {
    const retryable = error.kind === "timeout" || error.kind === "closed" || error.kind === "busy";
    return new PowerError(error.kind === "closed" ? "closed" : kind, `${detail}: ${error.message}`, retryable, error);
  }
}
