// One email through the EC20's SMTP client (manual 1.2 steps 3-5): recipients, subject, body,
// attachments uploaded to RAM in ACK mode with their checksum checked, AT+QSMTPPUT and its result,
// then the content cleared and the RAM files deleted, after a failure too. Resending follows manual
// 1.4.4: resend at once with backoff; if that fails, deactivate and reactivate the PDP context first.

import type { Clock, Log } from "../host/types";
import { deleteFile, uploadFile } from "../ec20/commands/file";
import {
  addAttachment, addRecipient, clearEmail, listRecipients, putError, readSubject, setBody, setSubject, smtpPut,
} from "../ec20/commands/smtp";
import { ModemError } from "../ec20/errors";
import { SettingsApplier, verifies } from "./configure";
import { ModemSession, type ModemChannel } from "./session";
import { validateEmail, type PreparedEmail } from "../mail/validate";
import type { Email } from "../mail/email";
import type { MailerSettings, Phase, Progress, SendResult } from "./types";
import { delay } from "./wait";

/** +QSMTPPUT <err> 665: SSL authentication failed (the server's certificate did not verify). */
const SSL_AUTH_FAILED = 665;
const DEFAULT_BACKOFF_MS: readonly number[] = [10_000, 30_000];

export interface MailerOptions {
  channel: ModemChannel;
  clock: Clock;
  log: Log;
  settings: MailerSettings;
  onProgress?(progress: Progress): void;
}

export class Mailer {
  readonly session: ModemSession;
  readonly #channel: ModemChannel;
  readonly #clock: Clock;
  readonly #log: Log;
  readonly #settings: MailerSettings;
  readonly #config: SettingsApplier;
  readonly #onProgress: MailerOptions["onProgress"];

  constructor(options: MailerOptions) {
    this.#channel = options.channel;
    this.#clock = options.clock;
    this.#log = options.log;
    this.#settings = options.settings;
    this.#onProgress = options.onProgress;
    this.#config = new SettingsApplier(options.settings, options.log); // throws SettingsError first
    this.session = new ModemSession(options.channel, options.clock, options.log, {
      pdp: options.settings.pdp,
      registrationTimeoutMs: options.settings.registrationTimeoutMs,
      pollIntervalMs: options.settings.registrationPollMs,
    });
    this.session.onRestart = () => this.#config.forget();
  }

  /**
   * Sends one email. Throws ValidationError (naming the field and the limit) before any AT traffic
   * when the email breaks a limit of the manual. Otherwise resolves with the outcome, delivered or
   * not: the result says why not and whether a later retry can help. Nothing is left on the modem.
   */
  async send(email: Email): Promise<SendResult> {
    return this.sendPrepared(validateEmail(email));
  }

  /** Sends an email already validated by `validateEmail`. */
  async sendPrepared(email: PreparedEmail): Promise<SendResult> {
    const result: SendResult = { delivered: false, err: 0, protocolError: 0, attempts: 0, phases: [] };
    const ch = this.#channel;
    const generation = this.session.generation;
    const uploaded: string[] = [];
    let phase: Phase = "prepare";
    let started = this.#clock.now();
    const enter = (next: Phase) => {
      const now = this.#clock.now();
      result.phases.push({ phase, ms: now - started });
      phase = next;
      started = now;
      this.#progress(next, 0, 0);
    };
    try {
      this.#progress("prepare", 0, 0);
      await this.session.ensureReady();
      enter("configure");
      await this.#config.apply(ch);
      // Start clean: an earlier run may have died half way (power cut, reset of the ESP32).
      await clearEmail(ch);
      enter("recipients");
      for (const r of email.recipients) await addRecipient(ch, r.type, r.address);
      await this.#verifyRecipients(email);
      enter("subject");
      await setSubject(ch, email.subject.charset, email.subject.argument);
      await this.#verifySubject(email);
      enter("body");
      await setBody(ch, email.body.charset, email.body.open(), email.body.length, {
        inputTimeS: this.#settings.bodyInputTimeS ?? 30,
        onProgress: (sent, total) => this.#progress("body", sent, total),
      });
      enter("attachments");
      for (let i = 0; i < email.attachments.length; i++) {
        const a = email.attachments[i];
        const file = a.fileName;
        uploaded.push(file);
        await uploadFile(ch, file, a.open(), a.length, {
          ackMode: true,
          onProgress: (sent, total) => this.#progress("attachments", sent, total, i),
        });
        await addAttachment(ch, a.index, file);
      }
      enter("put");
      await this.#put(result, generation);
    } catch (error) {
      if (!(error instanceof ModemError)) throw error; // a bug, not a modem failure
      result.error = error;
      result.retry = error.retry;
      this.#log("warn", `email not sent (${phase}): ${error.message}`);
    } finally {
      enter("cleanup");
      await this.#cleanup(uploaded);
      const now = this.#clock.now();
      result.phases.push({ phase: "cleanup", ms: now - started });
    }
    return result;
  }

