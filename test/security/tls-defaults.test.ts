// Certificate verification is on by default: settings that do not mention `verify` (a config file,
// untyped code) verify the server against the CA, and the modem's SSL context (factory seclevel 0)
// is set to seclevel 1 on every fresh boot. Turning it off takes an explicit `verify: false`.
import test from "ava";
import { BytesSource } from "../../src/ec20/commands/checksum";
import { SettingsApplier, SettingsError } from "../../src/mailer/configure";
import { Mailer } from "../../src/mailer/mailer";
import type { MailerSettings } from "../../src/mailer/types";
import { testCerts } from "../../sim/local-smtp-server";
import { startModemRig } from "../faults/modem-rig";

const ca = new TextEncoder().encode(testCerts.caPem);
const caCert = { length: ca.length, open: () => new BytesSource(ca) };

function settings(tls: Partial<MailerSettings["tls"]>): MailerSettings {
  return {
    pdp: { contextId: 1, apn: "internet" },
    server: { host: "smtp.example.test", port: 465, ssltype: 1 },
    account: { user: "sensor", password: "s3cret" },
    sender: { name: "Tank 3", email: "tank3@example.test" },
    tls: tls as MailerSettings["tls"], // `verify` left out on purpose, as a config file may
  };
}

async function applied(tls: Partial<MailerSettings["tls"]>) {
  const rig = startModemRig();
  await rig.drive(rig.recovery.start());
  const logs: string[] = [];
  const applier = new SettingsApplier(settings(tls), (level, message) => logs.push(`${level}: ${message}`));
  await rig.drive(applier.apply(rig.channel));
  return { ssl: rig.sim.inspect().ssl[1], logs, trace: rig.trace };
}

test("settings without `verify`: the server is verified (seclevel 1) against the uploaded CA", async (t) => {
  const { ssl, logs, trace } = await applied({ caCert });
  t.is(ssl.seclevel, 1);
  t.regex(ssl.cacert ?? "", /ca-[0-9a-f]+\.pem/);
  t.true(trace.some((l) => l.endsWith('tx AT+QSSLCFG="seclevel",1,1')), "sent explicitly: the factory value is 0");
  t.false(logs.some((l) => /verification is OFF/.test(l)));
});

test("settings without `verify` and without a CA are refused before any AT traffic", (t) => {
  const error = t.throws(() => new SettingsApplier(settings({}), () => {}), { instanceOf: SettingsError });
  t.is(error!.field, "tls.caCert");
  const rig = startModemRig();
  t.throws(() => new Mailer({ channel: rig.channel, clock: rig.clock, log: () => {}, settings: settings({}) }), { instanceOf: SettingsError });
  t.is(rig.trace.length, 0);
});

test("only an explicit `verify: false` turns verification off, and it says so", async (t) => {
  const { ssl, logs } = await applied({ verify: false });
  t.is(ssl.seclevel, 0);
  t.true(logs.some((l) => l.startsWith("warn: TLS server certificate verification is OFF")));
});
