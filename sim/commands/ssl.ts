// AT+QSSLCFG: the six SSL contexts' settings, with the value ranges of a real EG25-G's test response
// and the read-back format `+QSSLCFG: "ciphersuite",1,0XFFFF`.
import { intParam, type Param } from "../at-line";
import { error, ok } from "../reply";
import type { SslContext } from "../state";
import type { CommandTable } from "./context";

type NumericKey = "sslversion" | "seclevel" | "ignorelocaltime" | "negotiatetime" | "sni";
type PathKey = "cacert" | "clientcert" | "clientkey";

const RANGES: Record<NumericKey, [number, number]> = {
  sslversion: [0, 4],
  seclevel: [0, 2],
  ignorelocaltime: [0, 1],
  negotiatetime: [10, 300],
  sni: [0, 1],
};
const PATHS: PathKey[] = ["cacert", "clientcert", "clientkey"];
/** Keys stored as given and read back verbatim. */
const OTHER = ["cacertex", "psk", "closetimemode", "session_cache", "alpn", "renegotiation", "ignoremulticertchainverify", "ignoreinvalidcertsign", "dtls", "dtlsversion"];

/** The EG25-G's cipher suite list (facts §2). */
const SUITES = [0x0035, 0x002f, 0x0005, 0x0004, 0x000a, 0x003d, 0xc002, 0xc003, 0xc004, 0xc005, 0xc007, 0xc008, 0xc009, 0xc00a, 0xc011, 0xc012, 0xc013, 0xc014, 0xc00c, 0xc00d, 0xc00e, 0xc00f, 0xc023, 0xc024, 0xc025, 0xc026, 0xc027, 0xc028, 0xc029, 0xc02a, 0xc02f, 0xc030, 0xffff];

export function suiteText(suite: number): string {
  return `0X${suite.toString(16).toUpperCase().padStart(4, "0")}`;
}

function parseSuite(p: Param | undefined): number | undefined {
  if (!p || !/^0x[0-9a-f]{1,4}$/i.test(p.text)) return undefined;
  const n = parseInt(p.text.slice(2), 16);
  return SUITES.includes(n) ? n : undefined;
}

function readBack(key: string, ctx: number, ssl: SslContext): string {
  if (key === "ciphersuite") return `+QSSLCFG: "ciphersuite",${ctx},${suiteText(ssl.ciphersuite)}`;
  if ((PATHS as string[]).includes(key)) return `+QSSLCFG: "${key}",${ctx},"${ssl[key as PathKey]}"`;
  if (key in RANGES) return `+QSSLCFG: "${key}",${ctx},${ssl[key as NumericKey]}`;
  return `+QSSLCFG: "${key}",${ctx},${ssl.other[key] ?? ""}`;
}

export const sslCommands: CommandTable = {
  "+QSSLCFG": (command, context) => {
    if (command.form === "test") {
      return ok([
        '+QSSLCFG: "sslversion",(0-5),(0-4)',
        `+QSSLCFG: "ciphersuite",(0-5),${SUITES.map(suiteText).join(",")}`,
        '+QSSLCFG: "cacert",(0-5),<cacertpath>',
        '+QSSLCFG: "clientcert",(0-5),<client_cert_path>',
        '+QSSLCFG: "clientkey",(0-5),<client_key_path>,<key_pwd>',
        '+QSSLCFG: "seclevel",(0-5),(0-2)',
        '+QSSLCFG: "ignorelocaltime",(0-5),(0,1)',
        '+QSSLCFG: "negotiatetime",(0-5),(10-300)',
        '+QSSLCFG: "sni",(0-5),(0,1)',
      ]);
    }
    if (command.form !== "write") return error();
    const keyParam = command.params[0];
    const ctx = intParam(command.params[1], 0, 5);
    if (!keyParam?.quoted || ctx === undefined) return error();
    const key = keyParam.text.toLowerCase();
    const known = key === "ciphersuite" || key in RANGES || (PATHS as string[]).includes(key) || OTHER.includes(key);
    if (!known) return error();
    const ssl = context.state.ssl[ctx]!;
    const value = command.params[2];
    if (!value) return ok([readBack(key, ctx, ssl)]);
    if (key === "ciphersuite") {
      const suite = parseSuite(value);
      if (suite === undefined) return error();
      ssl.ciphersuite = suite;
    } else if (key in RANGES) {
      const [min, max] = RANGES[key as NumericKey];
      const n = intParam(value, min, max);
      if (n === undefined) return error();
      ssl[key as NumericKey] = n;
    } else if ((PATHS as string[]).includes(key)) {
      if (!value.quoted) return error();
      ssl[key as PathKey] = value.text;
    } else {
      ssl.other[key] = command.params.slice(2).map((p) => (p.quoted ? `"${p.text}"` : p.text)).join(",");
    }
    return ok();
  },
};
