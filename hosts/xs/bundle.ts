// Bundles a TypeScript entry (and everything it imports from src/, hosts/xs/ or test/) into one
// script that `worker.evaluate` runs in the XS engine. Cached per entry for the life of the process,
// so every test in a file shares one esbuild run.

import { build } from "esbuild";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (this file lives in hosts/xs/). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * XS 13.x (xsnap 0.15) runs ES2022 (class private fields and static blocks included); the device's
 * XS 17 runs more, so code that passes here is not held back on the device.
 */
export const XS_TARGET = "es2022";

const cache = new Map<string, Promise<string>>();

/** `entry` is a path relative to the repository root or absolute. Returns the script text. */
export function bundleForXs(entry: string): Promise<string> {
  const file = path.resolve(repoRoot, entry);
  let pending = cache.get(file);
  if (!pending) {
    pending = bundle(file);
    // A failed build is not cached: the next test reports the same error afresh.
    pending.catch(() => cache.delete(file));
    cache.set(file, pending);
  }
  return pending;
}

async function bundle(file: string): Promise<string> {
  const result = await build({
    entryPoints: [file],
    absWorkingDir: repoRoot,
    bundle: true,
    // A script, not a module: xsnap evaluates it with a global eval.
    format: "iife",
    target: XS_TARGET,
    // No Node built-ins resolve, so device code that reaches for one fails here, not on the device.
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    sourcemap: false,
    logLevel: "silent",
    charset: "utf8",
  });
  if (result.errors.length > 0) throw new Error(result.errors.map((e) => e.text).join("\n"));
  return result.outputFiles[0].text;
}
