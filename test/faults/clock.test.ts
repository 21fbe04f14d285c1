// The device's wall clock after a power loss, end to end: the app, linkModem's AT+CCLK?, the real AT
// channel, the EC20 simulator (which learns the network's time on registration) and a real SMTP server.
// The ESP32's RTC restarts at 1970 when the battery is swapped; the first wake that sends sets it.

import test from "ava";
import { startDevice } from "./app-rig";

const NETWORK_NOW = Date.UTC(2026, 11, 3, 15, 0, 0); // the network's UTC at virtual time 0

test("an RTC back at 1970 is set from the network's time by the first wake that sends; the next report is dated right", async (t) => {
  const device = await startDevice({
    name: "clock-after-power-loss",
    wallStartS: 0,
    settableClock: true,
    networkTime: { utcMsAtZero: NETWORK_NOW, zoneQuarters: 4 },
  });
  try {
    const first = await device.wake(); // the level starts above the threshold: an alarm is due
    if (first === "power-lost") throw new Error("unexpected power loss");
    t.is(first.sent, 1);
    t.true(device.trace.some((line) => / tx AT\+CCLK\?$/.test(line)), "the modem's clock was asked for");
    const skew = device.wallNow() - (NETWORK_NOW + device.clock.now()) / 1000;
    t.true(Math.abs(skew) <= 2, `device clock ${skew} s off the network's after the wake`);
    t.true(device.logs.some((l) => /device clock set from the network time: it was \d+ s behind/.test(l)));
    t.regex(device.deliveries[0].body, /1970-01-01T/, "the alarm decided before the clock was set keeps that time");
    t.true(first.sleepS <= 600, `sleep ${first.sleepS} s planned on the clock the wake started with`);
    // The next wakes run on the network's date: the report due since "1970" goes out at once and names
    // a real hour; later wakes leave the clock alone.
    for (let n = 0; n < 3; n++) {
      await device.sleep(600);
      const r = await device.wake();
      if (r === "power-lost") throw new Error("unexpected power loss");
    }
    const report = device.deliveries.find((d) => / report /.test(d.subject));
    t.truthy(report, device.deliveries.map((d) => d.subject).join("\n"));
    t.regex(report!.subject, / report 2026-12-03 1\d:\d\dZ$/);
    t.is(device.logs.filter((l) => /device clock set/.test(l)).length, 1);
  } finally {
    await device.close("clock-after-power-loss");
  }
});

test("a network that sends no time leaves the clock as it was; the email goes out all the same", async (t) => {
  const device = await startDevice({ name: "clock-no-nitz", wallStartS: 0, settableClock: true });
  try {
    const first = await device.wake();
    if (first === "power-lost") throw new Error("unexpected power loss");
    t.is(first.sent, 1);
    t.true(device.wallNow() < 86400, "still 1970");
    t.true(device.logs.some((l) => /the modem has no network time/.test(l)), device.logs.slice(-8).join("\n"));
  } finally {
    await device.close("clock-no-nitz");
  }
});
