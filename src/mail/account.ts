// Checks the SMTP account and server settings (AT+QSMTPCFG "smtpserver", "account", "sender") against
// the manual's 50-byte limits and AT quoting rules before any AT traffic. The password never appears
// in an error message.

import { SMTP_STRING_MAX_BYTES } from "../ec20/limits";
import { hostProblem } from "./address";
import type { SmtpAccount } from "./email";
import { ValidationError } from "./errors";
import { checkAddress, checkAtString } from "./validate";

export function validateAccount(account: SmtpAccount): SmtpAccount {
  if (account === null || typeof account !== "object") throw new ValidationError("account", "required", 0, "not an object");
  const server = checkAtString("account.server", account.server, SMTP_STRING_MAX_BYTES);
  const problem = hostProblem(server);
  if (problem) throw new ValidationError("account.server", "syntax", 0, problem);
  const port = account.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ValidationError("account.port", "range", 65535, "1-65535");
  return {
    server,
    port,
    username: checkAtString("account.username", account.username, SMTP_STRING_MAX_BYTES),
    password: checkAtString("account.password", account.password, SMTP_STRING_MAX_BYTES, true),
    senderName: checkAtString("account.senderName", account.senderName, SMTP_STRING_MAX_BYTES),
    senderEmail: checkAddress("account.senderEmail", account.senderEmail),
  };
}
