// The recovery ladder for a modem that stopped answering: each rung costs more than the one before
// and destroys more state, so the cheapest that works is used.
//   1. AT probe          the modem was only slow, or one answer was lost on the wire;
//   2. leave data mode   `+++` with its guard times: it sat in a data phase we no longer track;
//   3. RESET_N           a firmware hang (state lost, RDY again);
//   4. PWRKEY cycle      orderly power-off (AT+QPOWD, else a long PWRKEY press, supply cut), power-on.
// After a restart (rungs 3 and 4) the start-up settings are sent again (ModemPower.configure).
// Engine-neutral: the AT channel, ModemPower and the injected clock do all the work.

import type { AtDone, AtError } from "../at/types";
import type { Clock, Log } from "../host/types";
import { buildCommand } from "./commands/declare";
import { AT } from "./commands/general";
import { PowerError, type ModemPower, type PowerChannel, type StartupSettings } from "./power";

/** The channel as recovery needs it: commands, URCs, and `+++` on its own (AtChannel.escape). */
export interface RecoveryChannel extends PowerChannel {
  escape(timeoutMs: number, done: AtDone): { cancel(): void };
}

export type RecoveryRung = "probe" | "escape" | "reset" | "power-cycle";

export interface RecoveryResult {
  /** The rung that brought the modem back; "none" when start() needed no ladder. */
  rung: RecoveryRung | "none";
  /** True after RESET_N or a power cycle: everything the modem held (PDP, SMTP settings, RAM files) is gone. */
  restarted: boolean;
  /** Time the ladder took, by the injected clock (ms). */
  ms: number;
}

export const RECOVERY_TIMING = Object.freeze({
  /** One `AT` probe; a live module answers in well under 300 ms. */
  probeTimeoutMs: 1_000,
  /** Probes on rung 1: one lost answer on a noisy line must not cost a reset. */
  probeAttempts: 2,
  /** OK after `+++` comes within a few hundred ms once the trailing guard time has passed. */
  escapeTimeoutMs: 2_000,
});
export type RecoveryTiming = { -readonly [K in keyof typeof RECOVERY_TIMING]: number };

/** Every rung failed: the module does not answer even after a power cycle (or no rung was available). */
export class RecoveryError extends Error {
  readonly kind = "unrecoverable" as const;
  /** Trying again later (next wake) can help: a brown-out or a module still booting. */
  readonly retryable = true;
  /** The last power failure seen, if any. */
  readonly power: PowerError | undefined;
  readonly tried: RecoveryRung[];
  constructor(tried: RecoveryRung[], power?: PowerError) {
    super(`modem recovery failed after ${tried.join(", ")}${power ? `: ${power.message}` : ""}`);
    this.name = "RecoveryError";
    this.tried = tried;
    this.power = power;
  }
}

export interface RecoveryOptions {
  channel: RecoveryChannel;
  power: ModemPower;
  clock: Clock;
  log?: Log;
  timing?: Partial<RecoveryTiming>;
  /** Settings re-applied after a restart (e.g. the faster baud rate). */
  startup?: StartupSettings;
  /** RESET_N is wired (ModemPower.reset works); without it rung 3 is skipped. */
  hasResetLine: boolean;
}

export class ModemRecovery {
  readonly #o: RecoveryOptions;
  readonly #timing: RecoveryTiming;
  #running: Promise<RecoveryResult> | undefined;

  constructor(options: RecoveryOptions) {
    this.#o = options;
    this.#timing = { ...RECOVERY_TIMING, ...options.timing };
  }

  /** Climbs the ladder until the modem answers `AT`. Concurrent calls share one climb. */
  recover(): Promise<RecoveryResult> {
    if (!this.#running) {
      this.#running = this.#climb();
      const clear = () => (this.#running = undefined);
      this.#running.then(clear, clear);
    }
    return this.#running;
  }

  /**
   * Power-on for a wake: PWRKEY (or nothing when already on), the start-up settings, and the ladder
   * when either fails (a module left hung by the previous wake answers neither).
   */
  async start(): Promise<RecoveryResult> {
    const started = this.#o.clock.now();
    try {
      const how = await this.#o.power.powerOn();
      await this.#o.power.configure(this.#o.startup);
      return { rung: "none", restarted: how !== "already-on", ms: this.#o.clock.now() - started };
    } catch (error) {
      if (!(error instanceof PowerError)) throw error;
      this.#o.log?.("warn", `modem start failed (${error.message}); recovering`);
      const result = await this.recover();
      return { ...result, restarted: true, ms: this.#o.clock.now() - started };
    }
  }

  async #climb(): Promise<RecoveryResult> {
    const { power, clock, log } = this.#o;
    const started = clock.now();
    const tried: RecoveryRung[] = [];
    const done = (rung: RecoveryRung, restarted: boolean): RecoveryResult => {
      const ms = clock.now() - started;
      log?.(rung === "probe" ? "info" : "warn", `modem recovered by ${rung} after ${ms} ms`);
      return { rung, restarted, ms };
    };
    let lastPower: PowerError | undefined;

    tried.push("probe");
    if (await this.#probe(this.#timing.probeAttempts)) return done("probe", false);

    tried.push("escape");
    log?.("warn", "modem silent: sending +++ in case it is in data mode");
    const escaped = await this.#escape();
    if (escaped || (await this.#probe(1))) return done("escape", false);

    if (this.#o.hasResetLine) {
      tried.push("reset");
      log?.("warn", "modem silent: pulsing RESET_N");
      try {
        await power.reset();
        await power.configure(this.#o.startup);
        return done("reset", true);
      } catch (error) {
        if (!(error instanceof PowerError)) throw error;
        lastPower = error;
        log?.("warn", `RESET_N did not bring the modem back: ${error.message}`);
      }
    }

    tried.push("power-cycle");
    log?.("warn", "modem silent: power cycle");
    try {
      await power.powerOff();
    } catch (error) {
      if (!(error instanceof PowerError)) throw error;
      // "no-powered-down": the supply was cut anyway; the module is off either way.
      log?.("info", `power-off during recovery: ${error.message}`);
    }
    try {
      await power.powerOn();
      await power.configure(this.#o.startup);
      return done("power-cycle", true);
    } catch (error) {
      if (!(error instanceof PowerError)) throw error;
      lastPower = error;
    }
    const failure = new RecoveryError(tried, lastPower);
    log?.("error", failure.message);
    throw failure;
  }

  /** True when the modem gives any final answer to `AT` within `attempts` probes. */
  #probe(attempts: number): Promise<boolean> {
    return new Promise((resolve) => {
      const once = (left: number): void => {
        const command = buildCommand(AT);
        command.timeoutMs = this.#timing.probeTimeoutMs;
        this.#o.channel.submit(command, (error) => {
          if (!error || answered(error)) return resolve(true);
          if (error.kind === "closed" || left <= 1) return resolve(false);
          once(left - 1);
        });
      };
      once(attempts);
    });
  }

  #escape(): Promise<boolean> {
    return new Promise((resolve) => {
      this.#o.channel.escape(this.#timing.escapeTimeoutMs, (error) => resolve(!error || answered(error)));
    });
  }
}

/** ERROR or +CME ERROR is still an answer: the UART and the command interpreter are alive. */
function answered(error: AtError): boolean {
  return error.kind === "error" || error.kind === "cme" || error.kind === "cms" || error.kind === "no-carrier";
}
