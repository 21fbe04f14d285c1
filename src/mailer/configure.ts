// SMTP, TLS and CA-certificate settings (manual 1.2 step 2), sent only when they differ from what this
// modem was last given. What was given is remembered per modem restart: after `RDY` it is all resent.

import type { ByteSource } from "../at/types";
import type { Log } from "../host/types";
import { ChecksumSource } from "../ec20/commands/checksum";
import { deleteFile, listFiles, uploadFile } from "../ec20/commands/file";
import { formatLine } from "../ec20/commands/declare";
import type { CommandChannel } from "../ec20/commands/run";
import {
  QSMTPCFG_ACCOUNT, QSMTPCFG_CONTEXT, QSMTPCFG_SENDER, QSMTPCFG_SERVER, QSMTPCFG_SSLCTX, QSMTPCFG_SSLTYPE,
  setAccount, setSender, setServer, setSmtpContext, setSmtpSslContext, setSslType,
} from "../ec20/commands/smtp";
import { QSSLCFG_WRITE, setSslOption } from "../ec20/commands/ssl";
import type { MailerSettings } from "./types";

/** A setting: its identity, the value it must have, and how to send it. */
interface Setting {
  key: string;
  value: string;
  apply(ch: CommandChannel): Promise<void>;
}

export class SettingsApplier {
  readonly #settings: MailerSettings;
  readonly #log: Log;
  /** key -> value last acknowledged by the modem. Bounded by the fixed list of settings (about 12). */
  readonly #applied = new Map<string, string>();
  #caName: string | undefined;

  constructor(settings: MailerSettings, log: Log) {
    this.#settings = settings;
    this.#log = log;
    validateSettings(settings);
  }

  /**
   * The modem refused the server's certificate (665). Our CA file on UFS may itself be damaged: the
   * +QFUPL checksum (a 16-bit XOR) misses paired errors. Returns the file's name for the caller to
   * delete on the modem (the next send, in this wake or a later one, uploads it again), so a
   * corrupted file cannot fail every TLS email from now on.
   */
  distrustCaFile(): string | undefined {
    const name = this.#caName;
    this.#caName = undefined;
    this.#applied.delete("ca-file");
    this.#applied.delete("ssl.cacert");
    return name;
  }

  /** The modem restarted: it holds none of our settings any more. */
  forget(): void {
    this.#applied.clear();
  }

