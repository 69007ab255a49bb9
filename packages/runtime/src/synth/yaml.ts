/**
 * YAML output that YAML 1.1 readers (PyYAML, so Debian's docker-compose 1.29) and YAML 1.2
 * readers (compose v2) read back identically.
 *
 * The quoting rule is deliberately dumb, so that it can be checked by reading it: a string is
 * written plain only when it matches {@link PLAIN_SAFE} and is not one of YAML 1.1's
 * boolean/null words (compared case-insensitively); every other string is double-quoted.
 * Why that is safe: every YAML 1.1 implicit type other than bool and null (int, float,
 * sexagesimal, octal, hex, binary, timestamp, `.inf`, `.nan`, `~`, `=`, `<<`) starts with a
 * digit, a sign, a dot or a symbol, and PLAIN_SAFE only admits strings that start with a
 * letter, `_`, `/`, `./` or `../` (no YAML 1.1 float starts with a dot and a slash); the words that start with a letter are exactly the bool/null ones below.
 * Indicators (`: `, ` #`, `,[]{}`, quotes, `&*!|>%@` first) and whitespace never appear in a
 * plain string, and a `:` is admitted only between two safe characters. Strings like `e0`
 * are quoted as well, for lax readers (see {@link LAX_EXPONENT}).
 */
import type { Scalar, Tags } from "yaml";

/** Letters, digits and `_./@-` after a first letter, `_`, `/`, `./` or `../`; `:` only between two of those. */
const PLAIN_SAFE = /^(?:[A-Za-z_/]|\.\.?\/)(?:[A-Za-z0-9_./@-]|:(?=[A-Za-z0-9_./@-]))*$/;

/** YAML 1.1 bool and null words that start with a letter (the spec lists case variants; we over-quote every case). */
const YAML11_WORDS = new Set(["y", "n", "yes", "no", "on", "off", "true", "false", "null"]);

/**
 * Not a float in YAML 1.1 or 1.2 (both need a digit before the exponent), but lax 1.1 readers,
 * the `yaml` package's own 1.1 schema among them, read `e0` / `E-5` as numbers: quoted too.
 */
const LAX_EXPONENT = /^[eE][-+]?[0-9]/;

/** True when `value` can be written as a plain scalar and still read back as this exact string in YAML 1.1 and 1.2. */
export function isPlainSafe(value: string): boolean {
  return PLAIN_SAFE.test(value) && !YAML11_WORDS.has(value.toLowerCase()) && !LAX_EXPONENT.test(value);
}

/**
 * Characters JSON.stringify leaves raw that PyYAML may not read back as themselves: its
 * printable set excludes DEL, the C1 controls and the two non-characters, and it takes NEL,
 * LS and PS for line breaks (it folds a raw NEL into a space). All are written as `\uXXXX`.
 */
const PYYAML_UNSAFE_RAW = /[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g;

/** A double-quoted scalar: JSON's escapes (all valid in YAML 1.1 and 1.2) plus `\uXXXX` for what PyYAML misreads raw. */
export function doubleQuote(value: string): string {
  return JSON.stringify(value).replace(PYYAML_UNSAFE_RAW, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function stringifyString(item: Scalar): string {
  const value = String(item.value);
  return isPlainSafe(value) ? value : doubleQuote(value);
}

/** The core schema's tags with our string rule in place of the library's own choice of style. */
function withSafeStrings(tags: Tags): Tags {
  return tags.map((tag) => (typeof tag === "object" && tag.tag === "tag:yaml.org,2002:str" ? { ...tag, stringify: stringifyString } : tag)) as Tags;
}

/**
 * Serialize plain data (key order as given) to block YAML: no anchors/aliases, no line
 * folding, our quoting rule for every string key and value.
 *
 * Written by hand for what synth emits (objects, arrays, strings, finite numbers, booleans,
 * null): building the `yaml` package's document tree and printing it was the largest part of a
 * warm `dsl synth`. Its output is the library's, byte for byte (a property test holds the two
 * together); anything else (a non-finite number, a very long key, a class instance) goes to
 * the library.
 */
export function toYaml(value: unknown): string {
  const out: string[] = [];
  return emitBlock(value, "", out) ? `${out.join("\n")}\n` : toYamlWithLibrary(value);
}

/** The `yaml` package's rendering, for what {@link toYaml} does not handle itself. */
export function toYamlWithLibrary(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Document } = require("yaml") as typeof import("yaml");
  const doc = new Document(value, { aliasDuplicateObjects: false, customTags: withSafeStrings });
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

/** Past this length the library writes a key as an explicit `? key` entry. */
const MAX_IMPLICIT_KEY = 1000;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A scalar, or `[]` / `{}` for an empty collection; undefined when it needs a block (or the library). */
function inline(v: unknown): string | undefined {
  if (typeof v === "string") return isPlainSafe(v) ? v : doubleQuote(v);
  if (typeof v === "number") return Number.isFinite(v) ? (Object.is(v, -0) ? "-0" : JSON.stringify(v)) : undefined;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "null";
  if (Array.isArray(v) && v.length === 0) return "[]";
  if (isPlainObject(v) && Object.values(v).every((x) => x === undefined)) return "{}";
  return undefined;
}

/** Appends `value` as lines indented by `indent`; false when the library must do it. */
function emitBlock(value: unknown, indent: string, out: string[]): boolean {
  const scalar = inline(value);
  if (scalar !== undefined) {
    out.push(indent + scalar);
    return true;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const s = inline(item);
      if (s !== undefined) {
        out.push(`${indent}- ${s}`);
        continue;
      }
      const start = out.length;
      if (item === undefined || !emitBlock(item, `${indent}  `, out)) return false;
      // The item's first line goes after the dash: `- key: value`, `- - x`.
      out[start] = `${indent}- ${out[start].slice(indent.length + 2)}`;
    }
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (k.length > MAX_IMPLICIT_KEY) return false;
    const key = isPlainSafe(k) ? k : doubleQuote(k);
    const s = inline(v);
    if (s !== undefined) out.push(`${indent}${key}: ${s}`);
    else {
      out.push(`${indent}${key}:`);
      if (!emitBlock(v, `${indent}  `, out)) return false;
    }
  }
  return true;
}
