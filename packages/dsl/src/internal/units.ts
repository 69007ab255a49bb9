/** Parsers for the value forms compose accepts: durations, byte sizes, CPU counts. */

const DURATION_UNITS: Readonly<Record<string, number>> = { h: 3_600_000_000, m: 60_000_000, s: 1_000_000, ms: 1000, us: 1, µs: 1 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs)/g;

/** Microseconds in a compose duration (`1m30s`, `500ms`), or undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(DURATION_PART)) total += Number(m[1]) * DURATION_UNITS[m[2]];
  return Math.round(total);
}

/** The canonical compose form of a duration in microseconds: `1m30s`, `500ms`, `0s`. */
export function formatDuration(micros: number): string {
  if (micros === 0) return "0s";
  let rest = micros;
  let out = "";
  for (const [unit, size] of [
    ["h", 3_600_000_000],
    ["m", 60_000_000],
    ["s", 1_000_000],
    ["ms", 1000],
    ["us", 1],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  return out;
}

export const DURATION_EXPECTED = `a duration like "30s", "1m30s" or "500ms", or a number of seconds`;

/** A duration as written (string or seconds) in canonical form, or undefined when malformed. */
export function normalizeDuration(value: string | number): string | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) return undefined;
    return formatDuration(Math.round(value * 1_000_000));
  }
  const micros = parseDuration(value);
  return micros === undefined ? undefined : formatDuration(micros);
}

const BYTE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
};

export const BYTES_EXPECTED = `a byte size like "512M", "1g" or "64kb", or a number of bytes`;

/** Bytes in a compose size (`512M`, `1g`, a number of bytes), or undefined when malformed. */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(value.trim());
  if (!m) return undefined;
  const unit = BYTE_UNITS[m[2].toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

export const CPUS_EXPECTED = `a non-negative number of CPUs like 0.5 or "1.5"`;

/** CPUs as compose writes them (`"0.5"`), or undefined when malformed. */
export function normalizeCpus(value: string | number): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? String(value) : undefined;
  return /^\d+(\.\d+)?$/.test(value.trim()) ? String(Number(value.trim())) : undefined;
}
