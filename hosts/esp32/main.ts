// The device entry (manifest "main"): read the configuration, open the UART and the modem's control
// lines, hand over to the application for one wake cycle (it powers the modem only when something is
// due), make sure the modem is off if the app failed, and deep-sleep for as long as the app asked. Every path ends in deep sleep, so
// a failure costs one period, never a flat battery. Imports use manifest specifiers (tsconfig.esp32.json
// maps them the same way) because this module's own specifier is "main", not "esp32/main".

import config from "mc/config";
import Serial from "embedded:io/serial";
import Digital from "embedded:io/digital";
import Timer from "timer";
import Time from "time";
import Preference from "preference";
import TextEncoder from "text/encoder";
import { sleep, wakeCause } from "deepsleep";
import { AtChannel } from "at/channel";
import { ModemPower } from "ec20/power";
import type { Log } from "host/types";
import { Esp32Clock } from "esp32/clock";
import { ConfigError, parseConfig } from "esp32/config";
import type { DeviceConfig } from "esp32/config";
import { openModemPins } from "esp32/pins";
import { Esp32SerialLink } from "esp32/serial";
import { runWake } from "esp32/wake";
import type { WakeContext } from "esp32/wake";

/** Moddable's native encoder: copies command lines without a per-character loop in XS. */
const encoder = new TextEncoder();

/** A whole wake (power-on up to 15 s + RDY probes, network, sending, power-off up to 66 s) must end
 *  within this; then the modem is powered off and the device sleeps whatever the app is doing. */
const WAKE_DEADLINE_MS = 15 * 60 * 1000;
/** Sleep after a configuration error: a retry cannot help, and a boot loop would drain the battery. */
const BAD_CONFIG_SLEEP_MS = 60 * 60 * 1000;
/** Never sleep less than this, even when the wake overran the period. */
const MIN_SLEEP_MS = 10 * 1000;
/** NVS domain and key of the SMTP password (at most 15 characters each). */
const NVS_DOMAIN = "ec20mail";
const NVS_PASSWORD = "smtpPassword";

const log: Log = (level, message) => trace(`[${level}] ${message}\n`);

function smtpPassword(settings: DeviceConfig): string {
  if (settings.smtp.password) {
    if (settings.persistPassword) Preference.set(NVS_DOMAIN, NVS_PASSWORD, settings.smtp.password);
    return settings.smtp.password;
  }
  const stored = Preference.get(NVS_DOMAIN, NVS_PASSWORD);
  return typeof stored === "string" ? stored : "";
}

/** One wake; resolves with how long the app wants to sleep (undefined: the report period). */
async function wake(settings: DeviceConfig, cause: string): Promise<number | undefined> {
  const clock = new Esp32Clock(Timer, Time);
  const pins = openModemPins(Digital, settings.pins);
  const link = new Esp32SerialLink(Serial, { ...settings.uart, baud: settings.baud });
  const channel = new AtChannel({ open: link.open, clock, log, encoder });
  const power = new ModemPower({
    channel,
    clock,
    log,
    lines: { pwrkey: pins.pwrkey, reset: pins.reset, status: pins.status, supply: pins.supply },
    baseBaud: settings.baud,
    fastBaud: settings.fastBaud,
    setHostBaud: (baud) => link.setBaud(baud),
  });
  let deadline: unknown;
  const context: WakeContext = { config: settings, smtpPassword: smtpPassword(settings), wakeCause: cause, channel, power, clock, log };
  try {
    // The app powers the modem only when something is due, and off again: a wake that only samples
    // costs no modem time at all.
    await new Promise<void>((resolve, reject) => {
      deadline = clock.setTimer(() => reject(new Error(`wake cycle exceeded ${WAKE_DEADLINE_MS} ms`)), WAKE_DEADLINE_MS);
      runWake(context).then(resolve, reject);
    });
  } catch (e) {
    log("error", `wake failed: ${(e as Error).message}`);
    // The app may have died with the modem on: power it off here (a no-op when STATUS shows it off).
    try {
      await power.powerOff();
    } catch (off) {
      log("warn", (off as Error).message);
    }
  } finally {
    if (deadline !== undefined) clock.clearTimer(deadline);
    channel.close();
    pins.close();
  }
  return context.sleepMs;
}

export default function main(): void {
  const started = Time.ticks;
  const cause = wakeCause();
  let settings: DeviceConfig;
  try {
    settings = parseConfig(config);
  } catch (e) {
    if (e instanceof ConfigError) for (const p of e.problems) log("error", `config ${p.key}: ${p.rule}: ${p.detail}`);
    else log("error", `config: ${(e as Error).message}`);
    sleep(BAD_CONFIG_SLEEP_MS);
  }
  log("info", `wake (${cause}); report every ${settings.reportPeriodS} s`);
  wake(settings, cause).then(
    (sleepMs) => {
      const left = sleepMs ?? settings.reportPeriodS * 1000 - (Time.ticks - started);
      sleep(left > MIN_SLEEP_MS ? left : MIN_SLEEP_MS);
    },
    () => sleep(settings.reportPeriodS * 1000),
  );
}
