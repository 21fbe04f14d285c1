// The modem's readiness for SMTP (manual 1.2 step 1 and 1.4.2): SIM ready, registered on the packet
// domain, the PDP context configured and active. The context is reused while active and brought back
// after `+QIURC: "pdpdeact"`; a modem restart (`RDY`) forgets everything we had set up.

import type { UrcHandler } from "../at/types";
import type { Clock, Log } from "../host/types";
import { readSimState, readEpsRegistration, readPsRegistration, readAttached, attachPacketDomain } from "../ec20/commands/general";
import { activatePdp, deactivatePdp, listActiveContexts, readPdpConfig, configurePdp, type PdpSettings } from "../ec20/commands/pdp";
import type { CommandChannel } from "../ec20/commands/run";
import { ModemError } from "../ec20/errors";
import { delay } from "./wait";

/** The channel as the mailer needs it: commands plus URC subscriptions. */
export interface ModemChannel extends CommandChannel {
  subscribe(prefix: string, handler: UrcHandler): () => void;
  /** Fails whatever is in flight or queued (AtChannel.abortAll). */
  abortAll(): void;
}

export interface SessionOptions {
  pdp: PdpSettings;
  /** How long to wait for SIM and network registration after power-on (default 180 s). */
  registrationTimeoutMs?: number;
  /** Poll interval while waiting for registration (default 500 ms: each poll is a few UART bytes,
   *  while a late poll keeps the modem on, the dearest thing on a battery node). */
  pollIntervalMs?: number;
}

export class ModemSession {
  readonly #channel: ModemChannel;
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #options: SessionOptions;
  #pdpActive = false;
  #configured = false;
  /** Bumped on every modem restart, so callers can tell that state they set up is gone. */
  generation = 0;
  /** Called when the modem restarted (RDY): settings and files it held are gone. */
  onRestart: (() => void) | undefined;

  constructor(channel: ModemChannel, clock: Clock, log: Log, options: SessionOptions) {
    this.#channel = channel;
    this.#clock = clock;
    this.#log = log;
    this.#options = options;
    channel.subscribe("+QIURC:", (line) => {
      if (line.str(0) === "pdpdeact" && line.int(1) === options.pdp.contextId) {
        this.#log("warn", `PDP context ${options.pdp.contextId} deactivated by the network`);
        this.#pdpActive = false;
      }
    });
    channel.subscribe("RDY", () => {
      this.#log("warn", "modem restarted (RDY): PDP context and SMTP settings are gone");
      // Nothing asked before the restart will be answered: fail it now instead of at its deadline.
      channel.abortAll();
      this.#pdpActive = false;
      this.#configured = false;
      this.generation++;
      this.onRestart?.();
    });
  }

  get pdpActive(): boolean {
    return this.#pdpActive;
  }

  /** SIM, registration and an active PDP context; cheap when all is already in place. */
  async ensureReady(): Promise<void> {
    if (this.#pdpActive) return;
    await this.#awaitNetwork();
    await this.#activate();
  }

  /** Manual 1.4.4: when resending fails, deactivate and reactivate the context, then try again. */
  async reconnect(): Promise<void> {
    const id = this.#options.pdp.contextId;
    try {
      await deactivatePdp(this.#channel, id);
    } catch (error) {
      // Already down (e.g. after pdpdeact) is fine: we activate next either way.
      this.#log("info", `AT+QIDEACT=${id}: ${(error as Error).message}`);
    }
    this.#pdpActive = false;
    await this.ensureReady();
  }

  async #awaitNetwork(): Promise<void> {
    const timeout = this.#options.registrationTimeoutMs ?? 180_000;
    const interval = this.#options.pollIntervalMs ?? 500;
    const deadline = this.#clock.now() + timeout;
    let sim = "";
    for (;;) {
      try {
        sim = await readSimState(this.#channel);
        if (sim === "READY") break;
      } catch (error) {
        // +CME ERROR: 10/14 while the SIM initialises after power-on; keep polling until the deadline.
        sim = (error as Error).message;
      }
      if (this.#clock.now() >= deadline) throw networkError("SIM not ready", sim);
      await delay(this.#clock, interval);
    }
    for (;;) {
      const [eps, ps] = await Promise.all([readEpsRegistration(this.#channel), readPsRegistration(this.#channel)]);
      if (eps.registered || ps.registered) break;
      if (eps.stat === 3 && ps.stat === 3) throw networkError("registration denied by the network", "+CEREG/+CGREG stat 3");
      if (this.#clock.now() >= deadline) throw networkError("not registered on the packet domain", `+CEREG stat ${eps.stat}, +CGREG stat ${ps.stat}`);
      await delay(this.#clock, interval);
    }
  }

  async #activate(): Promise<void> {
    const pdp = this.#options.pdp;
    const active = await listActiveContexts(this.#channel);
    if (active.some((c) => c.contextId === pdp.contextId && c.state === 1)) {
      this.#pdpActive = true;
      return;
    }
    if (!this.#configured) {
      const current = await readPdpConfig(this.#channel, pdp.contextId);
      const wantsCredentials = Boolean(pdp.username || pdp.password);
      if (
        current.apn !== pdp.apn ||
        current.contextType !== (pdp.contextType ?? 1) ||
        current.authentication !== (pdp.authentication ?? 0) ||
        current.hasCredentials !== wantsCredentials ||
        wantsCredentials // credentials cannot be compared without reading them back: rewrite them
      ) {
        await configurePdp(this.#channel, pdp);
      }
      this.#configured = true;
    }
    if (!(await readAttached(this.#channel))) await attachPacketDomain(this.#channel);
    await activatePdp(this.#channel, pdp.contextId);
    this.#pdpActive = true;
  }
}

function networkError(meaning: string, detail: string): ModemError {
  return new ModemError({
    family: "cme", kind: "response", code: 0, meaning, retry: "transient",
    reason: `${detail}; check the SIM, antenna and coverage (manual 1.4.2)`, command: "network",
  });
}
