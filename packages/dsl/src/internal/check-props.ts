/**
 * Run-time checking of props against the schema generated from their TypeScript types
 * (`props-schema.json`, by scripts/props-schema.cjs): the types users see are the only source.
 *
 * A stack file may be plain JavaScript, or TypeScript that was never type-checked (synth does
 * not run `tsc`), so any value can arrive. Each problem is reported with its path; what does
 * not fit is left out of the props handed on, so that normalizing never meets a wrong shape
 * (`ports: "80:80"` is reported, not iterated). Unknown keys are reported with the nearest
 * known key and dropped. References to constructs are checked by brand; a name where an
 * object belongs is left to the normalizers, which explain references.
 */
import type { JsonValue } from "../graph";
import { suggest } from "../suggest";
import { BRANDS, hasBrand } from "./brand";
import { toJson } from "./records";
import SCHEMA from "./props-schema.json";

/** The subset of JSON Schema the generator writes. */
interface Schema {
  readonly type?: "string" | "number" | "boolean" | "null" | "array" | "object";
  readonly enum?: readonly (string | number)[];
  readonly const?: string | number | boolean;
  readonly pattern?: string;
  readonly minLength?: number;
  readonly anyOf?: readonly Schema[];
  readonly items?: Schema;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: Schema | false;
  readonly $ref?: string;
  readonly "x-berth"?: string;
}

/** The construct kinds whose props have a schema. */
export type PropsKind = "service" | "network" | "volume" | "secret" | "config" | "stack";

/** Where problems go: the construct's synth context. */
export interface PropsReporter {
  /** Receives each problem: what is wrong, where in the props, and the value as written. */
  report(message: string, path?: string, value?: JsonValue): void;
  /** Set when a value was left out for its shape: later checks of this construct would only see the gap. */
  incomplete: boolean;
}

interface Issue {
  readonly message: string;
  readonly path: string;
  readonly value?: unknown;
  /** False for problems that leave the value usable (an unknown key is dropped, the rest stays). */
  readonly fatal: boolean;
  /** A required key is missing: the value is probably meant to be another variant of a union. */
  readonly missing?: boolean;
}

interface Outcome {
  readonly ok: boolean;
  readonly value: unknown;
  readonly issues: readonly Issue[];
}

const DEFS = (SCHEMA as { $defs: Record<string, Schema> }).$defs;
const ROOTS = (SCHEMA as { properties: Record<PropsKind, Schema> }).properties;
const CONSTRUCT_BRANDS: Readonly<Record<string, symbol>> = {
  Service: BRANDS.service,
  Network: BRANDS.network,
  Volume: BRANDS.volume,
  Secret: BRANDS.secret,
  Config: BRANDS.config,
  Stack: BRANDS.stack,
};

function resolve(schema: Schema): Schema {
  return schema.$ref ? DEFS[schema.$ref.slice("#/$defs/".length)] : schema;
}

function refName(schema: Schema): string | undefined {
  return schema.$ref?.slice("#/$defs/".length);
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !Object.values(BRANDS).some((b) => hasBrand(x, b));
}

function jsonType(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "array";
  if (typeof x === "number") return Number.isFinite(x) ? "number" : "non-finite";
  return typeof x;
}

/** `environment.A`, `environment["my key"]`, `ports[0]`. */
function join(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const name = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  if (path === "") return name;
  return name === key ? `${path}.${key}` : `${path}[${name}]`;
}

const ok = (value: unknown): Outcome => ({ ok: true, value, issues: [] });
const fail = (path: string, value: unknown, message: string): Outcome => ({ ok: false, value: undefined, issues: [{ message, path, value, fatal: true }] });

