// Keeps secrets (SMTP and APN passwords) out of everything the CLI prints. AtCommand.traceAs already
// masks the lines we send; this also covers what the modem sends back (an echo before ATE0, a
// read-back such as `+QSMTPCFG: "account","user","<password>"`) and any message text.

export const MASK = "********";

export class SecretMask {
  readonly #secrets: string[] = [];

  /** Registers a secret; empty strings are ignored (there is nothing to hide). */
  add(secret: string | undefined): void {
    if (secret && this.#secrets.indexOf(secret) < 0) {
      this.#secrets.push(secret);
      // Longest first, so a secret that contains another is replaced whole.
      this.#secrets.sort((a, b) => b.length - a.length);
    }
  }

  /** `text` with every occurrence of every secret replaced by the mask. */
  apply(text: string): string {
    let out = text;
    for (const secret of this.#secrets) out = out.split(secret).join(MASK);
    return out;
  }
}
