// The ESP32 Clock over Moddable's Timer/Time and the modem's control lines over embedded:io/digital.

import test from "ava";
import { Esp32Clock } from "../../hosts/esp32/clock";
import type { TimerModule } from "../../hosts/esp32/io";
import { openModemPins } from "../../hosts/esp32/pins";
import { VirtualClock } from "../at/fakes";
import { fakeDigitalClass } from "./fakes";
import { PINS } from "./rig";

/** Moddable's timer as the ESP32 runtime behaves: clearing an id whose one-shot already fired throws. */
function strictTimer(clock: VirtualClock): TimerModule & { live: Set<number> } {
  const live = new Set<number>();
  const handles = new Map<number, unknown>();
  let next = 1;
  return {
    live,
    set(callback, interval = 0) {
      const id = next++;
      live.add(id);
      handles.set(id, clock.setTimer(() => {
        live.delete(id);
        callback(id);
      }, interval));
      return id;
    },
    clear(id) {
      if (!live.has(id)) throw new Error("invalid timer id");
      live.delete(id);
      clock.clearTimer(handles.get(id));
    },
  };
}

test("the clock's timers fire once, and clearing one that already fired is harmless", (t) => {
  const virtual = new VirtualClock();
  const timer = strictTimer(virtual);
  const clock = new Esp32Clock(timer, { get ticks() { return virtual.now(); } });
  const fired: number[] = [];
  const a = clock.setTimer(() => fired.push(clock.now()), 100);
  const b = clock.setTimer(() => fired.push(-1), 200);
  virtual.advance(150);
  t.deepEqual(fired, [100]);
  t.notThrows(() => clock.clearTimer(a), "a spent id is never handed back to Timer.clear");
  clock.clearTimer(b);
  virtual.advance(500);
  t.deepEqual(fired, [100], "a cleared timer does not fire");
  t.is(timer.live.size, 0);
});

test("outputs start released; through an NPN transistor (assert level 1) a press drives the GPIO high", (t) => {
  const Digital = fakeDigitalClass(new VirtualClock());
  const pins = openModemPins(Digital, PINS);
  t.is(Digital.pins.get(25)!.level, 0, "PWRKEY released");
  t.is(Digital.pins.get(26)!.level, 0, "RESET_N released");
  t.is(Digital.pins.get(27)!.level, 0, "DTR low keeps the module awake");
  t.is(Digital.pins.get(33)!.level, 1, "supply switched on");
  pins.pwrkey.write(1);
  t.is(Digital.pins.get(25)!.level, 1);
});

test("wired straight (assert level 0) the same press drives the GPIO low, and STATUS polarity is honoured", (t) => {
  const Digital = fakeDigitalClass(new VirtualClock());
  const pins = openModemPins(Digital, { ...PINS, pwrkeyAssertLevel: 0, statusOnLevel: 0 });
  t.is(Digital.pins.get(25)!.level, 1, "released = high when PWRKEY is driven directly");
  pins.pwrkey.write(1);
  t.is(Digital.pins.get(25)!.level, 0);
  Digital.pins.get(34)!.input = 0;
  t.is(pins.status!.read(), 1, "a low STATUS pin means on with this wiring");
});

test("lines set to -1 are not opened, and close() releases every GPIO", (t) => {
  const Digital = fakeDigitalClass(new VirtualClock());
  const pins = openModemPins(Digital, { ...PINS, reset: -1, status: -1, dtr: -1, supply: -1 });
  t.deepEqual([...Digital.pins.keys()], [25]);
  t.is(pins.reset, undefined);
  t.is(pins.status, undefined);
  pins.close();
  t.true(Digital.pins.get(25)!.closed);
});
