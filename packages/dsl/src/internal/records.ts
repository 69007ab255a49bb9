/** Small helpers for building graph records. */
import type { JsonValue } from "../graph";

/** A copy with values stringified, or undefined for an absent or empty record. */
export function stringRecord(record: Readonly<Record<string, string | number | boolean>> | undefined): Record<string, string> | undefined {
  if (!record) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(record)) out[k] = String(v);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A copy of a list, or undefined for an absent or empty one. */
export function list<T>(items: readonly T[] | undefined): T[] | undefined {
  return items && items.length > 0 ? [...items] : undefined;
}

/** Compose's quoting of a value in messages. */
export function quote(value: string | number): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}

/** A JSON copy of a plain value, for putting it into a problem. */
export function toJson(value: unknown): JsonValue {
  return canonical(JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** A deep copy with object keys sorted and `undefined` values dropped, so JSON round-trips exactly. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => canonical(v)) as unknown as T;
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = canonical(v);
  }
  return out as T;
}
