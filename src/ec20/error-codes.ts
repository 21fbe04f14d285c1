// The EC20's error codes as data: one row per code with the manual's meaning, whether a retry can help,
// and why. Codes overlap between families (421 is a FILE time-out and an SMTP "service not available";
// 550-554 are TCP/IP and SMTP replies), so every lookup names its family.
//
// Sources: SMTP <err> 651-682: SMTP AT manual chapter 4 (table 1). SMTP protocol 421-554: chapter 5
// (table 2) and RFC 5321 4.2 (4yz = transient, 5yz = permanent). FILE 400-426 and TCP/IP 550-574:
// docs/ec20-facts.md sections 1 and 3. CME 3-47: 3GPP TS 27.007 9.2 (the EC20 answers these at CMEE=1).

/**
 * What a caller should do about a failure:
 * - "transient": the same request may succeed later; retry with backoff. The manual (1.4.4) adds that a
 *   transient failure which repeats should be escalated to "reconnect" (see `escalate` in errors.ts).
 * - "reconnect": the data connection is gone; deactivate and reactivate the PDP context first.
 * - "permanent": repeating the same request cannot help (configuration, content, or our own bug).
 */
export type RetryClass = "transient" | "reconnect" | "permanent";

export type ErrorFamily =
  | "smtp" // <err> of AT+QSMTP* and of +QSMTPPUT (chapter 4)
  | "smtp-protocol" // <protocol_error> of +QSMTPPUT, the SMTP server's reply code (chapter 5)
  | "file" // +CME ERROR of AT+QF* (FILE manual)
  | "tcpip" // +CME ERROR of AT+QI* (TCP/IP manual)
  | "cme"; // general 3GPP mobile-equipment errors (AT+CPIN?, AT+CGATT, ...)

export interface ErrorInfo {
  readonly family: ErrorFamily;
  readonly code: number;
  readonly meaning: string;
  readonly retry: RetryClass;
  readonly reason: string;
}

type Row = readonly [code: number, meaning: string, retry: RetryClass, reason: string];

const T = "transient";
const R = "reconnect";
const P = "permanent";

// Chapter 4. 666-682 are the module's renumbering of the SMTP replies of chapter 5, in the same order
// (666 = 421, 667 = 450, 668 = 451, 669 = 452, 670-674 = 500-504, 675 = 521, 676 = 530, 677 = 535,
// 678-682 = 550-554); they take the class RFC 5321 gives the reply.
const SMTP: readonly Row[] = [
  [651, "Unknown error", T, "no cause given; one retry with backoff is cheap"],
  [652, "The SMTP service is busy (uploading body or sending email)", T, "wait for the running operation to end"],
  [653, "Failed to get IP address according to domain name", T, "DNS may recover; if it repeats check the server name and AT+QIACT? (manual 1.4.3)"],
  [654, "Network error (PDP activation, TCP connection or sending to the server failed)", T, "network hiccup; when it repeats, reactivate the PDP context (manual 1.4.4)"],
  [655, "Unsupported authentication type", P, "the server offers no AUTH mechanism the module supports"],
  [656, "The connection for the SMTP service is closed by peer", T, "the server dropped the session; a new session may succeed"],
  [657, "GPRS/CSD context is deactivated", R, "the PDP context is gone: AT+QIDEACT then AT+QIACT before resending"],
  [658, "Timeout", T, "slow network or server; retry with backoff, perhaps with a longer <timeout>"],
  [659, "No recipient for the SMTP service", P, "the email has no recipients: a composition bug"],
  [660, "Failed to send email", T, "unspecified sending failure; resend (manual 1.4.4)"],
  [661, "Failed to open file", P, "the attachment file is missing: re-upload it rather than resend"],
  [662, "No enough memory for the attachment", P, "attachments too large for the module's memory; shrink them"],
  [663, "Failed to save the attachment", T, "module-side storage hiccup; resend"],
  [664, "The input parameter is wrong", P, "a malformed command: our bug"],
  [665, "SSL authentication fail", P, "TLS handshake or certificate check failed: a configuration problem (sslversion, seclevel, CA, SNI)"],
  [666, "Service not available, closing transmission channel (SMTP 421)", T, "RFC 5321 4yz: the server is temporarily unavailable"],
  [667, "Requested mail action not taken: mailbox unavailable (SMTP 450)", T, "RFC 5321 4yz: mailbox busy or greylisting; a later retry usually passes"],
  [668, "Requested action aborted: local error in processing (SMTP 451)", T, "RFC 5321 4yz: server-side local error"],
  [669, "Requested action not taken: insufficient system storage (SMTP 452)", T, "RFC 5321 4yz: server storage may free up"],
  [670, "Syntax error, command unrecognized (SMTP 500)", P, "RFC 5321 5yz: the server rejects the module's dialogue"],
  [671, "Syntax error in parameters or arguments (SMTP 501)", P, "RFC 5321 5yz: usually a malformed address"],
  [672, "Command not implemented (SMTP 502)", P, "RFC 5321 5yz"],
  [673, "Bad sequence of commands (SMTP 503)", P, "RFC 5321 5yz; often AUTH required but not configured"],
  [674, "Command parameter not implemented (SMTP 504)", P, "RFC 5321 5yz"],
  [675, "<domain> does not accept mail (SMTP 521)", P, "RFC 5321 5yz / RFC 1846: the domain never accepts mail"],
  [676, "Access denied (SMTP 530)", P, "authentication or TLS required: a configuration problem"],
  [677, "Authentication failed (SMTP 535)", P, "wrong account or password: a configuration problem"],
  [678, "Requested action not taken: mailbox unavailable (SMTP 550)", P, "RFC 5321 5yz: the recipient does not exist or is refused"],
  [679, "User not local; please try <forward-path> (SMTP 551)", P, "RFC 5321 5yz"],
  [680, "Requested mail action aborted: exceeded storage allocation (SMTP 552)", P, "RFC 5321 5yz: message too large for the mailbox"],
  [681, "Requested action not taken: mailbox name not allowed (SMTP 553)", P, "RFC 5321 5yz: the address is refused"],
  [682, "Transaction failed (SMTP 554)", P, "RFC 5321 5yz: rejected (policy, spam filter)"],
];

