// Runs AT channel scenarios written as data (the exchange on the wire, then what the user sees) and
// returns the event log. Engine-neutral: the Node tests and the XS test host run the same code.

import { AtChannel } from "../../src/at/channel";
import type { AtCommand, ByteSource } from "../../src/at/types";
import type { TextEncoding } from "../../src/host/types";
import { ScriptedPort, VirtualClock, textBytes } from "./fakes";

export interface ScenarioCommand {
  line: string;
  timeoutMs: number;
  expect?: string;
  traceAs?: string;
  /** A data phase whose source yields `available` (default `length`) letters a..z. */
  data?: { length: number; ackBlock?: number; available?: number };
  awaitUrc?: { prefix: string; timeoutMs: number };
}

export type ScenarioStep =
  | { send: ScenarioCommand }
  | { cancel: number } // index of a previously sent command
  | { modem: string } // bytes from the modem
  | { advance: number } // ms of virtual time
  | { drain: true } // the UART sent what was written: free the TX window
  | { close: true }; // the port fails

export interface Scenario {
  name: string;
  /** Bytes the port takes per onWritable (default 128, the ESP32 FIFO). */
  window?: number;
  /** TX space frees only on `drain` steps. */
  manualDrain?: boolean;
  subscribe?: string[];
  steps: ScenarioStep[];
  /** The event log the scenario must produce. */
  expect: string[];
}

/** Deterministic letters, optionally stopping short of the declared length. */
class LetterSource implements ByteSource {
  #offset = 0;
  readonly #available: number;
  constructor(available: number) {
    this.#available = available;
  }
  read(into: Uint8Array): number {
    let n = 0;
    while (n < into.length && this.#offset < this.#available) into[n++] = 0x61 + (this.#offset++ % 26);
    return n;
  }
}

/** Splits modem bytes into pieces; the default delivers each step whole. */
export type Chunker = (bytes: number[]) => number[][];
const whole: Chunker = (bytes) => [bytes];

/** Cuts each modem step at the given fractional points (0..1): the same rule on Node and in XS. */
export function chunkerFrom(cuts: number[]): Chunker {
  return (bytes) => {
    const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
    const pieces: number[][] = [];
    let last = 0;
    for (const p of points) {
      if (p > last && p < bytes.length) {
        pieces.push(bytes.slice(last, p));
        last = p;
      }
    }
    pieces.push(bytes.slice(last));
    return pieces;
  };
}

/** `encoder`: the host's native TextEncoder, as the ESP32, Node and XS hosts pass it; without one the
 *  channel copies command lines in its own loop. Both must give the same log. */
export function runScenario(scenario: Scenario, chunk: Chunker = whole, encoder?: TextEncoding): string[] {
  const log: string[] = [];
  const clock = new VirtualClock();
  const port = new ScriptedPort(scenario.window ?? 128, !scenario.manualDrain);
  const channel = new AtChannel({ open: port.open, clock, encoder });
  for (const prefix of scenario.subscribe ?? []) {
    channel.subscribe(prefix, (line) => log.push(`urc ${line.text()}`));
  }
  const handles: { cancel(): void }[] = [];
  const flushTx = () => {
    const text = port.takeWritten();
    if (text.length > 0) log.push(`tx ${JSON.stringify(text)}`);
  };
  for (const step of scenario.steps) {
    if ("send" in step) {
      const index = handles.length;
      const spec = step.send;
      const command: AtCommand = {
        line: spec.line,
        timeoutMs: spec.timeoutMs,
        expect: spec.expect,
        traceAs: spec.traceAs,
        onInfo: (line) => log.push(`info#${index} ${line.text()} [${fieldsOf(line)}]`),
      };
      if (spec.data) {
        command.data = {
          length: spec.data.length,
          ackBlock: spec.data.ackBlock,
          source: new LetterSource(spec.data.available ?? spec.data.length),
          onProgress: (sent, total) => log.push(`progress#${index} ${sent}/${total}`),
        };
      }
      if (spec.awaitUrc) {
        command.awaitUrc = {
          ...spec.awaitUrc,
          onUrc: (line) => log.push(`result#${index} ${line.text()} [${fieldsOf(line)}]`),
        };
      }
      handles.push(
        channel.submit(command, (error) =>
          log.push(`done#${index} ${error ? `${error.kind}${error.code ? " " + error.code : ""}` : "ok"}`),
        ),
      );
    } else if ("cancel" in step) handles[step.cancel].cancel();
    else if ("modem" in step) for (const piece of chunk(textBytes(step.modem))) port.receive(piece);
    else if ("advance" in step) clock.advance(step.advance);
    else if ("drain" in step) port.drain();
    else if ("close" in step) port.events.onError("device unplugged");
    flushTx();
  }
  const { unknownUrcs, overflowLines, strayResults } = channel.stats;
  log.push(`stats unknown=${unknownUrcs} overflow=${overflowLines} stray=${strayResults}`);
  return log;
}

function fieldsOf(line: import("../../src/at/types").LineView): string {
  const out: string[] = [];
  for (let i = 0; i < line.fieldCount(); i++) out.push(line.str(i));
  return out.join("|");
}
