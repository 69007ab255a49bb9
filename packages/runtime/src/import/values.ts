/** Small conversions shared by the mappers: compose's loose value forms → the DSL's typed ones. */
import type { JsonValue } from "@berth/dsl";
import { listOrDict } from "./extends";
import { isObj } from "./keys";
import type { Expr } from "./model";

/** Returned by a mapper that cannot say a value in the DSL's types: the key then goes to `extra`, verbatim. */
export const UNMODELED = Symbol("unmodeled");
export type Mapped = Expr | typeof UNMODELED;

/** Compose interpolates `extra` values like any other (synth writes them verbatim): a literal `$` is written `$$`. */
export function escapedJson(value: unknown): JsonValue {
  if (typeof value === "string") return value.replace(/\$/g, "$$$$");
  if (Array.isArray(value)) return value.map(escapedJson);
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapedJson(v)]));
  if (typeof value === "number" || typeof value === "boolean" || value === null) return value;
  return String(value);
}

export const isString = (v: unknown): v is string => typeof v === "string";
export const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

/** A list of scalars as strings (compose accepts `cap_add: [1]`-style numbers), or UNMODELED. */
export function stringList(v: unknown): Mapped {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v) || !v.every((x) => ["string", "number"].includes(typeof x))) return UNMODELED;
  return v.map(String);
}

/** A list-or-dict of strings (labels, driver_opts): every value a string; `null` values cannot be said. */
export function stringRecord(v: unknown): Mapped {
  const rec = listOrDict(v);
  const out: Record<string, Expr> = {};
  for (const [k, val] of Object.entries(rec)) {
    if (val === null || val === undefined || typeof val === "object") return UNMODELED;
    out[k] = String(val);
  }
  return out;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:h|m|s|ms|us|µs))+$/;

/** A duration the DSL parses (`30s`, `1m30s`), kept as written. */
export function duration(v: unknown): Mapped {
  return typeof v === "string" && DURATION.test(v) ? v : UNMODELED;
}

export const bool = (v: unknown): Mapped => (typeof v === "boolean" ? v : UNMODELED);
export const str = (v: unknown): Mapped => (typeof v === "string" ? v : UNMODELED);
export const int = (v: unknown): Mapped => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? v : UNMODELED);

/** Builds an object from `[prop, value]` pairs, dropping undefined ones; UNMODELED if any is. */
export function object(entries: readonly (readonly [string, Mapped | undefined])[]): Mapped {
  const out: Record<string, Expr> = {};
  for (const [k, v] of entries) {
    if (v === UNMODELED) return UNMODELED;
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** True when `value` has only `allowed` keys (and `x-` extensions are not present either: they would be lost). */
export function onlyKeys(value: unknown, allowed: readonly string[]): value is Record<string, unknown> {
  return isObj(value) && Object.keys(value).every((k) => allowed.includes(k));
}

/** Maps `v` when present. */
export function opt(v: unknown, f: (x: unknown) => Mapped): Mapped | undefined {
  return v === undefined ? undefined : f(v);
}
