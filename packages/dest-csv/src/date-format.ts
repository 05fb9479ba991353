const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** The wall-clock fields of `date` in `timeZone`, from Intl (no time zone database of our own). */
function wallClock(date: Date, timeZone: string) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(date);
  const field = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const [year, month, day] = [field('year'), field('month'), field('day')];
  const [hour, minute, second] = [field('hour'), field('minute'), field('second')];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const offsetMinutes = Math.round((asUtc - (date.getTime() - date.getUTCMilliseconds())) / 60_000);
  const dayOfYear = (asUtc - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
  return { year, month, day, hour, minute, second, offsetMinutes, dayOfYear: Math.floor(dayOfYear) };
}

/**
 * Formats a date with a Python `strftime` format (the codes MeltanoLabs target-csv configs use) in an IANA time
 * zone. Unknown codes are refused by the config validation before this runs.
 *
 * @example
 * ```ts
 * formatStrftime(new Date('2024-03-05T06:07:08Z'), '%Y-%m-%d.T%H%M%S', 'UTC'); // '2024-03-05.T060708'
 * ```
 */
export function formatStrftime(date: Date, format: string, timeZone: string): string {
  const t = wallClock(date, timeZone);
  const weekday = (new Date(Date.UTC(t.year, t.month - 1, t.day)).getUTCDay() + 6) % 7;
  const offset = Math.abs(t.offsetMinutes);
  const codes: Record<string, string> = {
    Y: String(t.year),
    y: pad(t.year % 100),
    m: pad(t.month),
    d: pad(t.day),
    H: pad(t.hour),
    I: pad(((t.hour + 11) % 12) + 1),
    p: t.hour < 12 ? 'AM' : 'PM',
    M: pad(t.minute),
    S: pad(t.second),
    f: pad(date.getUTCMilliseconds() * 1000, 6),
    j: pad(t.dayOfYear, 3),
    z: `${t.offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(offset / 60))}${pad(offset % 60)}`,
    Z: timeZone,
    a: DAYS[weekday]!.slice(0, 3),
    A: DAYS[weekday]!,
    b: MONTHS[t.month - 1]!.slice(0, 3),
    B: MONTHS[t.month - 1]!,
    '%': '%',
  };
  return format.replace(/%(.)/g, (whole, code: string) => codes[code] ?? whole);
}