  async #put(result: SendResult, generation: number): Promise<void> {
    const backoff = this.#settings.resendBackoffMs ?? DEFAULT_BACKOFF_MS;
    const timeoutS = this.#settings.putTimeoutS ?? 300;
    let caRefreshed = false;
    for (let attempt = 0; ; attempt++) {
      if (this.session.generation !== generation) throw restartedError();
      result.attempts++;
      const put = await smtpPut(this.#channel, timeoutS);
      result.err = put.err;
      result.protocolError = put.protocolError;
      const error = putError(put);
      if (!error) {
        result.delivered = true;
        return;
      }
      this.#log("warn", `AT+QSMTPPUT attempt ${attempt + 1}: ${error.message}`);
      if (put.err === SSL_AUTH_FAILED && verifies(this.#settings)) {
        // Our CA file may be the culprit (the +QFUPL checksum misses paired bit errors): delete it
        // and, once per email, upload it afresh and resend at once. A genuine certificate mismatch
        // then fails again and is permanent; a damaged file cannot block every TLS email.
        const ca = this.#config.distrustCaFile();
        if (ca) await deleteFile(this.#channel, ca).catch(() => {});
        if (!caRefreshed) {
          caRefreshed = true;
          await this.#config.apply(this.#channel);
          continue;
        }
      }
      if (error.retry === "permanent" || attempt >= backoff.length) throw error;
      await delay(this.#clock, backoff[attempt]);
      // 1.4.4: the first resend goes straight away; when resending failed too, or the context is
      // gone, deactivate and reactivate the PDP context before the next one.
      if (attempt >= 1 || error.retry === "reconnect" || !this.session.pdpActive) await this.session.reconnect();
    }
  }

  /**
   * Reads the recipients back (AT+QSMTPDST?): a bit flipped on the UART inside an address is still a
   * valid command, and the email would go to a stranger. A mismatch fails the send (transient).
   */
  async #verifyRecipients(email: PreparedEmail): Promise<void> {
    const onModem = await listRecipients(this.#channel);
    const sent = email.recipients;
    const same = onModem.length === sent.length && sent.every((r, i) => onModem[i].type === r.type && onModem[i].address === r.address);
    if (!same) throw corruptedError("AT+QSMTPDST?", "the recipients on the modem differ from those sent");
  }

  /** Reads the subject back (AT+QSMTPSUB?), for the same reason. */
  async #verifySubject(email: PreparedEmail): Promise<void> {
    const onModem = await readSubject(this.#channel);
    if (onModem.charset !== email.subject.charset || onModem.subject !== email.subject.argument) {
      throw corruptedError("AT+QSMTPSUB?", "the subject on the modem differs from the one sent");
    }
  }

  /** QSMTPCLR and every RAM file we uploaded; failures here are logged, never hide the real result. */
  async #cleanup(uploaded: string[]): Promise<void> {
    const ch = this.#channel;
    try {
      await clearEmail(ch);
    } catch (error) {
      this.#log("warn", `cleanup: ${(error as Error).message}`);
    }
    for (const file of uploaded) {
      try {
        await deleteFile(ch, file);
      } catch (error) {
        // 405 (not found) after a modem restart is expected: RAM is empty then.
        this.#log("info", `cleanup ${file}: ${(error as Error).message}`);
      }
    }
  }

  #progress(phase: Phase, sent: number, total: number, item?: number): void {
    if (!this.#onProgress) return;
    const progress: Progress = { phase, sent, total };
    if (item !== undefined) progress.item = item;
    this.#onProgress(progress);
  }
}

function corruptedError(command: string, meaning: string): ModemError {
  return new ModemError({
    family: "smtp", kind: "checksum", code: 0, retry: "transient", command, meaning,
    reason: "bytes were corrupted on the UART; the email is composed again on the next attempt",
  });
}

function restartedError(): ModemError {
  return new ModemError({
    family: "smtp", kind: "response", code: 0, retry: "transient", command: "AT+QSMTPPUT",
    meaning: "the modem restarted while the email was being composed: its content is gone",
    reason: "compose and send the email again",
  });
}
