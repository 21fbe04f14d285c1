// A pragmatic RFC 5321 mailbox check for addresses that reach AT+QSMTPDST and AT+QSMTPCFG="sender":
// a dot-atom local part and a domain of LDH labels or an IPv4 literal. Quoted local parts and IPv6
// literals are refused: they are rare, and a quoted local part would need `"` inside an AT quote.

/** RFC 5321 4.5.3.1.1: a local part is at most 64 octets. */
const LOCAL_MAX = 64;
/** RFC 1035 2.3.4: a label is at most 63 octets. */
const LABEL_MAX = 63;

const ATEXT = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const IPV4_LITERAL = /^\[(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\]$/;

/** Why `address` is not an acceptable mailbox, or undefined when it is. */
export function mailboxProblem(address: string): string | undefined {
  const at = address.lastIndexOf("@");
  if (at <= 0) return "not of the form local@domain";
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > LOCAL_MAX) return `local part longer than ${LOCAL_MAX}`;
  for (const atom of local.split(".")) if (!ATEXT.test(atom)) return "local part is not a dot-atom";
  if (IPV4_LITERAL.test(domain)) return undefined;
  if (domain.length === 0) return "empty domain";
  for (const label of domain.split(".")) {
    if (label.length > LABEL_MAX) return `domain label longer than ${LABEL_MAX}`;
    if (!LABEL.test(label)) return "domain is not dot-separated letters, digits and hyphens";
  }
  return undefined;
}

/** A host for AT+QSMTPCFG="smtpserver": a domain name or a dotted IPv4 address. */
export function hostProblem(host: string): string | undefined {
  if (host.length === 0) return "empty";
  for (const label of host.split(".")) {
    if (label.length > LABEL_MAX) return `label longer than ${LABEL_MAX}`;
    if (!LABEL.test(label)) return "not dot-separated letters, digits and hyphens";
  }
  return undefined;
}
