// The recovery ladder against the simulator: each kind of silence is ended by the cheapest rung that
// can end it, and the modem answers AT afterwards with its start-up settings in place.
import test from "ava";
import { AtChannel } from "../../src/at/channel";
import { ScriptedPort, VirtualClock } from "../at/fakes";
import { buildCommand } from "../../src/ec20/commands/declare";
import { AT } from "../../src/ec20/commands/general";
import { RecoveryError } from "../../src/ec20/recovery";
import { parseFault } from "../../sim/index";
import { startModemRig, type ModemRig } from "./modem-rig";

async function bootAndHang(rig: ModemRig, command = "CSQ") {
  await rig.drive(rig.recovery.start());
  // The hang fires on the first AT+CSQ; the command itself then times out.
  const failed = await rig.drive(rig.channel.run({ ...buildCommand(AT), line: `AT+${command}`, timeoutMs: 300 }).then(() => "ok", (e: Error) => e.message));
  return failed;
}

async function answersAt(rig: ModemRig) {
  return rig.drive(rig.channel.run(buildCommand(AT)).then(() => true, () => false));
}

test("a modem that answers: rung 1 (AT probe), nothing pressed", async (t) => {
  const rig = startModemRig();
  await rig.drive(rig.recovery.start());
  const presses = rig.pins.pwrkeyPresses.length;
  const result = await rig.drive(rig.recovery.recover());
  t.is(result.rung, "probe");
  t.false(result.restarted);
  t.is(rig.pins.pwrkeyPresses.length, presses);
  t.is(rig.pins.resets, 0);
});

test("stuck in data mode: +++ with guard times brings it back without a restart", async (t) => {
  const rig = startModemRig({ faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "escape" }] });
  t.regex(await bootAndHang(rig), /timeout/);
  t.true(rig.sim.inspect().inDataMode);
  const result = await rig.drive(rig.recovery.recover());
  t.is(result.rung, "escape");
  t.false(result.restarted);
  t.is(rig.pins.resets, 0);
  t.is(rig.sim.modem.stats.reboots, 0);
  t.true(result.ms >= 2000, "two guard times of silence");
  t.true(await answersAt(rig));
});

test("a firmware hang: RESET_N restarts it, and the start-up settings are sent again", async (t) => {
  const rig = startModemRig({ faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "reset" }] });
  await bootAndHang(rig);
  const result = await rig.drive(rig.recovery.recover());
  t.is(result.rung, "reset");
  t.true(result.restarted);
  t.is(rig.pins.resets, 1);
  const s = rig.sim.inspect();
  t.false(s.echo, "ATE0 again after the restart");
  t.is(s.cmee, 1);
  t.true(await answersAt(rig));
});

test("RESET_N does not help: PWRKEY power cycle", async (t) => {
  const rig = startModemRig({ faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "power" }] });
  await bootAndHang(rig);
  const result = await rig.drive(rig.recovery.recover());
  t.is(result.rung, "power-cycle");
  t.true(result.restarted);
  t.is(rig.pins.resets, 1, "RESET_N was tried first");
  t.true(rig.pins.pwrkeyPresses.some((ms) => ms >= 650), "a long press switched the hung module off");
  t.true(await answersAt(rig));
});

test("no RESET_N wired: the ladder goes from +++ to the power cycle", async (t) => {
  const rig = startModemRig({ hasResetLine: false, faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "reset" }] });
  await bootAndHang(rig);
  const result = await rig.drive(rig.recovery.recover());
  t.is(result.rung, "power-cycle");
  t.is(rig.pins.resets, 0);
  t.true(await answersAt(rig));
});

test("a module that never comes back: a typed, retryable RecoveryError naming every rung", async (t) => {
  const rig = startModemRig({ faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "power" }] });
  await bootAndHang(rig);
  // The supply is gone for good: presses do nothing any more.
  rig.sim.powerOn = () => {};
  rig.sim.modem.powerOn = () => {};
  const error = await rig.drive(rig.recovery.recover()).catch((e: unknown) => e);
  t.true(error instanceof RecoveryError);
  const r = error as RecoveryError;
  t.deepEqual(r.tried, ["probe", "escape", "reset", "power-cycle"]);
  t.true(r.retryable);
  t.is(r.power?.kind, "no-rdy");
});

test("start() on a module left hung by the previous wake recovers it instead of failing", async (t) => {
  const rig = startModemRig({ faults: [{ kind: "hang", command: "CSQ", nth: 1, until: "reset" }] });
  await bootAndHang(rig);
  // The ESP32 slept and woke; the modem stayed powered and hung (STATUS 1, no answers).
  const result = await rig.drive(rig.recovery.start());
  t.true(result.restarted);
  t.is(result.rung, "reset");
  t.true(await answersAt(rig));
});

// AtChannel.escape on its own (the ladder's rung 2), against a scripted port.

test("escape: 1 s of silence, +++ without CR, 1 s of silence, then OK ends it; queued commands wait their turn", (t) => {
  const clock = new VirtualClock();
  const port = new ScriptedPort(128);
  const channel = new AtChannel({ open: port.open, clock });
  const outcomes: string[] = [];
  channel.escape(2000, (e) => outcomes.push(e ? e.kind : "escaped"));
  channel.submit({ line: "AT", timeoutMs: 300 }, (e) => outcomes.push(e ? e.kind : "at-ok"));
  clock.advance(999);
  t.is(port.takeWritten(), "", "nothing during the leading guard time");
  clock.advance(1);
  t.is(port.takeWritten(), "+++", "the escape alone, no CR");
  clock.advance(999);
  port.receiveText("\r\nOK\r\n"); // an early OK is still the answer
  t.deepEqual(outcomes, ["escaped"]);
  t.is(port.takeWritten(), "AT\r", "the next command only after the escape ended");
  port.receiveText("\r\nOK\r\n");
  t.deepEqual(outcomes, ["escaped", "at-ok"]);
});

test("escape: a modem that stays silent ends it with a timeout after the trailing guard time", (t) => {
  const clock = new VirtualClock();
  const port = new ScriptedPort(128);
  const channel = new AtChannel({ open: port.open, clock });
  const outcomes: string[] = [];
  channel.escape(2000, (e) => outcomes.push(e ? e.kind : "escaped"));
  clock.advance(1000 + 1000 + 1999);
  t.deepEqual(outcomes, []);
  clock.advance(1);
  t.deepEqual(outcomes, ["timeout"]);
  channel.close();
  channel.escape(2000, (e) => outcomes.push(e ? e.kind : "escaped"));
  t.deepEqual(outcomes, ["timeout", "closed"], "a closed channel answers at once");
});

test("the simulator's hang fault parses from the CLI syntax", (t) => {
  t.deepEqual(parseFault("hang:QSMTPSUB#2=power"), { kind: "hang", command: "QSMTPSUB", nth: 2, until: "power" });
  t.throws(() => parseFault("hang:QSMTPSUB#1=forever"));
});

test("start() on a healthy module: powered on and configured, no ladder", async (t) => {
  const rig = startModemRig();
  const result = await rig.drive(rig.recovery.start());
  t.is(result.rung, "none");
  t.true(result.restarted, "it booted");
  t.is(rig.pins.pwrkeyPresses.length, 1);
  t.false(rig.sim.inspect().echo);
});
