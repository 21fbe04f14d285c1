// Builds the ESP32 host the way main.ts does (pins, UART link, AT channel, power control) on the fake
// Moddable classes and a fake EC20, all on one virtual clock.

import { AtChannel } from "../../src/at/channel";
import { ModemPower } from "../../src/ec20/power";
import type { PowerTiming } from "../../src/ec20/power";
import { openModemPins } from "../../hosts/esp32/pins";
import type { PinSettings } from "../../hosts/esp32/pins";
import { Esp32SerialLink } from "../../hosts/esp32/serial";
import { VirtualClock } from "../at/fakes";
import { FakeEc20 } from "./modem";
import type { FakeEc20Options } from "./modem";
import { fakeDigitalClass, fakeSerialClass, Wire } from "./fakes";
import type { FakePin } from "./fakes";

export const PINS: PinSettings = {
  pwrkey: 25,
  pwrkeyAssertLevel: 1,
  reset: 26,
  resetAssertLevel: 1,
  status: 34,
  statusOnLevel: 1,
  dtr: 27,
  supply: 33,
};

export interface RigOptions {
  modem?: FakeEc20Options;
  pins?: Partial<PinSettings>;
  fastBaud?: number;
  timing?: Partial<PowerTiming>;
}

export function makeRig(options: RigOptions = {}) {
  const clock = new VirtualClock();
  const wire = new Wire(clock);
  const Serial = fakeSerialClass(wire);
  const Digital = fakeDigitalClass(clock);
  const settings = { ...PINS, ...options.pins };
  const pins = openModemPins(Digital, settings);
  const pin = (n: number): FakePin => {
    const p = Digital.pins.get(n);
    if (!p) throw new Error(`GPIO ${n} not opened`);
    return p;
  };
  const modem = new FakeEc20(
    wire,
    clock,
    {
      pwrkey: pin(settings.pwrkey),
      reset: settings.reset >= 0 ? pin(settings.reset) : undefined,
      status: settings.status >= 0 ? pin(settings.status) : undefined,
    },
    options.modem,
  );
  const link = new Esp32SerialLink(Serial, { port: 2, receive: 16, transmit: 17, baud: 115200 });
  const log: string[] = [];
  const channel = new AtChannel({ open: link.open, clock, log: (level, message) => log.push(`${level}: ${message}`) });
  const power = new ModemPower({
    channel,
    clock,
    lines: { pwrkey: pins.pwrkey, reset: pins.reset, status: pins.status, supply: pins.supply },
    log: (level, message) => log.push(`${level}: ${message}`),
    baseBaud: 115200,
    fastBaud: options.fastBaud,
    setHostBaud: (baud) => link.setBaud(baud),
    timing: options.timing,
  });
  return { clock, wire, Serial, Digital, pins, pin, modem, link, channel, power, log, settings };
}

export interface Settled<T> {
  value?: T;
  error?: unknown;
  /** Virtual time at which the promise settled. */
  at: number;
}

/** Advances virtual time in small steps until `promise` settles (or `limitMs` passes). */
export async function settle<T>(clock: VirtualClock, promise: Promise<T>, limitMs = 200_000, stepMs = 5): Promise<Settled<T>> {
  let result: Settled<T> | undefined;
  promise.then(
    (value) => (result = { value, at: clock.now() }),
    (error) => (result = { error, at: clock.now() }),
  );
  const end = clock.now() + limitMs;
  for (;;) {
    // Promise reactions are microtasks: let them run before time moves again.
    for (let i = 0; i < 5; i++) await Promise.resolve();
    if (result) return result;
    if (clock.now() >= end) throw new Error(`did not settle within ${limitMs} ms of virtual time`);
    clock.advance(stepMs);
  }
}
