// `ec20-mail run`: the telemetry/alarm app on Node against a real or simulated modem, the outbox,
// history and state in a data folder, a line per wake.

import { CliError, EXIT } from "./exit-codes";
import type { CliIo } from "./io";
import { SecretMask } from "./mask";
import { readAppFile } from "./app-file";
import { runApp } from "./app-runner";
import { CONNECTION_OPTIONS, parseCommandLine, str } from "./options";
import { connectionFrom, mailerSettingsFrom } from "./settings";

export const RUN_OPTIONS = {
  ...CONNECTION_OPTIONS,
  app: { type: "string" },
  data: { type: "string" },
  wakes: { type: "string" },
  "no-sleep": { type: "boolean" },
  start: { type: "string" },
} as const;

export const RUN_HELP = `usage: ec20-mail run --app APP.json --data DIR [--wakes N] [--no-sleep [--start ISO-TIME]]
                     [connection flags of send]

Runs the telemetry/alarm app: each wake samples the (simulated) sources, evaluates the alarm rules,
queues alarms and the periodic report in the durable outbox (DIR/storage.bin, with the readings
history), and, when something is due, opens the modem, sends alarms first, and closes it again. Then
it sleeps as long as the app asks (--no-sleep: a virtual clock jumps ahead instead, for trying
scenarios quickly; --start 2026-12-03T15:00:00Z sets its first wake in a new data folder, so a
scenario replays the same way). --wakes N stops after N wakes. The app file format is in docs/cli.md.`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const values = parseCommandLine(argv, RUN_OPTIONS);
  if (values.help) {
    io.out(RUN_HELP + "\n");
    return EXIT.OK;
  }
  const appPath = str(values, "app");
  const dataDir = str(values, "data");
  if (!appPath || !dataDir) throw new CliError(EXIT.USAGE, "--app FILE and --data DIR are required");
  const wakesText = str(values, "wakes");
  const wakes = wakesText === undefined ? undefined : Number(wakesText);
  if (wakes !== undefined && !(Number.isInteger(wakes) && wakes >= 1)) throw new CliError(EXIT.USAGE, "--wakes: an integer >= 1");
  const startText = str(values, "start");
  const startMs = startText === undefined ? undefined : Date.parse(startText);
  if (startMs !== undefined && (!Number.isFinite(startMs) || values["no-sleep"] !== true)) {
    throw new CliError(EXIT.USAGE, "--start wants an ISO time (e.g. 2026-12-03T15:00:00Z) and goes with --no-sleep");
  }
  const mask = new SecretMask();
  const app = readAppFile(appPath);
  const settings = mailerSettingsFrom(values, mask);
  const connection = connectionFrom(values);
  const totals = await runApp({
    app, dataDir, connection, settings, mask,
    appLog: (level, message) => io.out(`  ${level === "info" ? "" : level + ": "}${mask.apply(message)}\n`),
    coreLog: io.log(mask),
    ...(values.trace ? { trace: (t: string) => io.err(t + "\n") } : {}),
    ...(wakes !== undefined ? { wakes } : {}),
    noSleep: values["no-sleep"] === true,
    ...(startMs !== undefined ? { startS: Math.floor(startMs / 1000) } : {}),
    onWake: (n, atS, r) => io.out(
      `wake ${n} at ${new Date(atS * 1000).toISOString().replace(".000", "")}: sampled ${r.sampled}, alarms queued ${r.alarmsQueued}` +
      `${r.alarmsSuppressed ? ` (suppressed ${r.alarmsSuppressed})` : ""}, report ${r.reportQueued ? "queued" : "not due"}, ` +
      `${r.modemUsed ? `modem used: sent ${r.sent}, failed ${r.failed}` : "modem not needed"}; sleep ${r.sleepS} s\n`),
  });
  io.out(`${totals.wakes} wake(s): ${totals.sent} email(s) delivered, ${totals.failed} failed (failures stay in the outbox for a later wake)\n`);
  return EXIT.OK;
}
