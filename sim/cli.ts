// Starts the EC20 simulator for people: on a pseudo-terminal (prints its path) and/or over TCP,
// with real timers. Usage:
//   node --import tsx sim/cli.ts --pty [--tcp 7020] [--baud 115200] [--time-factor 0.01]
//        [--smtp host:port] [--fault spec]... [--urcport uart1] [--no-nitz] [--trace]
// The simulated network gives this computer's time on registration (AT+CCLK?) unless --no-nitz.
// Fault specs are listed in sim/faults.ts (parseFault), e.g. --fault error:QSMTPPUT#1=652.
import { parseArgs } from "node:util";
import { createSimulator, parseFault, realScheduler } from "./index";

const usage = `usage: node --import tsx sim/cli.ts --pty [--tcp PORT] [--baud 115200] [--time-factor 1]
       [--smtp host:port] [--fault SPEC]... [--urcport usbat|uart1|all] [--no-nitz] [--trace]`;

function fail(message: string): never {
  process.stderr.write(`${message}\n${usage}\n`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    pty: { type: "boolean", default: false },
    tcp: { type: "string" },
    baud: { type: "string", default: "115200" },
    "time-factor": { type: "string", default: "1" },
    smtp: { type: "string" },
    fault: { type: "string", multiple: true, default: [] },
    urcport: { type: "string", default: "uart1" },
    trace: { type: "boolean", default: false },
    "no-nitz": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
if (!values.pty && values.tcp === undefined) fail("give --pty and/or --tcp PORT");

const baud = Number(values.baud);
const timeFactor = Number(values["time-factor"]);
if (!(timeFactor > 0)) fail("--time-factor must be > 0");
let smtpRedirect: { host: string; port: number } | undefined;
if (values.smtp) {
  const match = /^(.+):(\d+)$/.exec(values.smtp);
  if (!match) fail("--smtp wants host:port");
  smtpRedirect = { host: match[1]!, port: Number(match[2]) };
}
let faults;
try {
  faults = values.fault.map(parseFault);
} catch (error) {
  fail((error as Error).message);
}

const sim = createSimulator({
  scheduler: realScheduler,
  baud,
  timeFactor,
  faults,
  urcport: values.urcport,
  ...(values["no-nitz"] ? {} : { networkTime: { utcMsAtZero: Date.now() - realScheduler.now() } }),
  ...(smtpRedirect ? { smtpRedirect } : {}),
  ...(values.trace ? { onTrace: (e) => process.stderr.write(`${e.direction === "tx" ? ">>" : "<<"} ${e.text}\n`) } : {}),
});

const closers: (() => Promise<void>)[] = [];
if (values.pty) {
  const pty = await sim.attachPty();
  closers.push(pty.close);
  process.stdout.write(`EC20 simulator on ${pty.path}\n`);
}
if (values.tcp !== undefined) {
  const tcp = await sim.listenTcp(Number(values.tcp));
  closers.push(tcp.close);
  process.stdout.write(`EC20 simulator on tcp://127.0.0.1:${tcp.port}\n`);
}
sim.powerOn();
process.stdout.write(`powered on; RDY in ${sim.timing.scale(sim.timing.table.rdy)} ms (time factor ${timeFactor})\n`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    for (const close of closers) await close();
    process.exit(0);
  });
}
