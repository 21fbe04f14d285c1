// Command-line flags and the JSON config file, merged into one set of values (flags win), and the
// secrets, which come only from the environment or a file, never from argv or the config file.

import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { CliError, EXIT } from "./exit-codes";

type OptionSpec = { type: "string" | "boolean"; multiple?: boolean; short?: string };

/** Flags shared by send, doctor and run: where the modem is and how to reach the SMTP server. */
export const CONNECTION_OPTIONS = {
  config: { type: "string" },
  device: { type: "string" },
  baud: { type: "string" },
  server: { type: "string" },
  port: { type: "string" },
  ssltype: { type: "string" },
  user: { type: "string" },
  "password-file": { type: "string" },
  from: { type: "string" },
  "from-name": { type: "string" },
  apn: { type: "string" },
  "apn-user": { type: "string" },
  "apn-password-file": { type: "string" },
  "apn-auth": { type: "string" },
  "context-id": { type: "string" },
  ca: { type: "string" },
  insecure: { type: "boolean" },
  "tls-version": { type: "string" },
  "no-sni": { type: "boolean" },
  "urc-port": { type: "string" },
  "ready-timeout": { type: "string" },
  "registration-timeout": { type: "string" },
  "put-timeout": { type: "string" },
  trace: { type: "boolean" },
  verbose: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies Record<string, OptionSpec>;

/** Flags that name files: relative paths in a config file are taken from the config file's folder. */
const PATH_KEYS = ["password-file", "apn-password-file", "ca", "body-file", "attach", "app", "data", "mailbox"];

/** Config-file keys that would be secrets: refused, so a password never sits in a shared JSON file. */
const SECRET_KEYS = ["password", "apn-password", "smtp-password"];

export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses argv against `options`, then fills what argv left unset from `--config FILE`. Unknown flags,
 * positional arguments and bad config keys are usage (1) or config (2) errors.
 */
export function parseCommandLine(argv: string[], options: Record<string, OptionSpec>): Values {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true }) as { values: Values; positionals: string[] };
  } catch (error) {
    throw new CliError(EXIT.USAGE, (error as Error).message);
  }
  if (parsed.positionals.length > 0) throw new CliError(EXIT.USAGE, `unexpected argument "${parsed.positionals[0]}"`);
  const values = parsed.values;
  const configPath = values.config;
  if (typeof configPath === "string") mergeConfig(values, readConfig(configPath), path.dirname(path.resolve(configPath)), options);
  return values;
}

function readConfig(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(EXIT.CONFIG, `cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(EXIT.CONFIG, `config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) throw new CliError(EXIT.CONFIG, `config file ${file}: expected a JSON object`);
  return json as Record<string, unknown>;
}

function mergeConfig(values: Values, config: Record<string, unknown>, base: string, options: Record<string, OptionSpec>): void {
  for (const [key, raw] of Object.entries(config)) {
    if (SECRET_KEYS.indexOf(key) >= 0) {
      throw new CliError(EXIT.CONFIG, `config file: "${key}" is not allowed here`,
        "put the SMTP password in EC20_SMTP_PASSWORD or a file named by \"password-file\" (APN: EC20_APN_PASSWORD / \"apn-password-file\")");
    }
    const spec = options[key];
    if (!spec || key === "config" || key === "help") throw new CliError(EXIT.CONFIG, `config file: unknown key "${key}"`);
    if (values[key] !== undefined) continue; // the flag wins
    const resolve = (v: string) => (PATH_KEYS.indexOf(key) >= 0 && !path.isAbsolute(v) ? path.resolve(base, v) : v);
    if (spec.type === "boolean") {
      if (typeof raw !== "boolean") throw new CliError(EXIT.CONFIG, `config file: "${key}" must be true or false`);
      values[key] = raw;
    } else if (spec.multiple) {
      const list = Array.isArray(raw) ? raw : [raw];
      if (!list.every((v) => typeof v === "string")) throw new CliError(EXIT.CONFIG, `config file: "${key}" must be a string or a list of strings`);
      values[key] = (list as string[]).map(resolve);
    } else {
      if (typeof raw !== "string" && typeof raw !== "number") throw new CliError(EXIT.CONFIG, `config file: "${key}" must be a string or a number`);
      values[key] = resolve(String(raw));
    }
  }
}

export function str(values: Values, key: string): string | undefined {
  const v = values[key];
  return typeof v === "string" ? v : undefined;
}

export function list(values: Values, key: string): string[] {
  const v = values[key];
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : [];
}

/** An integer flag in [min, max], or `fallback` when unset; a usage error otherwise. */
export function int(values: Values, key: string, min: number, max: number, fallback: number): number {
  const text = str(values, key);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) throw new CliError(EXIT.USAGE, `--${key}: expected an integer ${min}-${max}, got "${text}"`);
  return n;
}

/** A number flag > 0 (seconds), or `fallback`. */
export function seconds(values: Values, key: string, fallback: number): number {
  const text = str(values, key);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!(n > 0) || !Number.isFinite(n)) throw new CliError(EXIT.USAGE, `--${key}: expected a number of seconds > 0, got "${text}"`);
  return n;
}

/**
 * A secret from the file the flag names (its text, one trailing newline dropped) or else the
 * environment variable (empty counts as unset). Never from argv. Undefined when neither is given.
 */
export function readSecret(values: Values, envName: string, fileKey: string): string | undefined {
  const file = str(values, fileKey);
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new CliError(EXIT.CONFIG, `cannot read --${fileKey} ${file}: ${(error as NodeJS.ErrnoException).code ?? "error"}`);
    }
    return text.replace(/\r?\n$/, "");
  }
  const env = process.env[envName];
  return env === undefined || env === "" ? undefined : env;
}
