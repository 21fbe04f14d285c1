// The reference report sent from XS: the mailer and channel run in the XS engine, the EC20 simulator
// on Node, both on one StepClock that moves from event to event (hosts/xs/step-clock.ts). Every XS
// call's meter is seen, so a send's compute and the heap's high-water mark can be read per email.

import { createSimulator, type DeliveryRequest } from "../sim/index";
import { PortBridge } from "../hosts/xs/port-link";
import { runTogether, StepClock } from "../hosts/xs/step-clock";
import { XsWorker, type XsMeter } from "../hosts/xs/worker";

export const MAILER_ENTRY = "test/xs/entries/mailer-host.ts";

export interface SendOutcome {
  delivered: boolean;
  err?: number;
  attempts?: number;
  error?: string;
  phases?: string[];
}

export interface MeterWindow {
  calls: number;
  compute: number;
  /** Most slots in use at the end of any call (garbage included). */
  maxHeapCount: number;
  /** Bytes XS had taken from the system at the end (never shrinks). */
  allocate: number;
}

/** What the simulated modem handed to SMTP for one email: enough to tell the email arrived whole. */
export interface DeliverySummary {
  recipients: number;
  subject: string;
  bodyBytes: number;
  attachments: { name: string; bytes: number }[];
}

export class XsMailerRig {
  readonly clock: StepClock;
  readonly xs: XsWorker;
  /** Every email the modem sent (a fake SMTP engine: the SMTP path is proven in test/mailer). */
  readonly deliveries: DeliverySummary[];
  readonly #bridge: PortBridge;
  #window: MeterWindow = { calls: 0, compute: 0, maxHeapCount: 0, allocate: 0 };

  private constructor(clock: StepClock, xs: XsWorker, bridge: PortBridge, deliveries: DeliverySummary[]) {
    this.deliveries = deliveries;
    this.clock = clock;
    this.xs = xs;
    this.#bridge = bridge;
  }

  /** Starts XS and the simulator, powers the modem on, waits for RDY and applies ATE0/CMEE/QURCCFG. */
  /**
   * `txWindow`: the UART transmit window on both sides (the simulator's FIFO and the XS port). 128 is
   * the ESP32's FIFO; a larger one sends the same bytes in fewer, larger writes (fewer XS calls).
   */
  static async start(name: string, options: { txWindow?: number } = {}): Promise<XsMailerRig> {
    const txWindow = options.txWindow ?? 128;
    const clock = new StepClock();
    const deliveries: DeliverySummary[] = [];
    const deliver = async (request: DeliveryRequest) => {
      deliveries.push({
        recipients: request.recipients.length,
        subject: request.subject.text,
        bodyBytes: request.body.bytes.length,
        attachments: request.attachments.map((a) => ({ name: a.name, bytes: a.bytes.length })),
      });
      return { err: 0, protocolError: 0 };
    };
    const sim = createSimulator({ scheduler: clock, hostTxFifo: txWindow, deliver });
    let rig: XsMailerRig | undefined;
    const xs = await XsWorker.start({
      entry: MAILER_ENTRY,
      name,
      clock,
      meteringLimit: 0,
      onMeter: (_call, meter) => {
        if (rig) rig.#account(meter);
      },
    });
    try {
      await xs.call("open", { txCapacity: txWindow });
      const bridge = new PortBridge(xs, "modem", sim.openDriverPort, { txCapacity: txWindow, creditWhenDrained: true });
      rig = new XsMailerRig(clock, xs, bridge, deliveries);
      sim.powerOn();
      await rig.#await("rdy");
      await xs.call("configure");
      const configured = await rig.#await<{ ok: boolean; error?: string }>("configured");
      if (!configured.ok) throw new Error(`start-up settings failed: ${configured.error}`);
      return rig;
    } catch (e) {
      await xs.terminate();
      throw e;
    }
  }

  /** Sends the reference report; returns its outcome and the meter over every call it took. */
  async send(sequence: number): Promise<{ outcome: SendOutcome; meter: MeterWindow }> {
    this.#window = { calls: 0, compute: 0, maxHeapCount: 0, allocate: 0 };
    await this.xs.call("send", { sequence });
    const outcome = await this.#await<SendOutcome>("sent");
    return { outcome, meter: this.#window };
  }

  /** Live slots after a full collection, and bytes taken from the system. */
  async live(): Promise<{ slots: number; allocate: number }> {
    const meter = await this.xs.gc();
    return { slots: meter.currentHeapCount, allocate: meter.allocate };
  }

  /** Bench only: collect before every call, so each call's slot count bounds the live peak. */
  async collectEachCall(on: boolean): Promise<void> {
    await this.xs.call("$collectEachCall", { on });
  }

  async close(): Promise<void> {
    this.#bridge.close();
    await this.xs.close();
  }

  async terminate(): Promise<void> {
    await this.xs.terminate();
  }

  #account(meter: XsMeter): void {
    const w = this.#window;
    w.calls++;
    w.compute += meter.compute;
    if (meter.currentHeapCount > w.maxHeapCount) w.maxHeapCount = meter.currentHeapCount;
    w.allocate = meter.allocate;
  }

  async #await<T>(name: string): Promise<T> {
    let value: T | undefined;
    let seen = false;
    const taken = this.xs.nextEvent<T>(name).then((v) => {
      seen = true;
      value = v;
    });
    await runTogether(this.clock, this.xs, () => seen);
    await taken;
    return value as T;
  }
}