/** `"a", "b" or "c"`. */
function alternatives(words: readonly string[]): string {
  return words.length <= 1 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words[words.length - 1]}`;
}

/** The generator's template-literal patterns, read back as the type was written: `^on-failure:-?[0-9]+(\\.[0-9]+)?$` → `on-failure:<n>`. */
function patternExample(pattern: string): string {
  return pattern
    .replace(/^\^|\$$/g, "")
    .split("-?[0-9]+(\\.[0-9]+)?")
    .join("<n>")
    .split(".*")
    .join("<text>")
    .replace(/\\(.)/g, "$1");
}

/** The alternatives a union or enum allows, flattened: `"no", "always", …, "on-failure:<n>"`. */
function words(schema: Schema): string[] {
  const s = resolve(schema);
  if (s.enum && !refName(schema)) return s.enum.map((v) => JSON.stringify(v));
  if (s.anyOf && !refName(schema)) return s.anyOf.flatMap(words);
  return [describe(schema)];
}

/** A schema in words, for "expected …" messages. */
export function describe(schema: Schema): string {
  const s = resolve(schema);
  const name = refName(schema);
  if (name) return `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} object`;
  const brand = s["x-berth"];
  if (brand === "Sensitive") return "sensitive(…)";
  if (brand === "json") return "a JSON value";
  if (brand) return `a ${brand}`;
  if (s.anyOf || s.enum) return alternatives(words(s));
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.pattern) return `"${patternExample(s.pattern)}"`;
  if (s.type === "array") return s.items ? `an array of: ${describe(s.items)}` : "an array";
  if (s.type === "object") return s.additionalProperties ? `an object whose values are: ${describe(s.additionalProperties)}` : "an object";
  return s.type === "null" ? "null" : `a ${s.type ?? "value"}`;
}

/** The JSON types a schema can accept (a name is accepted where a construct belongs: the normalizers explain it). */
function accepts(schema: Schema): Set<string> {
  const s = resolve(schema);
  if (s.anyOf) return new Set(s.anyOf.flatMap((b) => [...accepts(b)]));
  const brand = s["x-berth"];
  if (brand === "json" || brand === "exclusive") return new Set(["string", "number", "boolean", "null", "array", "object"]);
  if (brand === "Sensitive") return new Set(["object"]);
  if (brand) return new Set(["object", "string"]);
  if (s.enum) return new Set(s.enum.map((v) => typeof v));
  if (s.const !== undefined) return new Set([typeof s.const]);
  return new Set(s.type ? [s.type] : []);
}

function checkBrand(brand: string, value: unknown, path: string): Outcome {
  if (brand === "exclusive") return ok(value);
  if (brand === "json")
    return isJson(value) ? ok(value) : fail(path, undefined, "expected a JSON value (string, number, boolean, null, array or plain object)");
  if (brand === "Sensitive") return hasBrand(value, BRANDS.sensitive) ? ok(value) : fail(path, value, "expected sensitive(…)");
  if (hasBrand(value, CONSTRUCT_BRANDS[brand]) || typeof value === "string" || Object.values(CONSTRUCT_BRANDS).some((b) => hasBrand(value, b)))
    return ok(value);
  return fail(path, value, `expected a ${brand}`);
}

function isJson(x: unknown): boolean {
  if (x === null || typeof x === "string" || typeof x === "boolean") return true;
  if (typeof x === "number") return Number.isFinite(x);
  if (Array.isArray(x)) return x.every(isJson);
  return isPlainObject(x) && Object.values(x).every(isJson);
}

function checkEnum(s: Schema, value: unknown, path: string): Outcome {
  const values = s.enum ?? [];
  if (values.includes(value as string | number)) return ok(value);
  const near = typeof value === "string" ? suggest(value, values.map(String)) : undefined;
  return fail(path, value, `expected ${describe(s)}${near ? `; did you mean "${near}"?` : ""}`);
}

function checkArray(s: Schema, value: unknown, path: string): Outcome {
  if (!Array.isArray(value)) return fail(path, value, `expected ${describe(s)}`);
  const results = value.map((item, i) => check(s.items ?? {}, item, join(path, i)));
  const issues = results.flatMap((r) => r.issues);
  // A bad item drops the whole list: leaving it out would renumber the items after it.
  if (results.some((r) => !r.ok)) return { ok: false, value: undefined, issues };
  return { ok: true, value: results.map((r) => r.value), issues };
}

function checkRecord(s: Schema, value: unknown, path: string): Outcome {
  const valueSchema = s.additionalProperties as Schema;
  if (!isPlainObject(value)) {
    const listForm = Array.isArray(value) && value.every((v) => typeof v === "string" && v.includes("="));
    const hint = listForm ? ` (compose's list form ["KEY=value"] is written { KEY: "value" } here)` : "";
    return fail(path, value, `expected ${describe(s)}${hint}`);
  }
  const out: Record<string, unknown> = {};
  const issues: Issue[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (key.trim() === "") {
      issues.push({ message: "a key may not be empty", path: join(path, key), fatal: false });
      continue;
    }
    const r = check(valueSchema, v, join(path, key));
    issues.push(...r.issues.map((i) => ({ ...i, fatal: false })));
    if (r.ok) out[key] = r.value;
  }
  return { ok: true, value: out, issues };
}

