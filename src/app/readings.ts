// Where readings come from: the ReadingSource interface a sensor driver implements, and a simulated
// source (a daily sine, seeded noise and scripted excursions) so tests and the demo can raise alarms
// on cue without hardware. Deterministic: the same seed and times give the same readings.

/** One sensor. `sample` is called once per wake with the wall-clock time in seconds. */
export interface ReadingSource {
  /** Short name shown in emails and the CSV: 1-15 characters of [A-Za-z0-9_.-]. */
  readonly id: string;
  /** Unit shown in emails (e.g. "C", "%", "kPa"): 0-7 printable ASCII characters. */
  readonly unit: string;
  /** Decimal places printed (0-6, default 2). */
  readonly decimals?: number;
  /** The current value; NaN or a thrown error means "no reading this wake" (logged, skipped). */
  sample(nowS: number): number;
}

/** A pseudo-random generator returning [0, 1): injected so runs are reproducible. */
export type Random = () => number;

/** mulberry32: a 32-bit seeded generator, small and good enough for simulated noise and jitter. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A scripted deviation: from `fromS` (inclusive) to `toS` (exclusive) the reading is shifted by `offset`. */
export interface Excursion {
  fromS: number;
  toS: number;
  offset: number;
}

export interface SimulatedSourceOptions {
  id: string;
  unit: string;
  decimals?: number;
  /** Mean value. */
  base: number;
  /** Half the daily swing: value = base + amplitude * sin(2 pi (t - phaseS) / 86400). */
  amplitude: number;
  phaseS?: number;
  /** Noise is uniform in [-noise, +noise]. */
  noise: number;
  random: Random;
  excursions?: readonly Excursion[];
}

export class SimulatedSource implements ReadingSource {
  readonly id: string;
  readonly unit: string;
  readonly decimals: number;
  readonly #options: SimulatedSourceOptions;

  constructor(options: SimulatedSourceOptions) {
    this.id = options.id;
    this.unit = options.unit;
    this.decimals = options.decimals ?? 2;
    this.#options = options;
  }

  sample(nowS: number): number {
    const o = this.#options;
    const angle = (2 * Math.PI * (nowS - (o.phaseS ?? 0))) / 86400;
    let value = o.base + o.amplitude * Math.sin(angle) + o.noise * (2 * o.random() - 1);
    const excursions = o.excursions;
    if (excursions) {
      for (let i = 0; i < excursions.length; i++) {
        const e = excursions[i];
        if (nowS >= e.fromS && nowS < e.toS) value += e.offset;
      }
    }
    return value;
  }
}
