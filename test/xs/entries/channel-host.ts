// Runs inside XS for test/xs/channel-on-xs.test.ts: the real AtChannel on the XS host's own serial
// port and virtual clock, driven byte by byte and millisecond by millisecond from Node. Every
// outcome the caller would see is emitted to Node as an event.

import { AtChannel } from "../../../src/at/channel";
import type { AtCommand } from "../../../src/at/types";
import { xsHost, type XsSerialOptions } from "../../../hosts/xs/xs-host";

/** The "done" event: how a submitted command ended, as the caller saw it (read by the Node tests). */
export interface CommandDone {
  line: string;
  ok: boolean;
  kind?: string;
  code?: number;
  elapsedMs: number;
}

const host = xsHost();
let channel: AtChannel | undefined;

export interface CommandSpec {
  line: string;
  timeoutMs: number;
  expect?: string;
  /** Data phase: `length` bytes of a deterministic pattern (a..z). */
  dataLength?: number;
  awaitUrc?: { prefix: string; timeoutMs: number };
}

host.expose("open", (args: XsSerialOptions & { subscribe?: string[] }) => {
  channel = new AtChannel({ open: host.serial("modem", args), clock: host.clock, log: host.log, encoder: host.encoder });
  for (const prefix of args.subscribe ?? []) channel.subscribe(prefix, (line) => host.emit("urc", line.text()));
  return true;
});

host.expose("submit", (spec: CommandSpec) => {
  if (!channel) throw new Error("open first");
  const at = host.clock.now();
  const command: AtCommand = {
    line: spec.line,
    timeoutMs: spec.timeoutMs,
    expect: spec.expect,
    onInfo: (line) => host.emit("info", { line: spec.line, text: line.text(), fields: fieldsOf(line) }),
  };
  if (spec.dataLength !== undefined) {
    let offset = 0;
    const length = spec.dataLength;
    command.data = {
      length,
      source: {
        read(into) {
          let n = 0;
          while (n < into.length && offset < length) into[n++] = 0x61 + (offset++ % 26);
          return n;
        },
      },
      onProgress: (sent, total) => host.emit("progress", { sent, total }),
    };
  }
  if (spec.awaitUrc) {
    command.awaitUrc = { ...spec.awaitUrc, onUrc: (line) => host.emit("result", line.text()) };
  }
  channel.submit(command, (error) => {
    const done: CommandDone = { line: spec.line, ok: !error, kind: error?.kind, code: error?.code, elapsedMs: host.clock.now() - at };
    host.emit("done", done);
  });
  return true;
});

host.expose("stats", () => ({ ...channel!.stats }));

function fieldsOf(line: { fieldCount(): number; str(i: number): string }): string[] {
  const out: string[] = [];
  for (let i = 0; i < line.fieldCount(); i++) out.push(line.str(i));
  return out;
}
