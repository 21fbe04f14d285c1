// The simulator as a device: a pseudo-terminal opened with the `serialport` package, TCP, and the CLI.
import { spawn } from "node:child_process";
import { connect } from "node:net";
import test from "ava";
import { SerialPort } from "serialport";
import { createSimulator } from "../../sim/index";

/** Resolves when `received()` satisfies `test`, checking on each data event; rejects after `ms`. */
function waitFor(subscribe: (listener: () => void) => void, check: () => boolean, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => reject(new Error("timed out waiting for data")), ms);
    subscribe(() => {
      if (check()) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

test("serialport opens the pty and does an AT exchange", async (t) => {
  const sim = createSimulator({ timeFactor: 0.001 });
  const pty = await sim.attachPty();
  t.regex(pty.path, /^\/dev\/pts\/\d+$/);
  const port = new SerialPort({ path: pty.path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
  let received = "";
  const listeners: (() => void)[] = [];
  port.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
    for (const l of listeners) l();
  });
  sim.powerOn();
  await waitFor((l) => listeners.push(l), () => received.includes("RDY"), 5_000);
  received = "";
  port.write("AT\r");
  await waitFor((l) => listeners.push(l), () => received.endsWith("OK\r\n"), 5_000);
  t.is(received, "AT\r\r\nOK\r\n");
  received = "";
  port.write("ATI\r");
  await waitFor((l) => listeners.push(l), () => received.endsWith("OK\r\n"), 5_000);
  t.true(received.includes("EC20F"));
  await new Promise<void>((resolve) => port.close(() => resolve()));
  await pty.close();
});

test("over TCP", async (t) => {
  const sim = createSimulator({ timeFactor: 0.001 });
  const tcp = await sim.listenTcp();
  const socket = connect(tcp.port, "127.0.0.1");
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  let received = "";
  const listeners: (() => void)[] = [];
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
    for (const l of listeners) l();
  });
  sim.powerOn();
  await waitFor((l) => listeners.push(l), () => received.includes("RDY"), 5_000);
  socket.write("ATE0\rAT+CSQ\r");
  await waitFor((l) => listeners.push(l), () => received.includes("+CSQ"), 5_000);
  t.true(received.includes("ATE0\r\r\nOK\r\n"));
  socket.destroy();
  await tcp.close();
});

test("the CLI prints the pty path and answers on it", async (t) => {
  const child = spawn(process.execPath, ["--import", "tsx", "sim/cli.ts", "--pty", "--time-factor", "0.0001"], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  const listeners: (() => void)[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    for (const l of listeners) l();
  });
  try {
    // RDY comes 12 s × 0.0001 after "powered on", long before the port below is open.
    await waitFor((l) => listeners.push(l), () => out.includes("powered on"), 20_000);
    const path = /\/dev\/pts\/\d+/.exec(out)![0];
    const port = new SerialPort({ path, baudRate: 115200 });
    let received = "";
    const portListeners: (() => void)[] = [];
    port.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      for (const l of portListeners) l();
    });
    await new Promise<void>((resolve) => port.once("open", () => resolve()));
    port.write("AT\r");
    await waitFor((l) => portListeners.push(l), () => received.endsWith("AT\r\r\nOK\r\n"), 5_000);
    t.pass();
    await new Promise<void>((resolve) => port.close(() => resolve()));
  } finally {
    child.kill("SIGTERM");
  }
});
