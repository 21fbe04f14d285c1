// The typed failure of email validation: which field (e.g. "cc[2]", "attachments[1].name"), which
// limit it broke, and the limit's value. Raised before any AT traffic.

import type { LimitRule } from "../ec20/limits";

export type { LimitRule } from "../ec20/limits";

export class ValidationError extends Error {
  /** Path of the offending field: "to[0]", "subject", "attachments[1].name", "account.password". */
  readonly field: string;
  readonly rule: LimitRule;
  /** The limit broken (bytes, characters, items), or 0 when the rule has no number. */
  readonly limit: number;
  constructor(field: string, rule: LimitRule, limit: number, detail: string) {
    super(`${field}: ${detail}`);
    this.name = "ValidationError";
    this.field = field;
    this.rule = rule;
    this.limit = limit;
  }
}
