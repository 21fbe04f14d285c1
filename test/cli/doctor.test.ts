// `ec20-mail doctor` on a healthy simulated modem and with faults: each step's verdict, the manual's
// meaning of the code, the hint, and the exit code of the first failed step.
import test from "ava";
import { PASSWORD, runCli, startSimRig } from "./harness";

const verdictOf = (stdout: string, label: string) => new RegExp(`^\\[(PASS|WARN|FAIL|SKIP)\\] ${label}`, "m").exec(stdout)?.[1];

test("a healthy modem passes every step, the test email included", async (t) => {
  const rig = await startSimRig();
  try {
    const run = await runCli(["doctor", ...rig.flags], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    for (const label of ["serial port", "AT", "SIM", "registration", "signal", "network time", "PDP context", "DNS lookup", "connection", "TLS", "login", "delivery"]) {
      t.is(verdictOf(run.stdout, label), "PASS", `${label}\n${run.stdout}`);
    }
    t.regex(run.stdout, /\+CSQ: 30,99 = -53 dBm/);
    t.regex(run.stdout, /\[PASS\] network time +\+CCLK: 20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ \(UTC\+00:00\): the modem has the network's time/);
    t.regex(run.stdout, /IP \d+\.\d+\.\d+\.\d+/);
    t.notRegex(run.stdout, /\[FAIL\]|\[WARN\]/);
    t.regex(run.stdout, /verdict: every check passed/);
    t.is(rig.fixture.messages.length, 1);
    t.deepEqual(rig.fixture.messages[0].envelope.rcptTo, ["sensor7@example.test"], "the test email goes to the sender");
  } finally {
    await rig.close();
  }
});

test("a network that sends no time: a warning with the reason and what it costs, and the rest of the checks go on", async (t) => {
  const rig = await startSimRig({ nitz: false });
  try {
    const run = await runCli(["doctor", ...rig.flags], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "network time"), "WARN");
    t.regex(run.stdout, /\+CCLK: 1980-01-06T\d\d:\d\d:\d\dZ: not set by the network/);
    t.regex(run.stdout, /hint: a device that loses power keeps 1970 dates until the modem has the network's time/);
    t.is(verdictOf(run.stdout, "delivery"), "PASS");
  } finally {
    await rig.close();
  }
});

test("a refused PDP activation fails the PDP step with a hint and exits 4", async (t) => {
  // Uses of AT+QIACT are counted whatever the form: the 1st is the AT+QIACT? listing, the 2nd the activation.
  const rig = await startSimRig({ faults: [{ kind: "error", command: "QIACT", nth: 2 }] });
  try {
    const run = await runCli(["doctor", ...rig.flags], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 4, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "SIM"), "PASS");
    t.is(verdictOf(run.stdout, "PDP context"), "FAIL");
    t.regex(run.stdout, /meaning: AT\+QIACT=1: ERROR without a code/);
    t.regex(run.stdout, /hint: the network refused the data connection: check the APN/);
    t.is(verdictOf(run.stdout, "login"), undefined, "later steps do not run");
    t.is(rig.fixture.connectionCount, 0);
  } finally {
    await rig.close();
  }
});

test("no SIM fails the SIM step with the CME meaning and exits 4", async (t) => {
  const rig = await startSimRig({ simPresent: false });
  try {
    const run = await runCli(["doctor", ...rig.flags, "--no-send"], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 4, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "AT"), "PASS");
    t.is(verdictOf(run.stdout, "SIM"), "FAIL");
    t.regex(run.stdout, /meaning: AT\+CPIN\?: \+CME ERROR: 10 = SIM not inserted/);
    t.regex(run.stdout, /hint: insert the SIM/);
  } finally {
    await rig.close();
  }
});

test("a server certificate the CA did not sign fails the TLS step and exits 5", async (t) => {
  const rig = await startSimRig();
  try {
    const flags = [...rig.flags];
    flags[flags.indexOf("--ca") + 1] = new URL("../../sim/test-certs/other-ca.pem", import.meta.url).pathname;
    const run = await runCli(["doctor", ...flags], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 5, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "connection"), "PASS");
    t.is(verdictOf(run.stdout, "TLS"), "FAIL");
    t.regex(run.stdout, /665 = SSL authentication fail/);
    t.regex(run.stdout, /hint: check --ca/);
  } finally {
    await rig.close();
  }
});

test("a silent port fails the AT step and exits 3", async (t) => {
  const rig = await startSimRig();
  try {
    rig.sim.powerOff(); // the port is there, the modem does not answer
    const run = await runCli(["doctor", ...rig.flags, "--ready-timeout", "2"], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 3, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "serial port"), "PASS");
    t.is(verdictOf(run.stdout, "AT"), "FAIL");
    t.regex(run.stdout, /no answer to AT/);
  } finally {
    await rig.close();
  }
});

test("plain SMTP passes with a TLS warning (exit 0)", async (t) => {
  const rig = await startSimRig({ mode: "plain" });
  try {
    const run = await runCli(["doctor", ...rig.flags], { EC20_SMTP_PASSWORD: PASSWORD });
    t.is(run.code, 0, run.stdout + run.stderr);
    t.is(verdictOf(run.stdout, "TLS"), "WARN");
    t.regex(run.stdout, /hint: the password and the email cross the network unencrypted/);
    t.is(verdictOf(run.stdout, "login"), "PASS");
  } finally {
    await rig.close();
  }
});
