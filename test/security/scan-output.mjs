#!/usr/bin/env node
// The last step of `npm test`: no test secret may appear in anything the suite printed or wrote.
//
//   node test/security/scan-output.mjs             scans test-output/ (traces and logs the tests wrote)
//   node test/security/scan-output.mjs --run-ava   runs ava first, shows its output as usual, keeps a
//                                                  copy in test-output/ava-output.log, then scans it all
//
// Exits non-zero when ava failed or when a secret was found (file, line, which secret; never the
// secret itself). The secrets are the passwords the tests give the fixture and the mailer; tests
// that deliberately put a password into an AT line assert on it in memory and never print it.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outputDir = path.join(root, "test-output");

/** Test secrets: the fixture's account password and the passwords tests hand to the mailer and the modem. */
const SECRETS = ["s3cret", "hunter2", "apn-Pa55", "aol123456789", "pw123"];
/** How they would look on an SMTP wire: AUTH PLAIN ("\0user\0password") and AUTH LOGIN (the password alone). */
const ENCODED = [
  Buffer.from("\0sensor\0s3cret").toString("base64"),
  Buffer.from("s3cret").toString("base64"),
];

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    if (stat.isDirectory()) yield* files(full);
    else if (stat.isFile()) yield full;
  }
}

function scan() {
  const leaks = [];
  let scanned = 0;
  for (const file of files(outputDir)) {
    scanned++;
    const text = readFileSync(file, "latin1");
    const lines = text.split("\n");
    for (const [i, line] of lines.entries()) {
      for (const secret of [...SECRETS, ...ENCODED]) {
        if (line.includes(secret)) leaks.push(`${path.relative(root, file)}:${i + 1}: contains test secret #${[...SECRETS, ...ENCODED].indexOf(secret) + 1}`);
      }
    }
  }
  return { leaks, scanned };
}

function runAva(args) {
  return new Promise((resolve) => {
    // A fresh folder: only what this run printed and wrote is judged.
    rmSync(outputDir, { recursive: true, force: true });
    mkdirSync(outputDir, { recursive: true });
    const captured = [];
    const child = spawn(process.execPath, [path.join(root, "node_modules/ava/entrypoints/cli.mjs"), ...args], {
      cwd: root,
      stdio: ["inherit", "pipe", "pipe"],
      env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? "0" },
    });
    child.stdout.on("data", (chunk) => {
      captured.push(chunk);
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      captured.push(chunk);
      process.stderr.write(chunk);
    });
    child.on("close", (code, signal) => {
      writeFileSync(path.join(outputDir, "ava-output.log"), Buffer.concat(captured));
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

const argv = process.argv.slice(2);
let avaStatus = 0;
if (argv[0] === "--run-ava") avaStatus = await runAva(argv.slice(1));

const { leaks, scanned } = scan();
if (leaks.length > 0) {
  console.error(`secret scan: ${leaks.length} leak(s) in ${scanned} file(s) under test-output/:`);
  for (const leak of leaks.slice(0, 50)) console.error(`  ${leak}`);
  process.exit(1);
}
console.log(`secret scan: no test secret in ${scanned} file(s) under test-output/`);
process.exit(avaStatus);
