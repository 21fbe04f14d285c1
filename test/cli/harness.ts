// Runs the real `ec20-mail` binary as a child process against the EC20 simulator on a pseudo-terminal
// (so the whole Node serial stack is exercised) and a real smtp-server on loopback. Waits on output
// and exit with deadlines, never on sleeps.

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createSimulator, type Fault, type Simulator, realScheduler } from "../../sim/index";
import { startSmtpFixture, type SmtpFaults, type SmtpFixture, type SmtpFixtureMode } from "../../sim/local-smtp-server";

export const BIN = fileURLToPath(new URL("../../hosts/node/bin/ec20-mail.mjs", import.meta.url));
export const CA = fileURLToPath(new URL("../../sim/test-certs/ca.pem", import.meta.url));
export const PASSWORD = "s3cret-Pa55word!";

export interface SimRig {
  device: string;
  sim: Simulator;
  fixture: SmtpFixture;
  /** Flags that reach the fixture through the simulated modem (TLS, verified against the test CA). */
  flags: string[];
  close(): Promise<void>;
}

export async function startSimRig(options: { mode?: SmtpFixtureMode; faults?: Fault[]; simPresent?: boolean; smtpFaults?: SmtpFaults; nitz?: boolean } = {}): Promise<SimRig> {
  const mode = options.mode ?? "tls";
  const fixture = await startSmtpFixture({ mode, user: "sensor", password: PASSWORD, ...(options.smtpFaults ? { faults: options.smtpFaults } : {}) });
  const sim = createSimulator({
    scheduler: realScheduler, timeFactor: 0.05, urcport: "uart1",
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.simPresent === false ? { simPresent: false } : {}),
    ...(options.nitz === false ? {} : { networkTime: { utcMsAtZero: Date.now() - realScheduler.now() } }),
  });
  const pty = await sim.attachPty();
  sim.powerOn();
  const ssltype = mode === "plain" ? "0" : mode === "tls" ? "1" : "2";
  return {
    device: pty.path,
    sim,
    fixture,
    flags: ["--device", pty.path, "--server", "127.0.0.1", "--port", String(fixture.port), "--ssltype", ssltype, "--ca", CA,
      "--user", "sensor", "--from", "sensor7@example.test", "--apn", "internet", "--registration-timeout", "5"],
    async close() {
      await pty.close();
      sim.powerOff();
      await fixture.close();
    },
  };
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to its exit (killed after `timeoutMs`, which fails the run). */
export function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, EC20_SMTP_PASSWORD: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`ec20-mail ${args[0]} did not exit within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A long-running CLI (`sim`): its output so far, and a wait for a line matching a pattern. */
export function startCli(args: string[], env: Record<string, string> = {}) {
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; resolve(m: RegExpMatchArray): void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      const m = stdout.match(w.pattern);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    check();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return {
    child,
    exited,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    /** Resolves with the first match of `pattern` in stdout; rejects after `timeoutMs`. */
    waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpMatchArray> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`)), timeoutMs);
        waiters.push({ pattern, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        check();
      });
    },
  };
}
