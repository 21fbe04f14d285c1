// The outbox's typed errors: a code the app can count or branch on, and whether trying later can help.

export type OutboxErrorCode =
  | "full" // no room even after dropping every report: an alarm (or a report) was refused
  | "payload-too-large" // longer than the outbox's maxPayload
  | "unknown-id" // markSent/markFailed/readPayload for an id that is not pending
  | "buffer-too-small" // readPayload's buffer is shorter than the payload
  | "corrupt" // a pending record no longer matches its checksum when read back
  | "storage-layout" // the Storage cannot hold the outbox (too few or too large blocks)
  | "no-room"; // internal: compaction could not make room although the budget said it would

export class OutboxError extends Error {
  readonly code: OutboxErrorCode;
  /** True when the same call can succeed later (e.g. after records are sent and compacted). */
  readonly retryable: boolean;
  constructor(code: OutboxErrorCode, message: string, retryable: boolean) {
    super(message);
    this.name = "OutboxError";
    this.code = code;
    this.retryable = retryable;
  }
}
