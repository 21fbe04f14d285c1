// The modem's settings and the email being composed. `VolatileState` is what a reboot loses (RAM
// files live in FileStore); what survives (UFS files, baud rate, URC port) lives on the Modem.

export interface PdpProfile {
  type: number;
  apn: string;
  user: string;
  password: string;
  auth: number;
}

export interface SslContext {
  sslversion: number;
  ciphersuite: number;
  cacert: string;
  clientcert: string;
  clientkey: string;
  seclevel: number;
  ignorelocaltime: number;
  negotiatetime: number;
  sni: number;
  /** Keys this simulator stores but does not interpret (psk, alpn, dtls ...), as given. */
  other: Record<string, string>;
}

export interface SmtpConfig {
  user: string;
  password: string;
  senderName: string;
  senderEmail: string;
  server: string;
  port: number;
  contextId: number;
  sslCtxId: number;
  sslType: 0 | 1 | 2;
}

export interface SmtpContent {
  recipients: { type: 1 | 2 | 3; address: string }[];
  subject: { charset: 0 | 1 | 2 | 3; text: string };
  body: { charset: 0 | 1 | 2 | 3; bytes: Uint8Array } | undefined;
  /** Index 1-10 -> file name as given ("RAM:x"). */
  attachments: Map<number, string>;
}

export interface VolatileState {
  echo: boolean;
  verbose: boolean;
  cmee: 0 | 1 | 2;
  andD: number;
  qsclk: number;
  /** The <n> of +CREG/+CGREG/+CEREG. */
  regN: Record<string, number>;
  cgatt: 0 | 1;
  pdpProfiles: Map<number, PdpProfile>;
  /** Active PDP contexts: cid -> IPv4 address. */
  activePdp: Map<number, string>;
  /** AT+QIDNSCFG per context: primary and secondary server. */
  dnsServers: Map<number, [string, string]>;
  ssl: SslContext[];
  smtp: SmtpConfig;
  content: SmtpContent;
  /** An AT+QSMTPPUT is in progress (commands that change the email answer 652). */
  sending: boolean;
}

export function defaultSslContext(): SslContext {
  return {
    sslversion: 4,
    ciphersuite: 0xffff,
    cacert: "",
    clientcert: "",
    clientkey: "",
    seclevel: 0,
    ignorelocaltime: 1,
    negotiatetime: 300,
    sni: 0,
    other: {},
  };
}

export function emptyContent(): SmtpContent {
  return { recipients: [], subject: { charset: 0, text: "" }, body: undefined, attachments: new Map() };
}

/** Factory defaults (AT manual §15.1): echo on, ATV1, CMEE=1, AT&D2, CREG n = 0. */
export function freshState(): VolatileState {
  return {
    echo: true,
    verbose: true,
    cmee: 1,
    andD: 2,
    qsclk: 0,
    regN: { "+CREG": 0, "+CGREG": 0, "+CEREG": 0 },
    cgatt: 1,
    pdpProfiles: new Map(),
    activePdp: new Map(),
    dnsServers: new Map(),
    ssl: Array.from({ length: 6 }, defaultSslContext),
    smtp: {
      user: "",
      password: "",
      senderName: "",
      senderEmail: "",
      server: "",
      port: 25,
      contextId: 1,
      sslCtxId: 1,
      sslType: 0,
    },
    content: emptyContent(),
    sending: false,
  };
}
