// The `run` command's application file (JSON): the app's settings (src/app/config.ts) plus the
// readings sources. Node has no sensors, so sources are simulated (a daily sine with seeded noise and
// optional excursions that raise alarms on cue), as src/app/readings.ts offers.
//
//   { "deviceName": "node-7", "recipients": ["ops@example.com"], "reportPeriodS": 3600,
//     "samplePeriodS": 600, "rules": [{ "id": "tank-high", "source": "temp", "direction": "above",
//     "threshold": 80, "hysteresis": 2 }],
//     "sources": [{ "id": "temp", "unit": "C", "base": 70, "amplitude": 3, "noise": 0.5,
//                   "excursions": [{ "afterS": 1800, "forS": 1200, "offset": 25 }] }],
//     "seed": 1 }
//
// Excursion times are seconds after the app's first wake (kept in the data folder), so a scenario
// replays the same way whenever it is started.

import { readFileSync } from "node:fs";
import { AppConfigError, validateAppConfig, type AppConfig } from "../../../src/app/config";
import { SimulatedSource, seededRandom, type ReadingSource } from "../../../src/app/readings";
import { CliError, EXIT } from "./exit-codes";

export interface SourceSpec {
  id: string;
  unit: string;
  decimals?: number;
  base: number;
  amplitude?: number;
  noise?: number;
  excursions?: { afterS: number; forS: number; offset: number }[];
}

export interface AppFile extends AppConfig {
  sources: SourceSpec[];
  /** Seed of the simulated noise (default 1). */
  seed?: number;
}

export function readAppFile(file: string): AppFile {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(EXIT.CONFIG, `cannot read app file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (json === null || typeof json !== "object" || !Array.isArray((json as AppFile).sources) || !Array.isArray((json as AppFile).rules)) {
    throw new CliError(EXIT.CONFIG, `app file ${file}: expected an object with "sources" and "rules" lists (see docs/cli.md)`);
  }
  return json as AppFile;
}

/** The sources, with excursions placed after `startS` (the first wake); validated with the config. */
export function buildSources(app: AppFile, startS: number): ReadingSource[] {
  const random = seededRandom(app.seed ?? 1);
  const sources = app.sources.map((s) => new SimulatedSource({
    id: s.id, unit: s.unit, ...(s.decimals !== undefined ? { decimals: s.decimals } : {}),
    base: Number(s.base), amplitude: s.amplitude ?? 0, noise: s.noise ?? 0, random,
    excursions: (s.excursions ?? []).map((e) => ({ fromS: startS + e.afterS, toS: startS + e.afterS + e.forS, offset: e.offset })),
  }));
  try {
    validateAppConfig(app, sources);
  } catch (error) {
    if (error instanceof AppConfigError) throw new CliError(EXIT.CONFIG, error.message);
    throw error;
  }
  return sources;
}
