// Fails the test run when device code (src/) reaches for Node, npm packages or host globals that XS
// on the ESP32 does not have. The type check (tsconfig.src.json) catches types; this catches imports.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const forbidden = [
  [/from\s+["'](?!\.{1,2}\/)[^"']+["']/, "imports a package or a Node module (only relative imports are allowed in src/)"],
  [/\brequire\s*\(/, "uses require()"],
  [/\bBuffer\b/, "uses Buffer"],
  [/\bsetTimeout\b|\bsetInterval\b|\bsetImmediate\b/, "uses a Node/DOM timer (inject a Clock instead)"],
  [/\bprocess\./, "uses process"],
  [/\bconsole\./, "uses console (inject a Log instead)"],
  [/\bTextEncoder\b|\bTextDecoder\b/, "uses TextEncoder/TextDecoder (not global on XS)"],
  [/\bimport\s*\(/, "uses a dynamic import"],
];

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (/\.(ts|js|mjs)$/.test(name)) yield path;
  }
}

let failures = 0;
for (const file of walk("src")) {
  const lines = readFileSync(file, "utf8").split("\n");
  lines.forEach((line, i) => {
    // Comments may name what is forbidden; only code counts.
    const code = /^\s*(\*|\/\*)/.test(line) ? "" : line.replace(/\/\/.*$/, "").replace(/\/\*.*?\*\//g, "");
    for (const [pattern, why] of forbidden) {
      if (pattern.test(code)) {
        console.error(`${file}:${i + 1}: ${why}: ${line.trim()}`);
        failures++;
      }
    }
  });
}
if (failures) {
  console.error(`src/ must stay engine-neutral: ${failures} violation(s)`);
  process.exit(1);
}
console.log("src/ is engine-neutral");
