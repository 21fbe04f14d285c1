// `ec20-mail run` (the app's wake cycle against the simulated modem, outbox in a file) and
// `ec20-mail sim` (the simulator and SMTP server as a process that a `send` can use).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import test from "ava";
import { simpleParser } from "mailparser";
import { CA, PASSWORD, runCli, startCli, startSimRig } from "./harness";

const scratch = mkdtempSync(path.join(os.tmpdir(), "ec20-cli-run-"));

test("run: two wakes raise and clear an alarm, both delivered; the outbox and state persist in the data folder", async (t) => {
  const rig = await startSimRig();
  try {
    const app = path.join(scratch, "app.json");
    writeFileSync(app, JSON.stringify({
      deviceName: "node-7", recipients: ["ops@example.test"], reportPeriodS: 3600, samplePeriodS: 600,
      rules: [{ id: "tank-high", source: "temp", direction: "above", threshold: 80, hysteresis: 2 }],
      sources: [{ id: "temp", unit: "C", base: 70, excursions: [{ afterS: 0, forS: 300, offset: 20 }] }],
    }));
    const data = path.join(scratch, "data");
    const run = await runCli(["run", ...rig.flags, "--app", app, "--data", data, "--wakes", "2", "--no-sleep", "--start", "2026-12-03T15:05:00Z"], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    t.regex(run.stdout, /wake 1 at 2026-12-03T15:05:00Z: .*alarms queued 1.*modem used: sent 1, failed 0/);
    t.regex(run.stdout, /wake 2 at 2026-12-03T15:15:00Z: .*alarms queued 1.*modem used: sent 1, failed 0/);
    t.regex(run.stdout, /2 wake\(s\): 2 email\(s\) delivered/);
    const subjects = rig.fixture.messages.map((m) => m.parsed.subject);
    t.regex(subjects[0] ?? "", /^\[ec20-mail #1\] node-7 ALARM tank-high: temp 90\.00 C above 80\.00$/);
    t.regex(subjects[1] ?? "", /^\[ec20-mail #2\] node-7 cleared tank-high/);
    t.deepEqual(readdirSync(data).sort(), ["clock.json", "state.bin", "storage.bin"]);

    // A second run continues from the saved state: no alarm is raised twice, ids go on.
    const again = await runCli(["run", ...rig.flags, "--app", app, "--data", data, "--wakes", "1", "--no-sleep"], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(again.code, 0, again.stdout + again.stderr);
    t.notRegex(again.stdout, /app state missing/);
    t.regex(again.stdout, /wake 1 at 2026-12-03T15:25:00Z: .*alarms queued 0, report not due, modem not needed/);
    t.is(rig.fixture.messages.length, 2);
  } finally {
    await rig.close();
  }
});

test("sim: prints its pty and SMTP port, a send through it lands in the mailbox folder", async (t) => {
  const mailbox = path.join(scratch, "mailbox");
  const sim = startCli(["sim", "--mailbox", mailbox, "--time-factor", "0.05"], { EC20_SMTP_PASSWORD: PASSWORD });
  try {
    const [, device] = await sim.waitFor(/EC20 simulator on (\/dev\/\S+)/);
    const [, port] = await sim.waitFor(/SMTP server on 127\.0\.0\.1:(\d+) \(tls\)/);
    await sim.waitFor(/^try: /m);
    const send = await runCli(["send", "--device", device, "--server", "127.0.0.1", "--port", port, "--ssltype", "1", "--ca", CA,
      "--user", "sensor", "--from", "sensor@example.test", "--to", "you@example.test", "--subject", "hello from a test", "--body", "hi"],
      { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(send.code, 0, send.stdout + send.stderr);
    const [, file] = await sim.waitFor(/received #1: .*subject "hello from a test" -> (\S+\.eml)/);
    const parsed = await simpleParser(readFileSync(file));
    t.is(parsed.subject, "hello from a test");
    t.is(path.dirname(file), mailbox);
  } finally {
    sim.child.kill("SIGTERM");
  }
  t.is(await sim.exited, 0, sim.stderr);
  t.regex(sim.stdout, /simulator stopped/);
});

test("sim: a bad fault spec is a usage error", async (t) => {
  const run = await runCli(["sim", "--fault", "explode:now"]);
  t.is(run.code, 1);
  t.regex(run.stderr, /--fault: bad fault: explode:now/);
});
