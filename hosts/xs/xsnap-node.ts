// Loads @agoric/xsnap into a Node process without SES lockdown. xsnap's Node side only needs the
// globals SES adds (`assert`, HandledPromise, ...) and a `harden` that freezes what it is given;
// a full `import "@endo/init"` would lock down the whole test process (frozen intrinsics under the
// simulator, smtp-server and nodemailer), which nothing here needs.

import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export type Xsnap = typeof import("@agoric/xsnap").xsnap;

let loading: Promise<Xsnap> | undefined;

export function loadXsnap(): Promise<Xsnap> {
  loading ??= load();
  return loading;
}

async function load(): Promise<Xsnap> {
  await import("@endo/init/pre-remoting.js");
  const g = globalThis as { harden?: <T>(value: T) => T };
  g.harden ??= hardenWithoutLockdown;
  const module = await import("@agoric/xsnap");
  return module.xsnap;
}

/** Deep-freezes own properties (not prototypes), as @endo/harden does outside a locked-down realm. */
function hardenWithoutLockdown<T>(value: T): T {
  const seen = new Set<unknown>();
  const visit = (v: unknown) => {
    if ((typeof v !== "object" || v === null) && typeof v !== "function") return;
    if (seen.has(v)) return;
    seen.add(v);
    Object.freeze(v);
    for (const key of Reflect.ownKeys(v as object)) {
      const descriptor = Object.getOwnPropertyDescriptor(v, key);
      if (descriptor && "value" in descriptor) visit(descriptor.value);
    }
  };
  visit(value);
  return value;
}

/** The worker binary xsnap spawns; a missing one must fail tests loudly, never skip them. */
export function xsnapBinary(debug = false): string {
  const platform = process.platform === "linux" ? "lin" : process.platform === "darwin" ? "mac" : undefined;
  if (!platform) throw new Error(`xsnap has no build for ${process.platform}`);
  const url = new URL(
    `../xsnap-native/xsnap/build/bin/${platform}/${debug ? "debug" : "release"}/xsnap-worker`,
    import.meta.resolve("@agoric/xsnap"),
  );
  const file = fileURLToPath(url);
  if (!existsSync(file)) {
    throw new Error(`XS engine missing: ${file} does not exist (rebuild @agoric/xsnap: npm rebuild @agoric/xsnap)`);
  }
  return file;
}
