// Does an error message carry a secret? A substring test misfires on short secrets that the message's
// own text contains ("name" in "username"), so: the message must stay the same when the secret's
// letters and digits are swapped for others of the same kind (the same validation rule then fails).
// A secret with no letter or digit to swap falls back to the substring test (longer than 3).

/** The secret with every letter and digit replaced by a different one of the same kind. */
export function swappedSecret(secret: string): string {
  return secret.replace(/[A-Za-z0-9]/g, (c) => (/[0-9]/.test(c) ? (c === "7" ? "3" : "7") : c === "q" ? "x" : "q"));
}

/** True when `message` (the error for `secret`) depends on the secret's characters. `messageFor`
 *  gives the error message for another secret, all else equal ("" when that one is accepted). */
export function echoesSecret(secret: string, message: string, messageFor: (secret: string) => string): boolean {
  const swapped = swappedSecret(secret);
  if (swapped !== secret) return messageFor(swapped) !== message;
  return secret.length > 3 && message.includes(secret);
}
