// runWake end to end with the REAL mailer: AT channel -> EC20 simulator (in-process UART, real timers,
// scaled timing) -> its SMTP client -> a real smtp-server on loopback, read back with mailparser.
// The app powers the simulated modem on only when something is due, and off again after every wake.
import test from "ava";
import { disableEcho, setNumericErrors, setUrcPort } from "../../src/ec20/commands/general";
import { BODY_MAX_BYTES } from "../../src/ec20/limits";
import { runWake, type ModemControl } from "../../src/app/wake";
import { startRig } from "../mailer/rig";
import { baseConfig, parseCsv, scripted, World } from "./fakes";

const T0 = Date.UTC(2026, 11, 3, 15, 0, 0) / 1000;

test.serial("a day's start on the simulator: an alarm and then the hourly report reach the SMTP server", async (t) => {
  const rig = await startRig({ mode: "plain", settings: (base) => ({ ...base, tls: { verify: false } }) });
  try {
    rig.sim.powerOff(); // the app decides when the modem runs
    let powerOns = 0;
    let powerOffs = 0;
    const modem: ModemControl = {
      async powerOn() {
        powerOns++;
        const ready = new Promise<void>((resolve) => {
          const off = rig.channel.subscribe("RDY", () => {
            off();
            resolve();
          });
        });
        rig.sim.powerOn();
        await ready;
        await disableEcho(rig.channel);
        await setNumericErrors(rig.channel);
        await setUrcPort(rig.channel, "uart1");
      },
      async powerOff() {
        powerOffs++;
        rig.sim.powerOff();
      },
    };
    const values = [70, 71, 72, 73, 74, 75, 90];
    const temp = scripted("temp", "C", (s) => values[Math.min(values.length - 1, Math.floor((s - T0) / 600))]);
    const world = new World(baseConfig({ recipients: ["ops@example.test"] }), [temp]);
    const wake = async () => {
      const ctx = world.boot();
      ctx.mailer = rig.mailer;
      ctx.modem = modem;
      const result = await runWake(ctx);
      world.lastOutbox = ctx.outbox;
      return result;
    };
    for (let i = 0; i < 6; i++) {
      const r = await wake();
      t.false(r.modemUsed);
      world.now += 600;
    }
    t.is(powerOns, 0, "nothing was due: the modem stayed off");
    const r = await wake();
    t.is(r.sent, 2, JSON.stringify({ r, logs: world.logs.slice(-5), app: rig.logs.slice(-5) }));
    t.is(powerOns, 1);
    t.is(powerOffs, 1);
    t.is(rig.sim.inspect().power, "off");
    t.is(world.lastOutbox!.stats().pending, 0);

    t.is(rig.fixture.messages.length, 2);
    const [alarm, report] = rig.fixture.messages;
    t.regex(alarm.parsed.subject ?? "", /^\[ec20-mail #\d+\] node-7 ALARM tank-high: temp 90\.00 C above 80\.00$/);
    t.regex(alarm.parsed.text ?? "", /ALARM raised: rule tank-high on node-7/);
    t.regex(report.parsed.subject ?? "", /^\[ec20-mail #\d+\] node-7 report 2026-12-03 16:00Z$/);
    const text = report.parsed.text ?? "";
    t.regex(text, /temp: min 70\.00, max 90\.00, avg 75\.00, last 90\.00 C \(7 readings\)/);
    t.true(Buffer.byteLength(text) <= BODY_MAX_BYTES);
    const csv = report.parsed.attachments.find((a) => a.filename === "readings.csv");
    t.truthy(csv, "readings.csv attached");
    const rows = parseCsv(csv!.content.toString("latin1"));
    t.deepEqual(rows.map((row) => row.value), values);
    t.deepEqual(rows.map((row) => row.time), values.map((_, i) => T0 + 600 * i));
    t.deepEqual(report.envelope.rcptTo, ["ops@example.test"]);
  } finally {
    await rig.close();
  }
});
