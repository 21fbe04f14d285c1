// The message format between Node and the XS worker, used by both sides: a 4-byte little-endian
// header length, a JSON header, then raw payload bytes. JSON carries names and small values; bytes
// travel raw so serial traffic is not re-encoded. Relies only on TextEncoder/TextDecoder, which
// both Node and xsnap provide.

export interface WireMessage<H = unknown> {
  header: H;
  bytes: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const EMPTY = new Uint8Array(0);

export function encodeMessage(header: unknown, bytes: Uint8Array = EMPTY): Uint8Array {
  const json = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + bytes.length);
  const n = json.length;
  out[0] = n & 0xff;
  out[1] = (n >>> 8) & 0xff;
  out[2] = (n >>> 16) & 0xff;
  out[3] = (n >>> 24) & 0xff;
  out.set(json, 4);
  out.set(bytes, 4 + n);
  return out;
}

export function decodeMessage<H = unknown>(message: Uint8Array): WireMessage<H> {
  if (message.length < 4) throw new Error(`xs wire: message of ${message.length} bytes has no header`);
  const n = message[0] | (message[1] << 8) | (message[2] << 16) | (message[3] << 24);
  if (n < 0 || 4 + n > message.length) throw new Error(`xs wire: header length ${n} exceeds message`);
  const header = JSON.parse(decoder.decode(message.subarray(4, 4 + n))) as H;
  return { header, bytes: message.subarray(4 + n) };
}

/** Node -> XS: call a function the XS side exposed. `at` (follow mode) is the Node clock's time. */
export interface CallHeader {
  call: string;
  args?: unknown;
  at?: number;
}

/** XS -> Node: the reply to a call, with the virtual clock's state after the call settled. */
export type ReplyHeader =
  | { ok: true; value?: unknown; bytes?: boolean; now: number; nextDue: number | null }
  | { ok: false; error: { name: string; message: string; stack?: string }; now: number; nextDue: number | null };

/** XS -> Node, synchronously during a call: port traffic, logs and events. */
export type OutHeader =
  | { out: "tx"; port: string }
  | { out: "close"; port: string }
  | { out: "log"; level: string; message: string }
  | { out: "emit"; name: string; value?: unknown };