function checkObject(s: Schema, value: unknown, path: string): Outcome {
  if (s.additionalProperties !== false && s.additionalProperties) return checkRecord(s, value, path);
  if (!isPlainObject(value)) return fail(path, value, `expected ${describe(s)}`);
  const properties = s.properties ?? {};
  const out: Record<string, unknown> = {};
  const issues: Issue[] = [];
  let fine = true;
  for (const [key, v] of Object.entries(value)) {
    const propSchema = properties[key];
    if (!propSchema) {
      const near = suggest(key, Object.keys(properties));
      issues.push({ message: `unknown key${near ? `; did you mean "${near}"?` : ""}`, path: join(path, key), fatal: false });
      continue;
    }
    if (v === undefined) continue;
    const r = check(propSchema, v, join(path, key));
    issues.push(...r.issues);
    if (r.ok) out[key] = r.value;
    else if (s.required?.includes(key)) fine = false;
  }
  for (const key of s.required ?? []) {
    if (value[key] === undefined) {
      issues.push({ message: `is required (${describe(properties[key])})`, path: join(path, key), fatal: true, missing: true });
      fine = false;
    }
  }
  return { ok: fine, value: fine ? out : undefined, issues };
}

/** The union branch that fits best: one without problems, else the one (of the value's type) with the fewest. */
function checkUnion(s: Schema, value: unknown, path: string): Outcome {
  const type = jsonType(value);
  const candidates = (s.anyOf ?? []).filter((b) => accepts(b).has(type));
  if (candidates.length === 0) return fail(path, value, `expected ${describe(s)}`);
  const results = candidates.map((b) => check(b, value, path));
  const clean = results.find((r) => r.ok && r.issues.length === 0);
  if (clean) return clean;
  const tag = isPlainObject(value) ? checkDiscriminant(candidates, value, path) : undefined;
  if (tag) return tag;
  const good = results.find((r) => r.ok);
  if (good) return good;
  // The value is not of any branch's shape (an object where a string or sensitive(…) belongs): say all that fits.
  if (results.length === 1 && results[0].issues.length === 1 && results[0].issues[0].path === path) return fail(path, value, `expected ${describe(s)}`);
  const literals = candidates.map(resolve).filter((b) => b.enum || b.pattern || b.const !== undefined);
  if (literals.length === candidates.length && typeof value === "string") {
    const near = suggest(
      value,
      literals.flatMap((b) => (b.enum ?? []).map(String)),
    );
    return fail(path, value, `expected ${describe(s)}${near ? `; did you mean "${near}"?` : ""}`);
  }
  const score = (r: Outcome) => r.issues.reduce((sum, i) => sum + (i.missing ? 1000 : i.fatal ? 100 : 1), 0);
  return results.reduce((best, r) => (score(r) < score(best) ? r : best));
}

/**
 * A discriminated union (`type: "volume" | "bind" | "tmpfs"`) whose tag matches no variant:
 * the tag is the problem, not the other keys of whichever variant comes first.
 */
function checkDiscriminant(candidates: readonly Schema[], value: Record<string, unknown>, path: string): Outcome | undefined {
  const variants = candidates.map(resolve);
  if (variants.some((v) => v.type !== "object" || !v.properties)) return undefined;
  for (const key of Object.keys(value)) {
    const tags = variants.map((v) => v.properties?.[key]).map((t) => (t ? resolve(t) : undefined));
    if (!tags.every((t) => t && t.const !== undefined)) continue;
    const allowed = [...new Set(tags.map((t) => String(t?.const)))]; // two variants may share a tag (named and anonymous volumes)
    if (allowed.includes(String(value[key]))) return undefined;
    const near = typeof value[key] === "string" ? suggest(value[key] as string, allowed) : undefined;
    const words = alternatives(allowed.map((a) => JSON.stringify(a)));
    return fail(join(path, key), value[key], `expected ${words}${near ? `; did you mean "${near}"?` : ""}`);
  }
  return undefined;
}

