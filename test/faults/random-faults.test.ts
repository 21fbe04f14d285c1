// Generated fault plans through the whole device (app + outbox + mailer + ladder + simulator + real
// SMTP server): bytes lost or corrupted at random places on either wire, junk and stray URCs before
// random answers, silent or hung commands. Whatever the plan, the alarm reaches the server (at most
// twice, with the same id: a lost `+QSMTPPUT: 0,0` makes a resend) or, when a corruption made it fail
// for good (e.g. a damaged CA file: 665), the next report says so; nothing stays queued, and the
// modem is off after every wake. Bounded: a few dozen plans, each at most ten wakes.
import test from "ava";
import fc from "fast-check";
import type { Fault } from "../../sim/index";
import { startDevice } from "./app-rig";

const ALARM = / ALARM tank-high: /;
type Delivered = { subject: string; body: string }[];
/** A report was delivered that counts a permanent failure (the alarm was refused for good). */
const reportedFailure = (d: Delivered) => d.some((x) => / report /.test(x.subject) && /Emails failed permanently: [1-9]/.test(x.body));
const settled = (d: Delivered) => d.some((x) => ALARM.test(x.subject)) || reportedFailure(d);

const COMMANDS = ["QSMTPCFG", "QSSLCFG", "QSMTPDST", "QSMTPSUB", "QSMTPBODY", "QSMTPPUT", "QIACT", "CPIN", "QSMTPCLR"];

const faultArb: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({ kind: fc.constantFrom("lose" as const, "corrupt" as const), direction: fc.constantFrom("toHost" as const, "toModem" as const), offset: fc.nat(1500), count: fc.integer({ min: 1, max: 12 }) }),
  fc.record({ kind: fc.constant("garbage" as const), command: fc.constantFrom(...COMMANDS), nth: fc.integer({ min: 1, max: 2 }), text: fc.string({ maxLength: 30 }).map((s) => `${s}\r\n`) }),
  fc.record({ kind: fc.constant("noise" as const), command: fc.constantFrom(...COMMANDS), nth: fc.constant(1), text: fc.constantFrom("+CREG: 0,1", "RING", "+QIURC: \"recv\",0", "OK") }),
  fc.record({ kind: fc.constant("silent" as const), command: fc.constantFrom(...COMMANDS), nth: fc.constant(1) }),
  fc.record({ kind: fc.constant("hang" as const), command: fc.constantFrom(...COMMANDS), nth: fc.constant(1), until: fc.constantFrom("escape" as const, "reset" as const, "power" as const) }),
);

test("random fault plans: the alarm is delivered (once, or twice with the same id) or reported failed, nothing stays queued, the modem ends off", async (t) => {
  let runs = 0;
  let reported = 0;
  const reportedPlans: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.array(faultArb, { minLength: 1, maxLength: 3 }), async (faults) => {
      runs++;
      const device = await startDevice({ name: "random", simFaults: faults });
      const states: string[] = [];
      try {
        for (let n = 1; n <= 10; n++) {
          const result = await device.wake();
          if (result !== "power-lost") states.push(device.sim.modem.power);
          if (settled(device.deliveries) && device.recoveredOutbox().stats().pending === 0) break;
          await device.sleep(result === "power-lost" ? 30 : result.sleepS);
        }
      } finally {
        await device.close("random-faults-last");
      }
      const plan = JSON.stringify(faults);
      const alarms = device.deliveries.filter((d) => ALARM.test(d.subject));
      const ids = alarms.map((d) => /#(\d+)\]/.exec(d.subject)?.[1]);
      if (ids.length > 2 || ids.some((id) => id !== ids[0])) throw new Error(`deliveries ${JSON.stringify(ids)} for ${plan}`);
      if (ids.length === 0 && !reportedFailure(device.deliveries)) throw new Error(`neither delivered nor reported: ${plan}`);
      if (ids.length === 0) {
        reported++;
        if (reportedPlans.length < 5) reportedPlans.push(`${plan} -> ${/last code \d+/.exec(device.deliveries.map((d) => d.body).join(" "))?.[0]}`);
      }
      if (device.recoveredOutbox().stats().pending !== 0) throw new Error(`still queued after 10 wakes: ${plan}`);
      if (states.some((s) => s !== "off")) throw new Error(`modem left ${states.join(",")}: ${plan}`);
    }),
    { numRuns: Number(process.env.FAULT_RUNS ?? 40), interruptAfterTimeLimit: 60_000, seed: Number(process.env.FAULT_SEED ?? 20261203) },
  );
  t.log(`${runs} plans, ${reported} ended as a reported permanent failure`);
  for (const p of reportedPlans) t.log(`  reported: ${p}`);
  t.true(runs > 0);
});
