// Runs inside XS for the bench's cost breakdown (bench/xs-breakdown.ts): what single operations of
// the framer and the AT channel cost on XS's meter, each averaged over 1000 repetitions, so the
// channel's compute on the 100 KB stream can be attributed to per-byte, per-line and per-command work.

import { AtChannel } from "../../../src/at/channel";
import { Framer } from "../../../src/at/framer";
import { Line } from "../../../src/at/line";
import { AtError } from "../../../src/at/types";
import { StreamPort } from "../stream-port";
import { computeOf } from "../../../hosts/xs/meter";
import { xsHost } from "../../../hosts/xs/xs-host";

const host = xsHost();
const N = 1000;

function ascii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}


const each = (run: () => void) => computeOf(host, () => {
  for (let i = 0; i < N; i++) run();
}) / N;

host.expose("costs", () => {
  let sink: unknown = 0;
  const noop = () => {};
  const framer = new Framer({ onLine: noop, onAck: noop, onPrompt: noop, onOverflow: noop });
  const ok = ascii("\r\nOK\r\n");
  const cme = ascii("\r\n+CME ERROR: 652\r\n");
  const urc = ascii('\r\n+CMTI: "SM",3\r\n');
  const port = new StreamPort();
  const channel = new AtChannel({ open: port.open, clock: host.clock, encoder: host.encoder });
  const short = { line: "AT+CSQ", timeoutMs: 300 };
  const long = { line: 'AT+QSMTPDST=1,1,"alarm@example.com"', timeoutMs: 300 };
  const cmeLine = new Line(ascii("+CME ERROR: 652"));
  const buffer = new Uint8Array(64);
  const costs = {
    floorLoopPerByte: computeOf(host, () => {
      let sum = 0;
      for (let r = 0; r < N; r++) for (let i = 0; i < buffer.length; i++) sum += buffer[i];
      sink = sum;
    }) / (N * buffer.length),
    framerOkLine: each(() => framer.push(ok, 0, ok.length)),
    framerCmeLine: each(() => framer.push(cme, 0, cme.length)),
    framerUrcLine: each(() => framer.push(urc, 0, urc.length)),
    channelDeliverEmpty: each(() => port.deliver(new Uint8Array(0))),
    channelUrcLine: each(() => port.deliver(urc)),
    commandOk6: each(() => {
      channel.submit(short, noop);
      port.deliver(ok);
    }),
    commandOk35: each(() => {
      channel.submit(long, noop);
      port.deliver(ok);
    }),
    commandCme6: each(() => {
      channel.submit(short, noop);
      port.deliver(cme);
    }),
    lineInt: each(() => {
      cmeLine.reset(0, 15);
      sink = cmeLine.int(0);
    }),
    atError: each(() => (sink = new AtError("cme", long.line, 652))),
    timerSetClear: each(() => host.clock.clearTimer(host.clock.setTimer(noop, 300))),
  };
  void sink;
  return costs;
});
