// The contract between the simulated modem (which collects an email through AT commands) and the SMTP
// delivery engine (which sends it over TCP like the EC20's firmware would). Codes are the manual's.

export interface DeliveryRequest {
  server: { host: string; port: number };
  /** AT+QSMTPCFG="ssltype": 0 plain, 1 implicit TLS, 2 STARTTLS. */
  ssltype: 0 | 1 | 2;
  /** From the SSL context named by "sslctxid" (AT+QSSLCFG). */
  tls: {
    /** PEM text of the UFS file bound with "cacert", if any. */
    caPem?: string;
    /** seclevel: 0 no verification, 1 verify server, 2 verify server (+ client auth if asked). */
    seclevel: 0 | 1 | 2;
    sni: boolean;
    /** sslversion: 0 SSL3, 1 TLS1.0, 2 TLS1.1, 3 TLS1.2, 4 all. */
    sslversion: 0 | 1 | 2 | 3 | 4;
  };
  account: { user: string; password: string };
  sender: { name: string; email: string };
  /** type 1 To, 2 Cc, 3 Bcc (envelope only). */
  recipients: { type: 1 | 2 | 3; address: string }[];
  /** charset 0 ASCII (text as is), 1 UTF-8, 2 GB2312, 3 BIG5 (text is the hex string of the bytes). */
  subject: { charset: 0 | 1 | 2 | 3; text: string };
  body: { charset: 0 | 1 | 2 | 3; bytes: Uint8Array };
  /** Attachment file names without the "RAM:"/"UFS:" prefix. */
  attachments: { name: string; bytes: Uint8Array }[];
  /** AT+QSMTPPUT=<timeout>, in ms (already scaled by the simulator's time factor). */
  timeoutMs: number;
}

/** What the modem reports as `+QSMTPPUT: <err>,<protocol_error>`. */
export interface DeliveryResult {
  /** 0 success, else a code of the manual's chapter 4 (651-682). */
  err: number;
  /** The SMTP server's reply code when it caused the failure (chapter 5), else 0. */
  protocolError: number;
}
