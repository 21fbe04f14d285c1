// Real sensor drivers in the ECMA-419 Sensor Class Pattern as reading sources: the value found in
// composite (2nd edition) and flat (1st edition) samples, calibration, one bus transaction per wake for
// several values, and a failing driver costing only its reading, end to end through runWake.

import test from "ava";
import { SensorSource, SharedSensor, type Ecma419Sensor } from "../../src/app/sensor-source";
import { baseConfig, parseCsv, World } from "./fakes";

/** Stands for Moddable's SHT3x driver: counts bus transactions, returns what the test scripts. */
class FakeSht3x implements Ecma419Sensor {
  transactions = 0;
  next: () => unknown = () => ({ thermometer: { temperature: 21.5 }, hygrometer: { humidity: 48.25 } });
  sample(): unknown {
    this.transactions++;
    return this.next();
  }
}

const pair = (driver: Ecma419Sensor) => {
  const shared = new SharedSensor(driver);
  return [
    new SensorSource({ id: "temp", unit: "C", decimals: 1, sensor: shared, property: "thermometer.temperature" }),
    new SensorSource({ id: "rh", unit: "%", decimals: 0, sensor: shared, property: "hygrometer.humidity" }),
  ] as const;
};

test("values from a composite sample, one transaction for both", (t) => {
  const driver = new FakeSht3x();
  const [temp, rh] = pair(driver);
  t.is(temp.sample(100), 21.5);
  t.is(rh.sample(100), 48.25);
  t.is(driver.transactions, 1, "two values, one sample per wake");
  temp.sample(700);
  t.is(driver.transactions, 2, "the next wake samples again");
});

test("a 1st-edition driver's flat sample works with the same property", (t) => {
  const driver = new FakeSht3x();
  driver.next = () => ({ temperature: 19.75, humidity: 51 });
  const [temp, rh] = pair(driver);
  t.is(temp.sample(1), 19.75);
  t.is(rh.sample(1), 51);
});

test("a missing or non-numeric value is NaN (no reading), never a made-up number", (t) => {
  const driver = new FakeSht3x();
  const [temp, rh] = pair(driver);
  for (const sample of [{ thermometer: {} }, { thermometer: { temperature: "21" } }, { thermometer: { temperature: Infinity } }, null, 42, undefined]) {
    driver.next = () => sample;
    t.true(Number.isNaN(temp.sample(driver.transactions + 1000)), JSON.stringify(sample));
  }
  driver.next = () => ({ thermometer: { temperature: 20 } }); // humidity CRC failed: the driver left it out
  t.is(temp.sample(5000), 20);
  t.true(Number.isNaN(rh.sample(5000)));
});

test("calibration: value x scale + offset; nonsense calibration is refused when configured", (t) => {
  const driver = new FakeSht3x();
  const shared = new SharedSensor(driver);
  const source = new SensorSource({ id: "temp", unit: "C", sensor: shared, property: "thermometer.temperature", scale: 1.02, offset: -0.4 });
  t.is(source.sample(1), 21.5 * 1.02 - 0.4);
  t.throws(() => new SensorSource({ id: "x", unit: "", sensor: shared, property: "a..b" }), { instanceOf: RangeError });
  t.throws(() => new SensorSource({ id: "x", unit: "", sensor: shared, property: "a", scale: 0 }), { instanceOf: RangeError });
  t.throws(() => new SensorSource({ id: "x", unit: "", sensor: shared, property: "a", offset: NaN }), { instanceOf: RangeError });
});

test("through runWake: readings land in the history and the report; a driver error skips that wake's readings and is logged", async (t) => {
  const driver = new FakeSht3x();
  let step = 0;
  driver.next = () => {
    step++;
    if (step === 2) throw new Error("I2C: no acknowledge from 0x44");
    return { thermometer: { temperature: 20 + step }, hygrometer: { humidity: 40 + step } };
  };
  const [temp, rh] = pair(driver);
  const w = new World(baseConfig({ rules: [{ id: "hot", source: "temp", direction: "above", threshold: 80, hysteresis: 2 }] }), [temp, rh]);
  for (let i = 0; i < 7; i++) {
    await w.wake(); // 15:00 ... 16:00, the report's hour
    w.now += 600;
  }
  t.is(driver.transactions, 7, "one bus transaction per wake");
  t.true(w.logs.some((l) => /^warn source temp: I2C: no acknowledge from 0x44$/.test(l)), w.logs.join("\n"));
  t.true(w.logs.some((l) => /^warn source rh: I2C: no acknowledge from 0x44$/.test(l)));
  const report = w.mailer.deliveredEmails.find((e) => e.kind === "report");
  t.truthy(report, "the hourly report");
  const rows = parseCsv(report!.attachments[0].text);
  t.deepEqual(rows.filter((r) => r.source === "temp").map((r) => r.value), [21, 23, 24, 25, 26, 27]);
  t.deepEqual(rows.filter((r) => r.source === "rh").map((r) => r.value), [41, 43, 44, 45, 46, 47]);
});
