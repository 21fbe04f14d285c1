// Shared helpers for the outbox tests: small-block storage (so every cut point can be tried),
// deterministic payloads, and a reader that lists what a rebooted outbox holds.
import { Outbox, type RecordKind } from "../../src/outbox/outbox";
import { RamStorage, type RamStorageOptions } from "./ram-storage";

/** 6 blocks of 256 bytes: big enough for real records, small enough to cut every byte. */
export function smallStorage(options: Partial<RamStorageOptions> = {}): RamStorage {
  return new RamStorage({ blocks: 6, blockSize: 256, ...options });
}

export const MAX_PAYLOAD = 40;

export function openOutbox(storage: RamStorage, maxRecords = 64, maxPayload = MAX_PAYLOAD): Outbox {
  return new Outbox({ storage, random: () => 0.5, maxPayload, maxRecords });
}

/** A payload that names its record, so a mix-up between records cannot go unnoticed. */
export function payloadFor(tag: number, length = 12): Uint8Array {
  const p = new Uint8Array(length);
  for (let i = 0; i < length; i++) p[i] = (tag * 31 + i * 7) & 0xff;
  return p;
}

export interface Held {
  id: number;
  kind: RecordKind;
  attempts: number;
  notBefore: number;
  payload: Uint8Array;
}

/** Everything pending, with payloads read back through their CRC check. */
export function contents(outbox: Outbox): Map<number, Held> {
  const held = new Map<number, Held>();
  const buffer = new Uint8Array(1024);
  outbox.forEachPending((r) => {
    const n = outbox.readPayload(r.id, buffer);
    held.set(r.id, { id: r.id, kind: r.kind, attempts: r.attempts, notBefore: r.notBefore, payload: buffer.slice(0, n) });
  });
  return held;
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
