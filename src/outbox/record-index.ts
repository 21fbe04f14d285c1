// The outbox's RAM index of pending records: fixed-capacity parallel typed arrays sorted by id, so
// memory is allocated once (18 bytes per slot) and never grows with the number of records.
// Payloads stay in storage; the index holds only where each record is and its retry state.

export class RecordIndex {
  readonly capacity: number;
  count = 0;
  readonly ids: Uint32Array;
  readonly notBefore: Uint32Array;
  /** Block number * 65536 + offset of the record's newest valid copy. */
  readonly location: Uint32Array;
  /** Payload bytes (the entry size follows from it). */
  readonly payloadLength: Uint16Array;
  readonly code: Uint16Array;
  readonly kind: Uint8Array;
  readonly attempts: Uint8Array;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.ids = new Uint32Array(capacity);
    this.notBefore = new Uint32Array(capacity);
    this.location = new Uint32Array(capacity);
    this.payloadLength = new Uint16Array(capacity);
    this.code = new Uint16Array(capacity);
    this.kind = new Uint8Array(capacity);
    this.attempts = new Uint8Array(capacity);
  }

  /** Slot of `id`, or -1. Binary search: ids are kept ascending. */
  find(id: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.ids[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Inserts `id` in order and returns its slot, or -1 when full. Appends are O(1) (ids grow). */
  insert(id: number): number {
    if (this.count >= this.capacity) return -1;
    let at = this.count;
    while (at > 0 && this.ids[at - 1] > id) at--;
    for (let i = this.count; i > at; i--) this.#copySlot(i - 1, i);
    this.ids[at] = id;
    this.count++;
    return at;
  }

  remove(slot: number): void {
    for (let i = slot; i < this.count - 1; i++) this.#copySlot(i + 1, i);
    this.count--;
  }

  clear(): void {
    this.count = 0;
  }

  #copySlot(from: number, to: number): void {
    this.ids[to] = this.ids[from];
    this.notBefore[to] = this.notBefore[from];
    this.location[to] = this.location[from];
    this.payloadLength[to] = this.payloadLength[from];
    this.code[to] = this.code[from];
    this.kind[to] = this.kind[from];
    this.attempts[to] = this.attempts[from];
  }
}
