// Secrets never leave in anything printed: traces (the driver's and the simulator's), logs, error
// messages and results, whether the send works or fails at the very command that carries the secret.
// Everything each run produced is also written to test-output/security/, which scan-output.mjs greps
// after the whole suite. And TLS verification stays on: every SMTP session the modem opens verifies
// the server, also after the modem restarted and forgot its SSL settings.
import test from "ava";
import { mkdirSync, writeFileSync } from "node:fs";
import type { DeliveryRequest } from "../../sim/index";
import { startRig } from "../mailer/rig";
import { startDevice } from "../faults/app-rig";

/** Test-only secrets; scan-output.mjs knows them too. */
const SMTP_PASSWORD = "s3cret"; // the fixture's default account password
const APN_PASSWORD = "apn-Pa55-s3cret";
const APN_USER = "apn-user-x7";
const OUT = new URL("../../test-output/security/", import.meta.url);

function everything(rig: Awaited<ReturnType<typeof startRig>>, extra: unknown[]): string {
  rig.sim.trace.flush();
  return [
    ...rig.trace,
    ...rig.logs,
    rig.sim.trace.format(),
    ...extra.map((x) => (x instanceof Error ? `${x.name}: ${x.message}\n${x.stack ?? ""}\n${JSON.stringify(x)}` : JSON.stringify(x))),
  ].join("\n");
}

const email = { to: ["ops@example.test"], subject: "Alarm", body: "Level 97 %" };

const cases: { name: string; mode: "plain" | "tls" | "starttls"; faults?: Parameters<typeof startRig>[0]["simFaults"]; rejectAuth?: boolean }[] = [
  { name: "a delivered email", mode: "starttls" },
  { name: "authentication refused by the server", mode: "tls", rejectAuth: true },
  // plain mode sends contextid, ssltype, smtpserver, account: the 4th AT+QSMTPCFG carries the password.
  { name: "the account command itself fails (+CME ERROR)", mode: "plain", faults: [{ kind: "error", command: "QSMTPCFG", nth: 4, code: 3 }] },
  { name: "the account command times out", mode: "plain", faults: [{ kind: "silent", command: "QSMTPCFG", nth: 4 }] },
  { name: "the PDP credentials command fails", mode: "plain", faults: [{ kind: "error", command: "QICSGP", nth: 1, code: 3 }] },
];

for (const c of cases) {
  test.serial(`no secret in traces, logs, errors or results: ${c.name}`, async (t) => {
    const rig = await startRig({
      mode: c.mode,
      simFaults: c.faults,
      smtpFaults: c.rejectAuth ? { rejectAuth: true } : undefined,
      settings: (s) => ({ ...s, pdp: { ...s.pdp, username: APN_USER, password: APN_PASSWORD, authentication: 1 } }),
    });
    const outcomes: unknown[] = [];
    try {
      t.is(rig.fixture.password, SMTP_PASSWORD);
      try {
        outcomes.push(await rig.mailer.send(email));
      } catch (e) {
        outcomes.push(e);
      }
    } finally {
      await rig.close();
    }
    const text = everything(rig, outcomes);
    mkdirSync(OUT, { recursive: true });
    writeFileSync(new URL(`${c.name.replace(/[^a-z0-9]+/gi, "-")}.log`, OUT), text);
    t.true(text.length > 200, "something was recorded");
    for (const secret of [SMTP_PASSWORD, APN_PASSWORD, Buffer.from(`\0sensor\0${SMTP_PASSWORD}`).toString("base64"), Buffer.from(SMTP_PASSWORD).toString("base64")]) {
      t.false(text.includes(secret), `"${secret}" leaked`);
    }
    // The driver masks the APN user name too (declared secret); the simulator's trace masks passwords only.
    t.false([...rig.trace, ...rig.logs, JSON.stringify(outcomes)].join("\n").includes(APN_USER), "APN user name in the driver's output");
    t.true(rig.trace.some((l) => l.startsWith('tx AT+QSMTPCFG="account"') && l.includes('"***"')) || c.name.includes("PDP"), "the account line is traced, masked");
  });
}

test.serial("verification stays on: every SMTP session the modem opens checks the server against our CA, also after restarts", async (t) => {
  const sessions: DeliveryRequest["tls"][] = [];
  // A restart mid-body, a firmware hang (RESET_N) and a power cycle: each loses the modem's SSL context,
  // whose factory default is seclevel 0 (no verification).
  const device = await startDevice({
    name: "seclevel",
    simFaults: [
      { kind: "reboot", command: "QSMTPBODY", nth: 1 },
      { kind: "hang", command: "QSMTPSUB", nth: 2, until: "reset" },
      { kind: "hang", command: "QSMTPSUB", nth: 3, until: "power" },
    ],
    deliver: (real) => async (request, o) => {
      sessions.push(request.tls);
      return real(request, o);
    },
  });
  try {
    for (let n = 1; n <= 8 && device.deliveries.length === 0; n++) {
      const r = await device.wake();
      await device.sleep(r === "power-lost" ? 30 : r.sleepS);
    }
  } finally {
    await device.close("security-seclevel");
  }
  t.is(device.deliveries.length, 1);
  t.true(device.sim.modem.stats.reboots >= 2, "the modem restarted along the way");
  t.true(sessions.length >= 1);
  for (const tls of sessions) {
    t.is(tls.seclevel, 1, "server verification on");
    t.truthy(tls.caPem?.includes("BEGIN CERTIFICATE"), "against the CA we uploaded");
  }
});
