// EC20 power control (src/ec20/power.ts) on the ESP32 host, against a fake EC20 wired to fake GPIOs and
// UART on a virtual clock: what happens on PWRKEY, RESET_N and the supply line, and when.

import test from "ava";
import { PowerError } from "../../src/ec20/power";
import type { LevelChange } from "./fakes";
import { makeRig, settle } from "./rig";

/** Intervals during which an output was at `level` (end = undefined while it still is). */
function pulses(history: LevelChange[], level: 0 | 1): { start: number; end: number | undefined }[] {
  const out: { start: number; end: number | undefined }[] = [];
  for (let i = 0; i < history.length; i++) {
    if (history[i].level !== level) continue;
    out.push({ start: history[i].at, end: history[i + 1]?.at });
  }
  return out;
}

test("power-on presses PWRKEY for 600 ms (>= 500), then waits for RDY, which comes ~12 s later", async (t) => {
  const rig = makeRig();
  const result = await settle(rig.clock, rig.power.powerOn());
  t.is(result.value, "booted");
  const presses = pulses(rig.pin(25).history, 1);
  t.is(presses.length, 1, "one press");
  t.is(presses[0].end! - presses[0].start, 600);
  // The fake EC20 sends RDY 12 s after the press ends; the wait (15 s) counts from the press.
  t.true(result.at >= 12_600 && result.at < 12_700, `RDY at ${result.at} ms`);
  t.is(rig.pin(34).read(), 1, "STATUS is on");
  t.deepEqual(rig.modem.lines, [], "no AT command before RDY: STATUS said the modem was off");
});

test("power-on does not press PWRKEY when STATUS shows the modem is on and it answers AT", async (t) => {
  const rig = makeRig({ modem: { startOn: true } });
  const result = await settle(rig.clock, rig.power.powerOn());
  t.is(result.value, "already-on");
  t.deepEqual(pulses(rig.pin(25).history, 1), [], "a press could have turned it off");
  t.deepEqual(rig.modem.lines, ["AT"]);
});

test("without a STATUS line, power-on asks with AT first and presses PWRKEY only when nothing answers", async (t) => {
  const rig = makeRig({ pins: { status: -1 } });
  const result = await settle(rig.clock, rig.power.powerOn());
  t.is(result.value, "booted");
  const presses = pulses(rig.pin(25).history, 1);
  t.is(presses.length, 1);
  t.is(presses[0].start, 1000, "pressed after the 1 s AT probe timed out");
  t.is(presses[0].end! - presses[0].start, 600);
});

test("without STATUS, a modem left running at the fast rate by a host reset is found there, not switched off", async (t) => {
  const rig = makeRig({ pins: { status: -1 }, fastBaud: 921600, modem: { startOn: true, startBaud: 921600 } });
  const result = await settle(rig.clock, rig.power.powerOn());
  t.is(result.value, "already-on");
  t.deepEqual(pulses(rig.pin(25).history, 1), []);
  t.is(rig.link.baud, 921600);
  t.is(rig.power.baud, 921600);
});

test("a RDY that never reaches the UART (URC port still USB) is covered by AT probes", async (t) => {
  const rig = makeRig({ modem: { sendRdy: false } });
  const result = await settle(rig.clock, rig.power.powerOn());
  t.is(result.value, "booted-without-rdy");
  t.true(result.at >= 15_000 && result.at < 16_000, `answered at ${result.at} ms`);
  t.true(rig.log.some((l) => l.includes("no RDY")));
});

test("a modem that never boots gives PowerError no-rdy after 15 s and three probes", async (t) => {
  // The modem expects a low-active PWRKEY: our presses never reach it.
  const rig = makeRig({ modem: { pwrkeyAssertLevel: 0 } });
  const result = await settle(rig.clock, rig.power.powerOn());
  t.true(result.error instanceof PowerError);
  const error = result.error as PowerError;
  t.is(error.kind, "no-rdy");
  t.true(error.retryable);
  t.is(result.at, 15_000 + 3 * 1000);
});

test("reset holds RESET_N for 300 ms (inside 150-460 ms) and waits for RDY", async (t) => {
  const rig = makeRig({ modem: { startOn: true } });
  const result = await settle(rig.clock, rig.power.reset());
  t.is(result.value, "booted");
  const holds = pulses(rig.pin(26).history, 1);
  t.is(holds.length, 1);
  t.is(holds[0].end! - holds[0].start, 300);
  t.deepEqual(rig.modem.events.map((e) => e.what), ["boot (reset)", "ready"]);
});