  /** Sends what changed. On a failure the setting stays unapplied and the error propagates. */
  async apply(ch: CommandChannel): Promise<void> {
    for (const setting of await this.#desired(ch)) {
      if (this.#applied.get(setting.key) === setting.value) continue;
      this.#applied.delete(setting.key);
      await setting.apply(ch);
      this.#applied.set(setting.key, setting.value);
    }
  }

  async #desired(ch: CommandChannel): Promise<Setting[]> {
    const s = this.#settings;
    const list: Setting[] = [
      { key: "contextid", value: String(s.pdp.contextId), apply: (c) => setSmtpContext(c, s.pdp.contextId) },
      { key: "ssltype", value: String(s.server.ssltype), apply: (c) => setSslType(c, s.server.ssltype) },
    ];
    if (s.server.ssltype !== 0) {
      const ctx = s.tls.contextId ?? 1;
      const ssl = (key: "sslversion" | "ciphersuite" | "seclevel" | "sni" | "cacert", value: number | string): Setting => ({
        key: `ssl.${key}`, value: `${ctx}:${value}`, apply: (c) => setSslOption(c, key, ctx, value),
      });
      list.push({ key: "sslctxid", value: String(ctx), apply: (c) => setSmtpSslContext(c, ctx) });
      list.push(ssl("sslversion", s.tls.sslVersion ?? 3));
      list.push(ssl("ciphersuite", 0xffff));
      list.push(ssl("sni", s.tls.sni === false ? 0 : 1));
      if (verifies(s)) {
        list.push(ssl("cacert", await this.#ensureCaCert(ch)));
        list.push(ssl("seclevel", 1));
      } else {
        if (this.#applied.get("ssl.seclevel") !== `${ctx}:0`) {
          this.#log("warn", "TLS server certificate verification is OFF (tls.verify=false): the connection can be intercepted");
        }
        list.push(ssl("seclevel", 0));
      }
    }
    list.push(
      { key: "smtpserver", value: `${s.server.host}:${s.server.port}`, apply: (c) => setServer(c, s.server.host, s.server.port) },
      // The password is part of the value so a changed one is resent; the map never leaves RAM.
      { key: "account", value: `${s.account.user}\u0000${s.account.password}`, apply: (c) => setAccount(c, s.account.user, s.account.password) },
      { key: "sender", value: `${s.sender.name}\u0000${s.sender.email}`, apply: (c) => setSender(c, s.sender.name, s.sender.email) },
    );
    return list;
  }

  /**
   * Uploads the CA certificate to UFS once. Its name carries the upload checksum, so a changed
   * certificate gets a new file and an unchanged one is found by `AT+QFLST` and not sent again.
   */
  async #ensureCaCert(ch: CommandChannel): Promise<string> {
    if (this.#caName && this.#applied.has("ca-file")) return this.#caName;
    const ca = this.#settings.tls.caCert!;
    const checksum = checksumOf(ca.open(), ca.length);
    const name = `ca-${checksum.toString(16)}.pem`;
    let present = false;
    try {
      const { files } = await listFiles(ch, name);
      present = files.some((f) => f.name.endsWith(name) && f.size === ca.length);
    } catch {
      present = false; // listing a missing file is an error on the EC20 (facts 1)
    }
    if (!present) {
      try {
        await deleteFile(ch, name);
      } catch {
        // nothing to delete
      }
      try {
        await uploadFile(ch, name, ca.open(), ca.length, { ackMode: true });
      } catch (error) {
        // A mismatched upload (bytes corrupted on the UART) leaves a file of the right name and size
        // but the wrong bytes; the next run would find it by name and trust a broken CA forever.
        await deleteFile(ch, name).catch(() => {});
        throw error;
      }
      this.#log("info", `CA certificate uploaded to UFS as ${name} (${ca.length} bytes)`);
    }
    this.#caName = name;
    this.#applied.set("ca-file", name);
    return name;
  }
}

/** The upload checksum of a source, read once in small chunks (no copy of the certificate). */
function checksumOf(source: ByteSource, length: number): number {
  const summed = new ChecksumSource(source);
  const chunk = new Uint8Array(128);
  while (summed.count < length && summed.read(chunk) > 0);
  return summed.checksum;
}

/** Every setting formatted once before any AT traffic: a bad value fails here with its limit. */
export function validateSettings(s: MailerSettings): void {
  formatLine(QSMTPCFG_CONTEXT, [s.pdp.contextId]);
  formatLine(QSMTPCFG_SSLTYPE, [s.server.ssltype]);
  formatLine(QSMTPCFG_SERVER, [s.server.host, s.server.port]);
  formatLine(QSMTPCFG_ACCOUNT, [s.account.user, s.account.password]);
  formatLine(QSMTPCFG_SENDER, [s.sender.name, s.sender.email]);
  if (s.server.ssltype !== 0) {
    const ctx = s.tls.contextId ?? 1;
    formatLine(QSMTPCFG_SSLCTX, [ctx]);
    formatLine(QSSLCFG_WRITE.sslversion, [ctx, s.tls.sslVersion ?? 3]);
    if (verifies(s) && !s.tls.caCert) {
      throw new SettingsError("tls.caCert", "a CA certificate is required while tls.verify is on (set tls.verify=false to skip verification explicitly)");
    }
  }
}

/**
 * Verification is on unless switched off explicitly: settings read from a file or built by untyped
 * code may omit `verify`, and a missing value must not mean "accept any certificate".
 */
export function verifies(s: MailerSettings): boolean {
  return s.tls.verify !== false;
}

/** A mailer setting that cannot work, found before any AT traffic. */
export class SettingsError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = "SettingsError";
    this.field = field;
  }
}
