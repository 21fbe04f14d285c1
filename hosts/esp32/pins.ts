// The EC20 control lines on ESP32 GPIOs through `embedded:io/digital`: PWRKEY, RESET_N, DTR (outputs),
// STATUS (input) and an optional supply switch. src/ec20/power.ts speaks of lines being *asserted*
// (1 = PWRKEY pressed, RESET_N held, supply on, STATUS saying "on"); this module maps that onto pin
// levels, because the usual wiring drives PWRKEY and RESET_N through an NPN transistor (GPIO high
// pulls the modem's pin low) while direct wiring through a level shifter does not invert.

import type { DigitalIn, DigitalOut } from "../../src/host/types";
import type { DigitalClass, DigitalDevice } from "./io";

export interface PinSettings {
  pwrkey: number;
  /** GPIO level that presses PWRKEY: 1 through an NPN transistor, 0 when wired straight. */
  pwrkeyAssertLevel: 0 | 1;
  /** -1 when RESET_N is not wired. */
  reset: number;
  resetAssertLevel: 0 | 1;
  /** -1 when STATUS is not wired. */
  status: number;
  /** GPIO level STATUS shows while the modem is on. */
  statusOnLevel: 0 | 1;
  /** -1 when DTR is not wired (then the modem must not be put in AT+QSCLK=1 sleep). */
  dtr: number;
  /** -1 when VBAT is always on; else a GPIO driving a load switch (assert level 1 = supply on). */
  supply: number;
}

export interface ModemPins {
  pwrkey: DigitalOut;
  reset: DigitalOut | undefined;
  status: DigitalIn | undefined;
  /** Raw level on the modem's DTR: 0 keeps the module awake (AT+QSCLK=1 sleeps only while DTR is high). */
  dtr: DigitalOut | undefined;
  supply: DigitalOut | undefined;
  close(): void;
}

/** An output that writes `assertLevel` for 1 and the opposite for 0. */
class PolarOutput implements DigitalOut {
  readonly #device: DigitalDevice;
  readonly #assertLevel: 0 | 1;
  constructor(device: DigitalDevice, assertLevel: 0 | 1) {
    this.#device = device;
    this.#assertLevel = assertLevel;
  }
  write(value: 0 | 1): void {
    this.#device.write(value === 1 ? this.#assertLevel : this.#assertLevel === 1 ? 0 : 1);
  }
}

class PolarInput implements DigitalIn {
  readonly #device: DigitalDevice;
  readonly #onLevel: 0 | 1;
  constructor(device: DigitalDevice, onLevel: 0 | 1) {
    this.#device = device;
    this.#onLevel = onLevel;
  }
  read(): 0 | 1 {
    return this.#device.read() === this.#onLevel ? 1 : 0;
  }
}

/** Opens the wired lines and drives every output to its released level at once. */
export function openModemPins(Digital: DigitalClass, settings: PinSettings): ModemPins {
  const opened: DigitalDevice[] = [];
  const output = (pin: number, assertLevel: 0 | 1, initial: 0 | 1): DigitalOut => {
    const device = new Digital({ pin, mode: Digital.Output });
    opened.push(device);
    const line = new PolarOutput(device, assertLevel);
    line.write(initial);
    return line;
  };
  try {
    const pwrkey = output(settings.pwrkey, settings.pwrkeyAssertLevel, 0);
    const reset = settings.reset >= 0 ? output(settings.reset, settings.resetAssertLevel, 0) : undefined;
    let status: DigitalIn | undefined;
    if (settings.status >= 0) {
      const device = new Digital({ pin: settings.status, mode: Digital.Input });
      opened.push(device);
      status = new PolarInput(device, settings.statusOnLevel);
    }
    // DTR low = awake; the modem boots with it low so AT+QSCLK sleep never starts behind our back.
    const dtr = settings.dtr >= 0 ? output(settings.dtr, 1, 0) : undefined;
    // A supply switch is left as it is found asserted (on): power.ts decides when to cut it.
    const supply = settings.supply >= 0 ? output(settings.supply, 1, 1) : undefined;
    return {
      pwrkey,
      reset,
      status,
      dtr,
      supply,
      close() {
        for (const device of opened) device.close();
        opened.length = 0;
      },
    };
  } catch (e) {
    for (const device of opened) device.close();
    throw e;
  }
}
