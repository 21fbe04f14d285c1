// Runs inside XS for the bench's cost breakdown (bench/xs-breakdown.ts): what the framer and the AT
// channel spend on XS's meter per piece, per line of each kind and per command, each averaged over
// 1000 repetitions and taken as a difference (marginal cost), so the channel's compute on the 100 KB
// stream can be attributed to the work it does.

import { AtChannel } from "../../../src/at/channel";
import { Framer } from "../../../src/at/framer";
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

const each = (run: () => void) =>
  computeOf(host, () => {
    for (let i = 0; i < N; i++) run();
  }) / N;

host.expose("costs", () => {
  const noop = () => {};
  const framer = new Framer({ onLine: noop, onAck: noop, onPrompt: noop, onOverflow: noop });
  const port = new StreamPort();
  const channel = new AtChannel({ open: port.open, clock: host.clock, encoder: host.encoder });
  channel.subscribe("+QIURC:", noop);
  const ok = ascii("\r\nOK\r\n");
  const okOk = ascii("\r\nOK\r\n\r\nOK\r\n");
  const x64 = ascii("x".repeat(64));
  const empty = new Uint8Array(0);
  const csq = { line: "AT+CSQ", timeoutMs: 300, expect: "+CSQ:", onInfo: noop };
  const plain = { line: "AT+CSQ", timeoutMs: 300 };
  const long = { line: 'AT+QSMTPDST=1,1,"alarm@example.com"', timeoutMs: 300 };
  const put = { line: "AT+QSMTPPUT=300", timeoutMs: 300, awaitUrc: { prefix: "+QSMTPPUT:", timeoutMs: 300_000, onUrc: noop } };
  // The same bytes through the framer alone and through the channel: the difference is the channel's.
  const both = (bytes: Uint8Array, submit?: () => void) => ({
    framer: each(() => framer.push(bytes)),
    channel: each(() => {
      submit?.();
      port.deliver(bytes);
    }),
  });
  const echoOk = both(ascii("AT+CSQ\r\r\nOK\r\n"), () => channel.submit(plain, noop));
  const infoOk = both(ascii("AT+CSQ\r\r\n+CSQ: 20,99\r\n\r\nOK\r\n"), () => channel.submit(csq, noop));
  const onlyOk = both(ok, () => channel.submit(plain, noop));
  const longOk = both(ok, () => channel.submit(long, noop));
  const cme = both(ascii("\r\n+CME ERROR: 652\r\n"), () => channel.submit(plain, noop));
  const urcResult = both(ascii("\r\nOK\r\n\r\n+QSMTPPUT: 0,0\r\n"), () => channel.submit(put, noop));
  const subscribed = both(ascii('\r\n+QIURC: "pdpdeact",1\r\n'));
  const unknown = both(ascii('\r\n+CMTI: "SM",3\r\n'));
  const framerX64 = each(() => {
    framer.push(x64);
    framer.reset();
  });
  const crlf64 = ascii("\r\n".repeat(32));
  const crlf32 = ascii("\r\n".repeat(16));
  const framerCrLf64 = each(() => framer.push(crlf64));
  const framerCrLf32 = each(() => framer.push(crlf32));
  const pushEmpty = each(() => framer.push(empty));
  const deliverEmpty = each(() => port.deliver(empty));
  const framerOk = each(() => framer.push(ok));
  const framerOkOk = each(() => framer.push(okOk));
  const line64 = ascii("x".repeat(62) + "\r\n");
  const line32 = ascii("x".repeat(30) + "\r\n");
  const perLineByte = (each(() => framer.push(line64)) - each(() => framer.push(line32))) / 32;
  // What the channel's delivery of a piece costs beyond the framer's push of the same piece.
  const delivery = deliverEmpty - pushEmpty;
  const dispatch = (m: { framer: number; channel: number }) => m.channel - m.framer - delivery;
  const costs = {
    floorLoopPerByte:
      computeOf(host, () => {
        let sum = 0;
        for (let r = 0; r < N; r++) for (let i = 0; i < x64.length; i++) sum += x64[i];
        if (sum < 0) throw new Error("unreachable");
      }) /
      (N * x64.length),
    /** Framer: one more byte inside a line (the scan, and the window copy XS meters at 2 per byte). */
    framerPerLineByte: perLineByte,
    /** Framer: one more CR or LF between lines. */
    framerPerCrLf: (framerCrLf64 - framerCrLf32) / 32,
    /** Framer: one more line (`\r\nOK\r\n`, its 6 bytes included) in the same piece. */
    framerPerLine: framerOkOk - framerOk,
    /** Framer: a piece apart from its bytes (push, scan set-up), here one that ends inside a line,
     *  whose 64 bytes are then moved before the window (XS meters that copy at 2 per byte). */
    framerPerPiece: framerX64 - 64 * perLineByte,
    /** Channel: delivering a piece through the port (onReadable, the test port's read) beyond the framer's push. */
    deliveryPerPiece: delivery,
    /** Channel, per command: submit to done with a 6-character line ended by OK. */
    commandWithOk: dispatch(onlyOk),
    /** Channel: each further command-line character. */
    commandLineChar: (dispatch(longOk) - dispatch(onlyOk)) / (long.line.length - plain.line.length),
    /** Channel: dropping our echo. */
    echoLine: dispatch(echoOk) - dispatch(onlyOk),
    /** Channel: an information line matched by prefix and handed to onInfo. */
    infoLine: dispatch(infoOk) - dispatch(echoOk),
    /** Channel: `+CME ERROR: 652` instead of OK (the code, the AtError). */
    cmeInsteadOfOk: dispatch(cme) - dispatch(onlyOk),
    /** Channel: waiting after OK for `+QSMTPPUT: 0,0` and matching it. */
    awaitedUrc: dispatch(urcResult) - dispatch(onlyOk),
    /** Channel: a URC with a subscriber. */
    subscribedUrcLine: dispatch(subscribed),
    /** Channel: a URC nobody subscribed to (counted, dropped). */
    unknownUrcLine: dispatch(unknown),
  };
  return costs;
});
