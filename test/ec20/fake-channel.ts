// Test helper: a CommandChannel that answers from a script, like the modem would, and records what
// was sent. Info lines go through the command's onInfo as LineViews (the lead's lineViewOf); data
// phases are drained from the command's source; the awaited URC is delivered after OK.

import { lineViewOf } from "../../src/at/line";
import { AtError } from "../../src/at/types";
import type { AtCommand } from "../../src/at/types";
import type { CommandChannel } from "../../src/ec20/commands";

export interface Reply {
  /** Information lines before the final result. */
  info?: string[];
  /** "OK" (default) or an AtError to reject with. */
  error?: AtError;
  /** The line delivered to awaitUrc after OK. */
  urc?: string;
  /** Called with the bytes of the data phase; returns the info lines to answer with. */
  onData?(bytes: Uint8Array): string[];
}

export class ScriptedChannel implements CommandChannel {
  readonly sent: AtCommand[] = [];
  readonly #replies: Reply[];
  chunk = 100; // data-phase chunk size: small, to exercise sources that span chunks
  constructor(...replies: Reply[]) {
    this.#replies = replies;
  }
  get lines(): string[] {
    return this.sent.map((c) => c.line);
  }
  async run(command: AtCommand): Promise<void> {
    this.sent.push(command);
    const reply = this.#replies.shift() ?? {};
    let info = reply.info ?? [];
    if (command.data) {
      const all = new Uint8Array(command.data.length);
      const chunk = new Uint8Array(this.chunk);
      let n = 0;
      while (n < command.data.length) {
        const k = command.data.source.read(chunk.subarray(0, Math.min(this.chunk, command.data.length - n)));
        if (k === 0) throw new AtError("source", command.traceAs ?? command.line);
        all.set(chunk.subarray(0, k), n);
        n += k;
      }
      if (reply.onData) info = reply.onData(all);
    }
    for (const text of info) if (command.expect !== undefined && text.startsWith(command.expect)) command.onInfo?.(lineViewOf(text));
    if (reply.error) throw reply.error;
    if (command.awaitUrc) {
      if (reply.urc === undefined) throw new AtError("urc-timeout", command.traceAs ?? command.line);
      command.awaitUrc.onUrc(lineViewOf(reply.urc));
    }
  }
}
