/**
 * Stable ordering, in one place. Strings compare by their UTF-16 code units (what `<` and a
 * plain `Array.prototype.sort()` use), never by locale: `localeCompare` depends on the machine's
 * locale, and the same input must give byte-identical output everywhere.
 */

/** Code-unit order of two strings: -1, 0 or 1. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders objects by their `name`. */
export function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareStrings(a.name, b.name);
}

/** A sorted copy of `values`, in code-unit order. */
export function sortedStrings(values: Iterable<string>): string[] {
  return [...values].sort(compareStrings);
}

/** The value with every object's keys sorted (recursively) and undefined entries dropped. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(compareStrings)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}

/** JSON with sorted keys: the same value gives the same bytes, whatever its key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