// Chapter 5: the server's own reply codes, classed by RFC 5321 4.2.1.
const SMTP_PROTOCOL: readonly Row[] = [
  [421, "Service not available, closing transmission channel", T, "RFC 5321 4yz"],
  [450, "Requested mail action not taken: mailbox unavailable", T, "RFC 5321 4yz: mailbox busy or greylisting"],
  [451, "Requested action aborted: local error in processing", T, "RFC 5321 4yz"],
  [452, "Requested action not taken: insufficient system storage", T, "RFC 5321 4yz"],
  [500, "Syntax error, command unrecognized", P, "RFC 5321 5yz"],
  [501, "Syntax error in parameters or arguments", P, "RFC 5321 5yz"],
  [502, "Command not implemented", P, "RFC 5321 5yz"],
  [503, "Bad sequence of commands", P, "RFC 5321 5yz"],
  [504, "Command parameter not implemented", P, "RFC 5321 5yz"],
  [521, "<domain> does not accept mail", P, "RFC 1846"],
  [530, "Access denied", P, "authentication required: configuration"],
  [535, "Authentication failed", P, "wrong credentials: configuration"],
  [550, "Requested action not taken: mailbox unavailable", P, "RFC 5321 5yz"],
  [551, "User not local; please try <forward-path>", P, "RFC 5321 5yz"],
  [552, "Requested mail action aborted: exceeded storage allocation", P, "RFC 5321 5yz"],
  [553, "Requested action not taken: mailbox name not allowed", P, "RFC 5321 5yz"],
  [554, "Transaction failed", P, "RFC 5321 5yz"],
];

const FILE: readonly Row[] = [
  [400, "Invalid input value", P, "a malformed command: our bug"],
  [401, "Larger than file size", P, "the request exceeds the file"],
  [402, "Read zero byte", P, "nothing to read"],
  [403, "Drive full", P, "free space (AT+QFDEL) before retrying"],
  [405, "File not found", P, "the file does not exist"],
  [406, "Invalid file name", P, "the name is refused by the file system"],
  [407, "File already existed", P, "delete the file (AT+QFDEL) before uploading"],
  [409, "Failed to write", T, "file-system hiccup"],
  [410, "Failed to open", T, "file-system hiccup"],
  [411, "Failed to read", T, "file-system hiccup"],
  [413, "Max open files reached", T, "files may close; retry later"],
  [414, "File is read-only", P, "the file cannot be written"],
  [416, "Invalid descriptor", P, "a stale handle: our bug"],
  [417, "Failed to list", T, "file-system hiccup"],
  [418, "Failed to delete", T, "file-system hiccup"],
  [419, "Failed to get disk info", T, "file-system hiccup"],
  [420, "No space", P, "free space (AT+QFDEL) or upload less"],
  [421, "Time out", T, "the upload stalled; retry the upload"],
  [423, "File too large", P, "the file exceeds what the drive accepts"],
  [425, "Invalid parameter", P, "a malformed command: our bug"],
  [426, "File already opened", T, "another operation holds the file; retry later"],
];

