// Shows the mailer's progress: on a terminal a redrawn bar per data upload (body, each attachment),
// otherwise (pipes, CI, log files) one plain line per phase and per finished upload.

import type { Progress } from "../../../src/mailer/types";

const PHASE_TEXT: Record<string, string> = {
  prepare: "checking SIM, registration and the PDP context",
  configure: "applying SMTP/TLS settings",
  recipients: "adding recipients",
  subject: "setting the subject",
  body: "sending the body",
  attachments: "uploading attachments",
  put: "sending (AT+QSMTPPUT), waiting for the server",
  cleanup: "clearing the email and RAM files",
};

const BAR_WIDTH = 30;

export interface ProgressOutput {
  write(text: string): void;
}

/** A progress callback for Mailer; `names` labels the attachments by index. */
export function progressPrinter(out: ProgressOutput, tty: boolean, names: readonly string[]): (p: Progress) => void {
  let phase = "";
  let drawn = -1; // last drawn percentage of the current upload
  let barOpen = false;
  const endBar = () => {
    if (barOpen) out.write("\n");
    barOpen = false;
    drawn = -1;
  };
  return (p) => {
    if (p.phase !== phase) {
      endBar();
      phase = p.phase;
      out.write(`  ${PHASE_TEXT[p.phase] ?? p.phase}\n`);
    }
    if (p.total === 0) return;
    const label = p.phase === "body" ? "body" : `attachment ${(p.item ?? 0) + 1}/${names.length} ${names[p.item ?? 0] ?? ""}`;
    const percent = Math.floor((100 * p.sent) / p.total);
    if (tty) {
      if (p.sent === 0 && barOpen) endBar();
      if (percent === drawn) return;
      drawn = percent;
      const filled = Math.round((BAR_WIDTH * p.sent) / p.total);
      out.write(`\r    ${label} [${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${p.sent}/${p.total} B`);
      barOpen = true;
      if (p.sent === p.total) endBar();
    } else if (p.sent === p.total) {
      out.write(`    ${label}: ${p.total} bytes sent\n`);
    }
  };
}
