// The AT channel running in XS talks to the EC20 simulator running in Node, through the simulator's
// in-process UART (10 bits per byte at 115200 baud, 128-byte TX FIFO), both on the simulator's
// virtual clock: power-up RDY, commands with echo, an information response, and a deadline.

import test from "ava";
import { createSimulator, VirtualClock } from "../../sim/index";
import { advanceTogether, PortBridge } from "../../hosts/xs/port-link";
import { XsWorker } from "../../hosts/xs/worker";
import type { CommandDone } from "./entries/channel-host";


async function onSimulator(run: (ctx: { xs: XsWorker; clock: VirtualClock; events: { name: string; value: any }[]; until: (done: () => boolean, limitMs?: number) => Promise<void> }) => Promise<void>) {
  const clock = new VirtualClock();
  const sim = createSimulator({ scheduler: clock, deliver: async () => ({ err: 0, protocolError: 0 }) });
  const xs = await XsWorker.start({ entry: "test/xs/entries/channel-host.ts", name: "sim", clock });
  const events: { name: string; value: any }[] = [];
  const until = async (done: () => boolean, limitMs = 60_000) =>
    advanceTogether(clock, xs, () => (events.push(...xs.takeEvents()), done()), { stepMs: 1, limitMs });
  try {
    await xs.call("open", { txCapacity: 128, subscribe: ["RDY"] });
    const bridge = new PortBridge(xs, "modem", sim.openDriverPort, { txCapacity: 128 });
    sim.powerOn();
    await run({ xs, clock, events, until });
    bridge.close();
  } catch (e) {
    await xs.terminate();
    throw e;
  }
  await xs.close();
}

const doneOf = (events: { name: string; value: any }[], line: string): CommandDone | undefined =>
  events.find((e) => e.name === "done" && e.value.line === line)?.value;

test("XS channel + simulator: RDY after power-up, then AT, ATI and AT+CSQ with echo on", async (t) => {
  await onSimulator(async ({ xs, clock, events, until }) => {
    await until(() => events.some((e) => e.name === "urc" && e.value === "RDY"), 20_000);
    t.true(clock.now() >= 12_000, `RDY at ${clock.now()} ms (the modelled boot takes 12 s)`);

    await xs.call("submit", { line: "AT", timeoutMs: 300 });
    await until(() => doneOf(events, "AT") !== undefined);
    t.like(doneOf(events, "AT"), { ok: true });

    await xs.call("submit", { line: "ATI", timeoutMs: 300, expect: "" });
    await until(() => doneOf(events, "ATI") !== undefined);
    t.like(doneOf(events, "ATI"), { ok: true });
    const ati = events.filter((e) => e.name === "info" && e.value.line === "ATI").map((e) => e.value.text);
    t.log(`ATI: ${ati.join(" | ")}; AT took ${doneOf(events, "AT")?.elapsedMs} ms`);
    t.true(ati.includes("Quectel") || ati.some((l: string) => /EC20/.test(l)), `ATI said: ${ati.join(" | ")}`);

    await xs.call("submit", { line: "AT+CSQ", timeoutMs: 300, expect: "+CSQ:" });
    await until(() => doneOf(events, "AT+CSQ") !== undefined);
    const csq = events.find((e) => e.name === "info" && e.value.line === "AT+CSQ")?.value;
    t.is(csq?.fields.length, 2, `+CSQ line: ${csq?.text}`);
    t.like(doneOf(events, "AT+CSQ"), { ok: true });
    // Real UART time: "AT+CSQ\r" out, echo and answer back at 115200 baud, plus the modem's latency.
    t.true(doneOf(events, "AT+CSQ")!.elapsedMs > 1, `took ${doneOf(events, "AT+CSQ")!.elapsedMs} ms`);
    t.like((await xs.call("stats")).value, { overflowLines: 0, strayResults: 0 });
  });
});

test("XS channel + simulator: a command sent before the modem has booted times out on the shared clock", async (t) => {
  await onSimulator(async ({ xs, clock, events, until }) => {
    await xs.call("submit", { line: "AT", timeoutMs: 300 });
    await until(() => doneOf(events, "AT") !== undefined, 2_000);
    t.like(doneOf(events, "AT"), { ok: false, kind: "timeout", elapsedMs: 300 });
    t.true(clock.now() >= 300 && clock.now() < 400, `timed out at ${clock.now()} ms of simulator time`);
  });
});