const TCPIP: readonly Row[] = [
  [550, "Unknown error", T, "no cause given"],
  [551, "Operation blocked", T, "another operation is in progress"],
  [552, "Invalid parameters", P, "a malformed command: our bug"],
  [553, "Memory not enough", T, "module memory may free up"],
  [554, "Create socket failed", T, "module resources may free up"],
  [555, "Operation not supported", P, "the firmware does not support it"],
  [556, "Socket bind failed", T, "socket-layer hiccup"],
  [557, "Socket listen failed", T, "socket-layer hiccup"],
  [558, "Socket write failed", T, "socket-layer hiccup"],
  [559, "Socket read failed", T, "socket-layer hiccup"],
  [560, "Socket accept failed", T, "socket-layer hiccup"],
  [561, "Open PDP context failed", R, "deactivate and reactivate the context; check AT+CGATT? and AT+CGREG? (manual 1.4.2)"],
  [562, "Close PDP context failed", T, "retry the deactivation"],
  [563, "Socket identity has been used", T, "wait for the socket to close"],
  [564, "DNS busy", T, "retry shortly"],
  [565, "DNS parse failed", T, "DNS may recover; if it repeats check the name"],
  [566, "Socket connect failed", T, "may be the network; on siblings also every TLS certificate failure (facts 2), so do not retry forever"],
  [567, "Socket has been closed", T, "open a new connection"],
  [568, "Operation busy", T, "retry shortly"],
  [569, "Operation timeout", T, "retry with backoff"],
  [570, "PDP context broken down", R, "the context dropped: deactivate and reactivate it"],
  [571, "Cancel send", T, "the send was cancelled; resend"],
  [572, "Operation not allowed", P, "not allowed in this state or configuration"],
  [573, "APN not configured", P, "configure the APN with AT+QICSGP"],
  [574, "Port busy", T, "the port may free up"],
];

const CME: readonly Row[] = [
  [3, "Operation not allowed", P, "not allowed in this state"],
  [4, "Operation not supported", P, "not supported by the firmware"],
  [10, "SIM not inserted", P, "insert a SIM (manual 1.4.1)"],
  [11, "SIM PIN required", P, "the SIM is locked with a PIN"],
  [12, "SIM PUK required", P, "the SIM is blocked"],
  [13, "SIM failure", P, "the SIM is faulty"],
  [14, "SIM busy", T, "the SIM is still initialising after power-up"],
  [15, "SIM wrong", P, "the SIM is not accepted"],
  [16, "Incorrect password", P, "wrong PIN"],
  [30, "No network service", T, "registration may come later"],
  [31, "Network timeout", T, "retry with backoff"],
  [32, "Network not allowed - emergency calls only", T, "registration may come later"],
];

function index(family: ErrorFamily, rows: readonly Row[]): ReadonlyMap<number, ErrorInfo> {
  const map = new Map<number, ErrorInfo>();
  for (const [code, meaning, retry, reason] of rows) map.set(code, Object.freeze({ family, code, meaning, retry, reason }));
  return map;
}

const TABLES: Readonly<Record<ErrorFamily, ReadonlyMap<number, ErrorInfo>>> = Object.freeze({
  smtp: index("smtp", SMTP),
  "smtp-protocol": index("smtp-protocol", SMTP_PROTOCOL),
  file: index("file", FILE),
  tcpip: index("tcpip", TCPIP),
  cme: index("cme", CME),
});

/** The row for `code` in `family`, or undefined when the family does not list it. */
export function lookupError(family: ErrorFamily, code: number): ErrorInfo | undefined {
  return TABLES[family].get(code);
}

/** Every row of a family, in code order (for documentation, the simulator and tests). */
export function errorsOf(family: ErrorFamily): ErrorInfo[] {
  return [...TABLES[family].values()];
}