test("reset without a RESET_N line is a typed, non-retryable error", async (t) => {
  const rig = makeRig({ pins: { reset: -1 } });
  const result = await settle(rig.clock, rig.power.reset());
  t.is((result.error as PowerError).kind, "no-reset-line");
  t.false((result.error as PowerError).retryable);
});

test("start-up settings: echo off, numeric errors, URCs to the UART, then the fast rate on both ends", async (t) => {
  const rig = makeRig();
  await settle(rig.clock, rig.power.powerOn());
  const result = await settle(rig.clock, rig.power.configure({ baud: 921600 }));
  t.is(result.error, undefined);
  t.deepEqual(rig.modem.lines, ["ATE0", "AT+CMEE=1", 'AT+QURCCFG="urcport","uart1"', "AT+IPR=921600", "AT"]);
  t.is(rig.modem.baud, 921600);
  t.is(rig.link.baud, 921600);
  t.is(rig.power.baud, 921600);
  t.false(rig.modem.echo);
});

test("a rate AT+IPR does not accept is refused before anything is sent", async (t) => {
  const rig = makeRig({ modem: { startOn: true } });
  const result = await settle(rig.clock, rig.power.configure({ baud: 250000 }));
  t.is((result.error as PowerError).kind, "bad-baud");
  t.false(rig.modem.lines.includes("AT+IPR=250000"));
});

test("power-off: AT+QPOWD=1, POWERED DOWN, then 1 s before the supply is cut", async (t) => {
  const rig = makeRig({ modem: { startOn: true } });
  const result = await settle(rig.clock, rig.power.powerOff());
  t.is(result.error, undefined);
  t.deepEqual(rig.modem.lines, ["AT+QPOWD=1"]);
  const off = rig.modem.events.find((e) => e.what === "off")!;
  const cut = pulses(rig.pin(33).history, 0);
  t.is(cut.length, 1, "the supply was switched off once");
  t.true(cut[0].start >= off.at + 1000, `cut at ${cut[0].start}, POWERED DOWN at ${off.at}`);
  t.true(cut[0].start <= off.at + 1010);
});

test("power-off cuts the supply at 65 s when POWERED DOWN never comes, and says so", async (t) => {
  const rig = makeRig({ modem: { startOn: true, sendPoweredDown: false } });
  const result = await settle(rig.clock, rig.power.powerOff());
  const error = result.error as PowerError;
  t.true(error instanceof PowerError);
  t.is(error.kind, "no-powered-down");
  t.is(result.at, 65_000);
  t.deepEqual(pulses(rig.pin(33).history, 0).map((p) => p.start), [65_000]);
});

test("power-off falls back to a 750 ms PWRKEY press when the modem refuses AT+QPOWD", async (t) => {
  const rig = makeRig({ modem: { startOn: true, refusePowerDown: true } });
  const result = await settle(rig.clock, rig.power.powerOff());
  t.is(result.error, undefined);
  const presses = pulses(rig.pin(25).history, 1);
  t.is(presses.length, 1);
  t.is(presses[0].end! - presses[0].start, 750, ">= 650 ms turns a running EC20 off");
  t.deepEqual(rig.modem.events.map((e) => e.what), ["shutdown (pwrkey)", "off"]);
});

test("power-off of a modem STATUS shows off sends nothing and presses nothing (a press would switch it on)", async (t) => {
  const rig = makeRig();
  const result = await settle(rig.clock, rig.power.powerOff());
  t.is(result.error, undefined);
  t.is(result.at, 0);
  t.deepEqual(rig.modem.lines, []);
  t.deepEqual(pulses(rig.pin(25).history, 1), []);
  t.is(rig.modem.state, "off");
});

test("without STATUS, an unanswered AT+QPOWD does not press PWRKEY: power is cut at 65 s", async (t) => {
  const rig = makeRig({ pins: { status: -1 } });
  const result = await settle(rig.clock, rig.power.powerOff());
  t.is((result.error as PowerError).kind, "no-powered-down");
  t.deepEqual(pulses(rig.pin(25).history, 1), []);
  t.is(rig.modem.state, "off", "the modem that was off stays off");
});

test("one power operation at a time: a second call is refused as busy", async (t) => {
  const rig = makeRig();
  const first = rig.power.powerOn();
  const second = await settle(rig.clock, rig.power.powerOff());
  t.is((second.error as PowerError).kind, "busy");
  t.is((await settle(rig.clock, first)).value, "booted");
});

test("after a full cycle no timer or subscription is left behind", async (t) => {
  const rig = makeRig();
  await settle(rig.clock, rig.power.powerOn());
  await settle(rig.clock, rig.power.configure());
  await settle(rig.clock, rig.power.powerOff());
  rig.clock.advance(100_000);
  t.is(rig.clock.pendingTimers, 0);
});
