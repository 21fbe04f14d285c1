// The modem's real-time clock as `AT+CCLK?` reports it (3GPP TS 27.007 8.15): "yy/MM/dd,hh:mm:ss±zz",
// local time with its offset from UTC in quarters of an hour (range -96..+96), or without the zone
// when the modem has none. Turned into UTC seconds for the device's own clock.

export interface ModemClock {
  /** Seconds since 1970-01-01T00:00:00Z. */
  utcSeconds: number;
  /** The zone the modem reported, in quarters of an hour east of UTC (0 when it gave none). */
  zoneQuarters: number;
}

/** Two-digit years from this value up are 19yy (the 1980 defaults modems start their clocks at),
 *  lower ones 20yy. */
const CENTURY_PIVOT = 80;

/** Parses the `<time>` of `+CCLK: "<time>"`; undefined for anything that is not a real date and time. */
export function parseModemClock(text: string): ModemClock | undefined {
  const m = /^(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)(?:([+-])(\d\d?))?$/.exec(text);
  if (!m) return undefined;
  const yy = Number(m[1]);
  const year = yy >= CENTURY_PIVOT ? 1900 + yy : 2000 + yy;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  const zone = m[7] === undefined ? 0 : (m[7] === "-" ? -1 : 1) * Number(m[8]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || zone < -96 || zone > 96) return undefined;
  const local = Date.UTC(year, month - 1, day, hour, minute, second) / 1000;
  return { utcSeconds: local - zone * 900, zoneQuarters: zone };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
