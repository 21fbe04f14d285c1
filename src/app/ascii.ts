// ASCII formatting into caller buffers, without building strings: the CSV and the readings list are
// formatted one line at a time into a fixed line buffer, twice (once to count, once to send), so the
// formatting must be deterministic and allocation-free. String forms for the once-per-email summary.

/** Writes ASCII `text` at `at`; returns the position after it. Characters above 0x7E become "?". */
export function putAscii(into: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    into[at++] = c >= 0x20 && c < 0x7f ? c : c === 0x0d || c === 0x0a ? c : 0x3f;
  }
  return at;
}

/** The ASCII bytes of `text` (for the short, once-per-email texts). */
export function asciiBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  putAscii(bytes, 0, text);
  return bytes;
}

/** Writes a non-negative integer (< 2^53) in decimal, at least `width` digits (zero-padded). */
export function putUint(into: Uint8Array, at: number, n: number, width = 1): number {
  let digits = 1;
  for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
  if (digits < width) digits = width;
  let v = n;
  for (let i = digits - 1; i >= 0; i--) {
    into[at + i] = 0x30 + (v % 10);
    v = Math.floor(v / 10);
  }
  return at + digits;
}

/** Largest |value| x 10^decimals that putFixed writes exactly (2^53). */
const EXACT_LIMIT = 9007199254740992;

/**
 * Writes `value` rounded to `decimals` (0-6) places: "-12.30", "0.05", "7". "NaN" for a value that is
 * not finite or too large to print exactly (|value| x 10^decimals >= 2^53). At most 24 bytes.
 */
export function putFixed(into: Uint8Array, at: number, value: number, decimals: number): number {
  const scale = POWERS[decimals];
  const scaled = Math.round(Math.abs(value) * scale);
  if (!Number.isFinite(value) || scaled >= EXACT_LIMIT) return putAscii(into, at, "NaN");
  if (value < 0 && scaled > 0) into[at++] = 0x2d;
  at = putUint(into, at, Math.floor(scaled / scale));
  if (decimals > 0) {
    into[at++] = 0x2e;
    at = putUint(into, at, scaled % scale, decimals);
  }
  return at;
}
const POWERS: readonly number[] = Object.freeze([1, 10, 100, 1000, 10000, 100000, 1000000]);
/** Longest putFixed output: sign, 16 digits, point, 6 decimals. */
export const FIXED_MAX_BYTES = 24;

/** `value` as putFixed writes it, as a string (summary lines). */
export function formatFixed(value: number, decimals: number): string {
  const bytes = new Uint8Array(FIXED_MAX_BYTES);
  const n = putFixed(bytes, 0, value, decimals);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Writes UTC `seconds` (since 1970) as "2026-12-03T16:00:05Z" (20 bytes), or with `minute` "2026-12-03 16:00Z" (17). */
export function putUtc(into: Uint8Array, at: number, seconds: number, minute = false): number {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const rest = s - days * 86400;
  // Civil date from the day count (H. Hinnant's civil_from_days), in locals: no shared scratch, since
  // a preloaded module's objects are frozen in flash on the device.
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  at = putUint(into, at, year, 4);
  into[at++] = 0x2d;
  at = putUint(into, at, month, 2);
  into[at++] = 0x2d;
  at = putUint(into, at, day, 2);
  into[at++] = minute ? 0x20 : 0x54;
  at = putUint(into, at, Math.floor(rest / 3600), 2);
  into[at++] = 0x3a;
  at = putUint(into, at, Math.floor((rest % 3600) / 60), 2);
  if (!minute) {
    into[at++] = 0x3a;
    at = putUint(into, at, rest % 60, 2);
  }
  into[at++] = 0x5a;
  return at;
}

/** `seconds` as putUtc writes it, as a string. */
export function formatUtc(seconds: number, minute = false): string {
  const bytes = new Uint8Array(24);
  const n = putUtc(bytes, 0, seconds, minute);
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
