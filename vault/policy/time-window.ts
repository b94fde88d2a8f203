// Time-of-day windows in an IANA time zone, through Intl (no time zone tables of our own).
export interface TimeWindow {
  start: string;
  end: string;
  timeZone: string;
  /** Days of the week the window applies to, 0 = Sunday; all days when absent. */
  days?: number[];
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws a message naming the bad part; used when a policy is issued and when it is checked. */
export function validateTimeWindow(w: TimeWindow): void {
  if (!HHMM.test(w.start)) throw new Error(`timeWindow.start "${w.start}" is not HH:MM (00:00-23:59)`);
  if (!HHMM.test(w.end)) throw new Error(`timeWindow.end "${w.end}" is not HH:MM (00:00-23:59)`);
  if (w.start === w.end) throw new Error("timeWindow.start and timeWindow.end are equal; the window would be empty");
  formatter(w.timeZone);
  if (w.days !== undefined) {
    if (!Array.isArray(w.days) || w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
      throw new Error("timeWindow.days must be a non-empty list of integers 0 (Sunday) to 6 (Saturday)");
    }
  }
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit", weekday: "short" });
    } catch {
      throw new Error(`timeWindow.timeZone "${timeZone}" is not an IANA time zone (e.g. Europe/Paris)`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local weekday and minute of the day at `ms` in `timeZone`, read from Intl (no cache). */
export function localTimeUncached(ms: number, timeZone: string): { day: number; minute: number } {
  let hour = -1;
  let minute = -1;
  let day = -1;
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type === "hour") hour = Number(part.value);
    else if (part.type === "minute") minute = Number(part.value);
    else if (part.type === "weekday") day = WEEKDAYS[part.value] ?? -1;
  }
  if (hour < 0 || minute < 0 || day < 0) throw new Error(`cannot read the local time in ${timeZone}`);
  return { day, minute: hour * 60 + minute };
}

// UTC offsets are whole multiples of 15 minutes and change only at instants that are too (local
// whole or half hours), so one Intl lookup per zone and UTC quarter hour is exact; scans over a
// week (when does the window open next, do two windows ever meet) then cost hundreds of lookups,
// not ten thousand.
const QUARTER_MS = 15 * 60_000;
const WEEK = 7 * 1440;
const offsets = new Map<string, number>();

/** Local weekday and minute of the day at `ms` in `timeZone`. */
export function localTime(ms: number, timeZone: string): { day: number; minute: number } {
  const bucket = Math.floor(ms / QUARTER_MS);
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const at = bucket * QUARTER_MS;
    const local = localTimeUncached(at, timeZone);
    const utc = new Date(at);
    const diff = local.day * 1440 + local.minute - (utc.getUTCDay() * 1440 + utc.getUTCHours() * 60 + utc.getUTCMinutes());
    offset = ((((diff + WEEK / 2) % WEEK) + WEEK) % WEEK) - WEEK / 2;
    if (offsets.size > 20_000) offsets.clear();
    offsets.set(key, offset);
  }
  const t = new Date(ms + offset * 60_000);
  return { day: t.getUTCDay(), minute: t.getUTCHours() * 60 + t.getUTCMinutes() };
}

const toMinute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether `ms` falls inside the window. A window whose end is before its start crosses midnight
 * (22:00-06:00); its `days` name the day the window opens.
 */
export function inTimeWindow(w: TimeWindow, ms: number): boolean {
  validateTimeWindow(w);
  const { day, minute } = localTime(ms, w.timeZone);
  const start = toMinute(w.start);
  const end = toMinute(w.end);
  const dayOk = (d: number) => w.days === undefined || w.days.includes(d);
  if (start < end) return minute >= start && minute < end && dayOk(day);
  if (minute >= start) return dayOk(day);
  if (minute < end) return dayOk((day + 6) % 7);
  return false;
}

/** Seconds until the window next opens (minute resolution, at most a week ahead), or undefined. */
export function secondsUntilOpen(w: TimeWindow, ms: number): number | undefined {
  return secondsUntilAllOpen([w], ms);
}

const WEEK_MINUTES = 7 * 24 * 60;

/** Seconds until every window is open at once (minute resolution, at most a week ahead), or undefined. */
export function secondsUntilAllOpen(windows: readonly TimeWindow[], ms: number): number | undefined {
  const base = Math.floor(ms / 60_000) * 60_000;
  for (let i = 1; i <= WEEK_MINUTES; i++) {
    const t = base + i * 60_000;
    if (windows.every((w) => inTimeWindow(w, t))) return Math.max(1, Math.ceil((t - ms) / 1000));
  }
  return undefined;
}

/**
 * Whether the windows are all open together at some minute of the week starting at `ms`. A grant
 * whose window never meets its secret's floor window could never be used, so issuing one is
 * refused (the rule of docs/protocol.md, "Policy floor").
 */
export function windowsOverlap(windows: readonly TimeWindow[], ms: number): boolean {
  if (windows.length < 2) return true;
  const base = Math.floor(ms / 60_000) * 60_000;
  for (let i = 0; i < WEEK_MINUTES; i++) {
    if (windows.every((w) => inTimeWindow(w, base + i * 60_000))) return true;
  }
  return false;
}
