// The email being composed: AT+QSMTPDST (20 recipients), AT+QSMTPSUB (100 ASCII / 200 hex),
// AT+QSMTPBODY (data mode, 1-10240 bytes, input_time), AT+QSMTPATT (10 attachments),
// AT+QSMTPCLR, and AT+QSMTPPUT's synchronous checks. Changes during a send answer 652.
import { intParam, strParam } from "../at-line";
import { cme, error, ok, type Reply } from "../reply";
import { emptyContent } from "../state";
import type { CommandContext, CommandTable } from "./context";
import { MAX_SMTP_STRING } from "./smtp-config";

export const LIMITS = {
  recipients: 20,
  attachments: 10,
  subjectAscii: 100,
  subjectHex: 200,
  body: 10240,
  bodyInputTimeDefaultS: 90,
} as const;
const BAD_PARAMETER = 664;
const BUSY = 652;
const NO_RECIPIENT = 659;
const OPEN_FAILED = 661;

function busy(context: CommandContext): Reply | undefined {
  return context.state.sending ? cme(BUSY) : undefined;
}

function validSubject(charset: number, text: string): boolean {
  if (charset === 0) return text.length <= LIMITS.subjectAscii && /^[\x20-\x7e]*$/.test(text);
  return text.length <= LIMITS.subjectHex && text.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(text);
}

export const smtpContentCommands: CommandTable = {
  "+QSMTPDST": (command, context) => {
    if (command.form === "test") return ok(["+QSMTPDST: (0,1),(1-3),<emailaddr>"]);
    const content = context.state.content;
    if (command.form === "read") return ok(content.recipients.map((r) => `+QSMTPDST: ${r.type},"${r.address}"`));
    if (command.form !== "write") return cme(BAD_PARAMETER);
    const mode = intParam(command.params[0], 0, 1);
    if (mode === undefined) return cme(BAD_PARAMETER);
    const blocked = busy(context);
    if (blocked) return blocked;
    if (mode === 0) {
      // AT+QSMTPDST=0 deletes all; with a type and address, only that recipient.
      const address = command.params.length === 3 ? strParam(command.params[2], MAX_SMTP_STRING) : undefined;
      content.recipients = address === undefined ? [] : content.recipients.filter((r) => r.address !== address);
      return ok();
    }
    const type = intParam(command.params[1], 1, 3);
    const address = strParam(command.params[2], MAX_SMTP_STRING);
    if (type === undefined || !address || command.params.length !== 3) return cme(BAD_PARAMETER);
    if (content.recipients.length >= LIMITS.recipients) return cme(BAD_PARAMETER);
    content.recipients.push({ type: type as 1 | 2 | 3, address });
    return ok();
  },
  "+QSMTPSUB": (command, context) => {
    if (command.form === "test") return ok(["+QSMTPSUB: (0-3),<subject>"]);
    const subject = context.state.content.subject;
    if (command.form === "read") return ok([`+QSMTPSUB: ${subject.charset},"${subject.text}"`]);
    const charset = intParam(command.params[0], 0, 3);
    const text = command.params[1];
    if (command.form !== "write" || charset === undefined || !text?.quoted || command.params.length !== 2) {
      return cme(BAD_PARAMETER);
    }
    if (!validSubject(charset, text.text)) return cme(BAD_PARAMETER);
    const blocked = busy(context);
    if (blocked) return blocked;
    context.state.content.subject = { charset: charset as 0 | 1 | 2 | 3, text: text.text };
    return ok();
  },
  "+QSMTPBODY": (command, context) => {
    if (command.form === "test") return ok([`+QSMTPBODY: (0-3),(1-${LIMITS.body}),(1-65535)`]);
    if (command.form === "read") return ok();
    const charset = intParam(command.params[0], 0, 3);
    const length = intParam(command.params[1], 1, LIMITS.body);
    const time = command.params[2] ? intParam(command.params[2], 1, 65535) : LIMITS.bodyInputTimeDefaultS;
    if (command.form !== "write" || charset === undefined || length === undefined || time === undefined || command.params.length > 3) {
      return cme(BAD_PARAMETER);
    }
    const blocked = busy(context);
    if (blocked) return blocked;
    return {
      kind: "data",
      phase: {
        length,
        timeoutMs: context.timing.scale(time * 1000),
        idle: false,
        finish: (bytes) => {
          context.state.content.body = { charset: charset as 0 | 1 | 2 | 3, bytes };
          return ok([`+QSMTPBODY: ${bytes.length}`]);
        },
      },
    };
  },
  "+QSMTPATT": (command, context) => {
    if (command.form === "test") return ok([`+QSMTPATT: (0,1),(1-${LIMITS.attachments}),<file_name>`]);
    const attachments = context.state.content.attachments;
    if (command.form === "read") {
      const lines = [...attachments].sort(([a], [b]) => a - b).map(([index, name]) => {
        return `+QSMTPATT: ${index},"${name}",${context.files.get(name)?.length ?? 0}`;
      });
      return ok(lines);
    }
    const mode = intParam(command.params[0], 0, 1);
    if (command.form !== "write" || mode === undefined) return cme(BAD_PARAMETER);
    const blocked = busy(context);
    if (blocked) return blocked;
    if (mode === 0) {
      if (command.params.length === 1) attachments.clear();
      else {
        const index = intParam(command.params[1], 1, LIMITS.attachments);
        if (index === undefined) return cme(BAD_PARAMETER);
        attachments.delete(index);
      }
      return ok();
    }
    const index = intParam(command.params[1], 1, LIMITS.attachments);
    const name = strParam(command.params[2], MAX_SMTP_STRING);
    if (index === undefined || !name || command.params.length !== 3) return cme(BAD_PARAMETER);
    if (!context.files.has(name)) return cme(OPEN_FAILED);
    attachments.set(index, name);
    return ok();
  },
  "+QSMTPCLR": (command, context) => {
    if (command.form === "test") return ok();
    if (command.form !== "exec") return error();
    const blocked = busy(context);
    if (blocked) return blocked;
    context.state.content = emptyContent();
    return ok();
  },
  "+QSMTPPUT": (command, context) => {
    if (command.form === "test") return ok(["+QSMTPPUT: (60-65535)"]);
    const timeout = intParam(command.params[0], 60, 65535);
    if (command.form !== "write" || timeout === undefined || command.params.length !== 1) return cme(BAD_PARAMETER);
    const blocked = busy(context);
    if (blocked) return blocked;
    if (context.state.content.recipients.length === 0) return cme(NO_RECIPIENT);
    context.state.sending = true;
    return ok([], () => context.startDelivery(timeout));
  },
};
