// A reading source over a real sensor driver in the ECMA-419 Sensor Class Pattern (Moddable's
// `embedded:sensor/...` drivers): `sample()` returns an object of readings, such as
// `{ thermometer: { temperature: 21.4 }, hygrometer: { humidity: 48 } }` (composite sensors, 2nd
// edition) or `{ temperature: 21.4, humidity: 48 }` (1st edition drivers). One source picks one value,
// calibrated; several sources on one sensor share a single sample per wake (one bus transaction,
// which costs a battery node its conversion time once, not once per value).

import type { ReadingSource } from "./readings";

/** What the Sensor Class Pattern guarantees: a synchronous `sample()` returning the readings. */
export interface Ecma419Sensor {
  sample(): unknown;
}

/** One sample per wake for every source that reads the sensor through it. */
export class SharedSensor {
  readonly #sensor: Ecma419Sensor;
  #at = NaN;
  #sample: unknown = undefined;
  #error: unknown = undefined;

  constructor(sensor: Ecma419Sensor) {
    this.#sensor = sensor;
  }

  /** The sensor's sample for wake time `nowS`, taken at most once for that time; a driver's error is
   *  thrown to every source that asks (each logs it and skips its reading). */
  sample(nowS: number): unknown {
    if (nowS !== this.#at) {
      this.#at = nowS;
      this.#sample = undefined;
      this.#error = undefined;
      try {
        this.#sample = this.#sensor.sample();
      } catch (e) {
        this.#error = e;
      }
    }
    if (this.#error !== undefined) throw this.#error;
    return this.#sample;
  }
}

export interface SensorSourceOptions {
  /** Shown in emails and the CSV (see ReadingSource). */
  id: string;
  unit: string;
  decimals?: number;
  sensor: SharedSensor;
  /**
   * Where the value is in the sample: "thermometer.temperature" finds it in a composite sample and,
   * when that is absent, "temperature" at the top level (a 1st-edition driver's flat sample).
   */
  property: string;
  /** Calibration: reading = value x scale + offset (defaults 1 and 0), e.g. from a two-point check. */
  scale?: number;
  offset?: number;
}

export class SensorSource implements ReadingSource {
  readonly id: string;
  readonly unit: string;
  readonly decimals: number | undefined;
  readonly #sensor: SharedSensor;
  readonly #path: readonly string[];
  readonly #scale: number;
  readonly #offset: number;

  constructor(options: SensorSourceOptions) {
    const path = options.property.split(".");
    if (path.some((name) => name.length === 0)) throw new RangeError(`sensor property ${JSON.stringify(options.property)}: empty name`);
    const scale = options.scale ?? 1;
    const offset = options.offset ?? 0;
    if (!Number.isFinite(scale) || scale === 0 || !Number.isFinite(offset)) throw new RangeError(`sensor ${options.id}: scale must be finite and not 0, offset finite`);
    this.id = options.id;
    this.unit = options.unit;
    this.decimals = options.decimals;
    this.#sensor = options.sensor;
    this.#path = path;
    this.#scale = scale;
    this.#offset = offset;
  }

  /** The calibrated value, or NaN when the sample lacks it (e.g. a driver that dropped a reading
   *  whose CRC failed) or holds something that is not a finite number. */
  sample(nowS: number): number {
    const sample = this.#sensor.sample(nowS);
    let value = valueAt(sample, this.#path);
    if (value === undefined && this.#path.length > 1) value = valueAt(sample, this.#path.slice(-1));
    return typeof value === "number" && Number.isFinite(value) ? value * this.#scale + this.#offset : NaN;
  }
}

function valueAt(sample: unknown, path: readonly string[]): unknown {
  let at = sample;
  for (const name of path) {
    if (typeof at !== "object" || at === null || !Object.prototype.hasOwnProperty.call(at, name)) return undefined;
    at = (at as Record<string, unknown>)[name];
  }
  return at;
}