function check(schema: Schema, value: unknown, path: string): Outcome {
  const s = resolve(schema);
  if (schema.$ref && s.type === "object" && !isPlainObject(value)) return fail(path, value, `expected ${describe(schema)}`);
  if (s["x-berth"]) return checkBrand(s["x-berth"], value, path);
  if (s.anyOf) return checkUnion(s, value, path);
  if (s.enum) return checkEnum(s, value, path);
  if (s.const !== undefined) return value === s.const ? ok(value) : fail(path, value, `expected ${JSON.stringify(s.const)}`);
  const type = jsonType(value);
  if (s.type === "object") return checkObject(s, value, path);
  if (s.type === "array") return checkArray(s, value, path);
  if (type === "non-finite") return fail(path, String(value), `expected a finite number`);
  if (s.type !== type) return fail(path, value, `expected ${describe(s)}`);
  if (s.pattern && !new RegExp(s.pattern).test(value as string)) return fail(path, value, `expected ${describe(s)}`);
  if (s.minLength !== undefined && (value as string).length < s.minLength) return fail(path, value, "expected a non-empty string");
  return ok(value);
}

/** The value for a problem: JSON as written, nothing for what JSON cannot show (functions, symbols). */
function shown(value: unknown): JsonValue | undefined {
  if (value === undefined || typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") return undefined;
  try {
    return toJson(value);
  } catch {
    return undefined;
  }
}

/** compose's spelling of a typed prop (`containerName` → `container_name`), to catch `extra` shadowing it. */
const COMPOSE_NAMES: Readonly<Record<string, string>> = { envFiles: "env_file", externalName: "name" };
const composeName = (prop: string): string => COMPOSE_NAMES[prop] ?? prop.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function checkExtra(kind: PropsKind, props: Record<string, unknown>, ctx: PropsReporter): void {
  const extra = props.extra;
  if (!isPlainObject(extra)) return;
  const typed = Object.keys(resolve(ROOTS[kind]).properties ?? {}).filter((k) => k !== "extra");
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(extra)) {
    // Alone, extra may carry a form of a modeled key that the typed prop cannot say (import does); with the typed prop set, one would silently win.
    const prop = typed.find((p) => (p === key || composeName(p) === key) && props[p] !== undefined);
    if (prop) ctx.report(`shadows the typed prop "${prop}", which is also set: give one of them`, join("extra", key), shown(value));
    else kept[key] = value;
  }
  props.extra = kept;
}

/**
 * Checks `props` of a construct of `kind` against its schema, reporting every problem, and
 * returns what fits (the same construct objects, copied containers).
 */
export function checkProps<T>(kind: PropsKind, props: unknown, ctx: PropsReporter): T {
  if (props === undefined) return {} as T;
  const result = check(ROOTS[kind], props, "");
  for (const issue of result.issues) {
    if (issue.fatal) ctx.incomplete = true;
    ctx.report(issue.message, issue.path === "" ? undefined : issue.path, issue.message.startsWith("unknown key") ? undefined : shown(issue.value));
  }
  const checked = (result.ok ? result.value : {}) as Record<string, unknown>;
  checkExtra(kind, checked, ctx);
  return checked as T;
}

/** A problem path's top-level prop and first index: `ports[2].target` → ["ports", 2]. */
function place(path: string | undefined): [string, number] {
  const m = /^([A-Za-z_$][\w$]*)(?:\[(\d+)\])?/.exec(path ?? "");
  return [m?.[1] ?? "", m?.[2] !== undefined ? Number(m[2]) : -1];
}

/**
 * Orders one construct's problems (the schema's, then the normalizers') so that those of one
 * prop stay together, in the order of its items: `dependsOn[0]`'s before `dependsOn[1]`'s,
 * whichever check found them. Props keep the order of their first problem.
 */
export function orderProblems<P extends { readonly path?: string }>(problems: readonly P[]): P[] {
  const first = new Map<string, number>();
  const keyed = problems.map((p, i) => {
    const [prop, index] = place(p.path);
    if (!first.has(prop)) first.set(prop, i);
    return { p, i, group: first.get(prop) as number, index };
  });
  keyed.sort((a, b) => a.group - b.group || a.index - b.index || a.i - b.i);
  return keyed.map((k) => k.p);
}
