// The AT command lines (and their masked trace forms) a validated email and account turn into, in the
// order the manual sends them (3.1). Data phases are not included. For dry runs, logs and tests; the
// mailer runs the same declarations through the typed functions.

import { formatLine } from "../ec20/commands/declare";
import { defaultUploadTimeoutS, QFUPL } from "../ec20/commands/file";
import {
  QSMTPATT_ADD, QSMTPBODY, QSMTPCFG_ACCOUNT, QSMTPCFG_SENDER, QSMTPCFG_SERVER, QSMTPDST_ADD, QSMTPSUB_ASCII, QSMTPSUB_HEX,
} from "../ec20/commands/smtp";
import { BODY_INPUT_TIME_S } from "../ec20/limits";
import type { SmtpAccount } from "./email";
import type { PreparedEmail } from "./validate";

export interface LinePair {
  line: string;
  traceAs: string;
}

export function accountLines(account: SmtpAccount): LinePair[] {
  return [
    formatLine(QSMTPCFG_SERVER, [account.server, account.port]),
    formatLine(QSMTPCFG_ACCOUNT, [account.username, account.password]),
    formatLine(QSMTPCFG_SENDER, [account.senderName, account.senderEmail]),
  ];
}

export function emailLines(email: PreparedEmail, inputTimeS: number = BODY_INPUT_TIME_S.default): LinePair[] {
  const lines: LinePair[] = [];
  for (const r of email.recipients) lines.push(formatLine(QSMTPDST_ADD, [1, r.type, r.address]));
  lines.push(email.subject.charset === 0
    ? formatLine(QSMTPSUB_ASCII, [0, email.subject.argument])
    : formatLine(QSMTPSUB_HEX, [email.subject.charset, email.subject.argument]));
  lines.push(formatLine(QSMTPBODY, [email.body.charset, email.body.length, inputTimeS]));
  for (const a of email.attachments) lines.push(formatLine(QFUPL, [a.fileName, a.length, defaultUploadTimeoutS(a.length), 1]));
  for (const a of email.attachments) lines.push(formatLine(QSMTPATT_ADD, [1, a.index, a.fileName]));
  return lines;
}
