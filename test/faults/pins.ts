// Fake PWRKEY / RESET_N / STATUS / supply lines wired to the simulator, as the real pins are wired to
// the EC20: a PWRKEY press of >= 500 ms begun while off turns the module on, >= 650 ms turns a running one off;
// RESET_N released after being held restarts it; STATUS reads 1 while it is powered; cutting the
// supply switches it off. Levels are "asserted = 1" as ModemPower uses them.
import type { Clock, DigitalIn, DigitalOut } from "../../src/host/types";
import type { PowerLines } from "../../src/ec20/power";
import type { Simulator } from "../../sim/index";

export interface PinLog {
  pwrkeyPresses: number[];
  resets: number;
  supplyCuts: number;
}

export function simulatorPins(sim: Simulator, clock: Clock): { lines: PowerLines; log: PinLog } {
  const log: PinLog = { pwrkeyPresses: [], resets: 0, supplyCuts: 0 };
  let pressedAt = -1;
  let pressedWhileOff = false;
  const pwrkey: DigitalOut = {
    write(value) {
      if (value === 1) {
        pressedAt = clock.now();
        pressedWhileOff = sim.modem.power === "off";
        return;
      }
      if (pressedAt < 0) return;
      const held = clock.now() - pressedAt;
      pressedAt = -1;
      log.pwrkeyPresses.push(held);
      const power = sim.modem.power;
      // A press only turns on a module that was off when it began (not one that finished an orderly
      // shutdown while the key was held).
      if (power === "off" && pressedWhileOff && held >= 500) sim.powerOn();
      else if (power !== "off" && held >= 650) sim.powerOff();
    },
  };
  let resetHeld = false;
  const reset: DigitalOut = {
    write(value) {
      if (value === 1) {
        resetHeld = true;
        return;
      }
      if (!resetHeld) return;
      resetHeld = false;
      log.resets++;
      if (sim.modem.power !== "off") sim.reboot();
    },
  };
  const status: DigitalIn = { read: () => (sim.modem.power === "off" ? 0 : 1) };
  const supply: DigitalOut = {
    write(value) {
      if (value === 0 && sim.modem.power !== "off") {
        log.supplyCuts++;
        sim.powerOff();
      }
    },
  };
  return { lines: { pwrkey, reset, status, supply }, log };
}
