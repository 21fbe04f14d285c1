// The journal's two halves: queueing a decided payload, and recognising after a reset whether an
// earlier wake's append reached the outbox (every payload carries a unique eventSeq, so the same bytes
// in a pending record mean the same event). See state.ts for why the journal exists.

import type { Log } from "../host/types";
import { OutboxError } from "../outbox/errors";
import type { Outbox } from "../outbox/outbox";
import type { JournalEntry } from "./state";

/** Appends a journal entry; false (logged) when the outbox refuses it (counted there, durably). */
export function queue(outbox: Outbox, entry: JournalEntry, log: Log): boolean {
  try {
    outbox.append(entry.kind, entry.payload);
    return true;
  } catch (e) {
    if (!(e instanceof OutboxError)) throw e;
    log("error", `outbox refused a ${entry.kind} (${e.code}): ${e.message}`);
    return false;
  }
}

/** True when a pending record holds exactly `payload` (each payload carries a unique eventSeq). */
export function inOutbox(outbox: Outbox, payload: Uint8Array, buffer: Uint8Array): boolean {
  let found = false;
  outbox.forEachPending((record) => {
    if (found || record.length !== payload.length) return;
    try {
      const n = outbox.readPayload(record.id, buffer);
      let same = n === payload.length;
      for (let i = 0; same && i < n; i++) same = buffer[i] === payload[i];
      found = same;
    } catch (e) {
      if (!(e instanceof OutboxError)) throw e;
    }
  });
  return found;
}

