// SMTP replies as the simulated EC20 sees them: the reader that splits the server's byte stream into
// (possibly multi-line) replies, and the manual's mapping from a failing reply code to the
// +QSMTPPUT <err> (chapter 4) and <protocol_error> (chapter 5).

import type { DeliveryResult } from "./delivery-types";

export interface SmtpReply {
  code: number;
  /** The text of each line after "250-" / "250 ". */
  lines: string[];
}

/** A delivery that cannot go on; carries the result the modem reports. */
export class DeliveryFailure extends Error {
  constructor(
    readonly err: number,
    readonly protocolError: number,
    message: string,
  ) {
    super(message);
    this.name = "DeliveryFailure";
  }

  toResult(): DeliveryResult {
    return { err: this.err, protocolError: this.protocolError };
  }
}

/** Chapter 4 codes that mirror a server reply one to one (666-682 <-> chapter 5's table). */
const errForReplyCode: ReadonlyMap<number, number> = new Map([
  [421, 666], [450, 667], [451, 668], [452, 669],
  [500, 670], [501, 671], [502, 672], [503, 673], [504, 674],
  [521, 675], [530, 676], [535, 677],
  [550, 678], [551, 679], [552, 680], [553, 681], [554, 682],
]);

/** Code 660 ("failed to send email") covers replies the manual's table does not name. */
export const ERR_SEND_FAILED = 660;

/** The failure a rejecting reply causes: its own chapter 4 code, else 660, with the reply code. */
export function failureForReply(reply: SmtpReply, during: string): DeliveryFailure {
  const err = errForReplyCode.get(reply.code) ?? ERR_SEND_FAILED;
  return new DeliveryFailure(err, reply.code, `${during}: server replied ${reply.code} ${reply.lines.join(" / ")}`);
}

/**
 * Splits the server's stream into replies. Bytes are kept as latin1 so that a stray 8-bit byte in a
 * reply text cannot break the framing; replies are ASCII in practice.
 */
export class ReplyParser {
  #pending = "";
  #lines: string[] = [];

  /** Feeds received bytes; returns the replies they complete, in order. */
  push(chunk: Uint8Array): SmtpReply[] {
    this.#pending += Buffer.from(chunk).toString("latin1");
    const complete: SmtpReply[] = [];
    let end: number;
    while ((end = this.#pending.indexOf("\n")) >= 0) {
      const line = this.#pending.slice(0, end).replace(/\r$/, "");
      this.#pending = this.#pending.slice(end + 1);
      const match = /^(\d{3})([ -]?)(.*)$/.exec(line);
      if (!match) {
        // Not a reply line: a broken server. Report it as a reply the table does not know (660).
        complete.push({ code: 0, lines: [line] });
        this.#lines = [];
        continue;
      }
      this.#lines.push(match[3]);
      if (match[2] !== "-") {
        complete.push({ code: Number(match[1]), lines: this.#lines });
        this.#lines = [];
      }
    }
    return complete;
  }
}
