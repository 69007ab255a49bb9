/** Small pure helpers shared by the synth modules. */
import type { JsonValue } from "@berth/dsl";

/** Drop `undefined` entries, keeping the order the keys were written in (our emit order). */
export function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) if (value !== undefined) out[key] = value;
  return out as T;
}

/** A copy with keys in sorted (UTF-16 code unit) order; `undefined` when the record is absent. */
export function sortedRecord<V, R = V>(
  record: Readonly<Record<string, V>> | undefined,
  map: (value: V, key: string) => R = (v) => v as unknown as R,
): Record<string, R> | undefined {
  if (record === undefined) return undefined;
  const out: Record<string, R> = {};
  for (const key of Object.keys(record).sort()) out[key] = map(record[key], key);
  return out;
}

/** `undefined` for an absent or empty object, so that empty blocks are not written. */
export function nonEmpty<T extends object>(obj: T | undefined): T | undefined {
  return obj !== undefined && Object.keys(obj).length > 0 ? obj : undefined;
}

/**
 * Compose interpolates `$VAR` / `${VAR}` in values; the graph's strings are literal, so each
 * `$` is written as `$$` (compose's escape). Keys are not interpolated and stay as they are.
 */
export function escapeDollars<T>(value: T): T {
  if (typeof value === "string") return value.replace(/\$/g, "$$$$") as T;
  if (Array.isArray(value)) return value.map(escapeDollars) as T;
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = escapeDollars(v);
    return out as T;
  }
  return value;
}

/** An `extra` value with object keys sorted at every depth (YAML mappings are unordered; our output is not). */
export function sortedJson(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(sortedJson);
  if (value !== null && typeof value === "object") {
    const obj = value as { readonly [k: string]: JsonValue };
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(obj).sort()) out[key] = sortedJson(obj[key]);
    return out;
  }
  return value;
}

/** Append `extra` keys (sorted, verbatim, no `$` escaping: they are compose's own spelling) after the modeled ones. */
export function withExtra<T extends object>(modeled: T, extra: Readonly<Record<string, JsonValue>> | undefined): T {
  if (extra === undefined) return modeled;
  const out: Record<string, unknown> = { ...(modeled as Record<string, unknown>) };
  for (const key of Object.keys(extra).sort()) out[key] = sortedJson(extra[key]);
  return out as T;
}
