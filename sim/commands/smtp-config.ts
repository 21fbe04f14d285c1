// AT+QSMTPCFG: SMTP server, account, sender, PDP and SSL context, SSL type. Strings are limited to
// 50 bytes; a write with only the key reads the setting back.
import { intParam, strParam } from "../at-line";
import { cme, ok, type Reply } from "../reply";
import type { SmtpConfig } from "../state";
import type { CommandTable } from "./context";

/** The manual's limit for every string parameter of the SMTP commands. */
export const MAX_SMTP_STRING = 50;
const BAD_PARAMETER = 664;
const BUSY = 652;

function readBack(key: string, c: SmtpConfig): string | undefined {
  switch (key) {
    case "account":
      return `+QSMTPCFG: "account","${c.user}","${c.password}"`;
    case "sender":
      return `+QSMTPCFG: "sender","${c.senderName}","${c.senderEmail}"`;
    case "smtpserver":
      return `+QSMTPCFG: "smtpserver","${c.server}",${c.port}`;
    case "contextid":
      return `+QSMTPCFG: "contextid",${c.contextId}`;
    case "sslctxid":
      return `+QSMTPCFG: "sslctxid",${c.sslCtxId}`;
    case "ssltype":
      return `+QSMTPCFG: "ssltype",${c.sslType}`;
    default:
      return undefined;
  }
}

export const smtpConfigCommands: CommandTable = {
  "+QSMTPCFG": (command, context): Reply => {
    if (command.form === "test") {
      return ok([
        '+QSMTPCFG: "account",<username>,<password>',
        '+QSMTPCFG: "sender",<sender_name>,<sender_email>',
        '+QSMTPCFG: "smtpserver",<srvaddr>,<srvport>',
        '+QSMTPCFG: "contextid",(1-16)',
        '+QSMTPCFG: "sslctxid",(0-5)',
        '+QSMTPCFG: "ssltype",(0-2)',
      ]);
    }
    if (command.form !== "write" || !command.params[0]?.quoted) return cme(BAD_PARAMETER);
    const key = command.params[0].text.toLowerCase();
    const config = context.state.smtp;
    const current = readBack(key, config);
    if (current === undefined) return cme(BAD_PARAMETER);
    const [, a, b] = command.params;
    if (!a) return command.params.length === 1 ? ok([current]) : cme(BAD_PARAMETER);
    if (context.state.sending) return cme(BUSY);
    const twoStrings = key === "account" || key === "sender";
    if (command.params.length !== (twoStrings || key === "smtpserver" ? 3 : 2)) return cme(BAD_PARAMETER);
    if (twoStrings) {
      const first = strParam(a, MAX_SMTP_STRING);
      const second = strParam(b, MAX_SMTP_STRING);
      if (first === undefined || second === undefined) return cme(BAD_PARAMETER);
      if (key === "account") Object.assign(config, { user: first, password: second });
      else Object.assign(config, { senderName: first, senderEmail: second });
      return ok();
    }
    if (key === "smtpserver") {
      const server = strParam(a, MAX_SMTP_STRING);
      const port = intParam(b, 1, 65535);
      if (!server || port === undefined) return cme(BAD_PARAMETER);
      Object.assign(config, { server, port });
      return ok();
    }
    const range: Record<string, [number, number]> = { contextid: [1, 16], sslctxid: [0, 5], ssltype: [0, 2] };
    const [min, max] = range[key]!;
    const n = intParam(a, min, max);
    if (n === undefined) return cme(BAD_PARAMETER);
    if (key === "contextid") config.contextId = n;
    else if (key === "sslctxid") config.sslCtxId = n;
    else config.sslType = n as 0 | 1 | 2;
    return ok();
  },
};
