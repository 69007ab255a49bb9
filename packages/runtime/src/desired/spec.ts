/**
 * The canonical service spec: exactly what a service's containers are made from, as the user
 * wrote it (normalized), never what the engine reports back. Its hash is the config hash
 * (changed hash ⇒ recreate); its JSON is stored in a label so the next plan can name each
 * changed field without a state file.
 *
 * Left out, as compose leaves them out: build (the image id covers it), pull policy,
 * replicas and scale (scaling adds or removes containers, it does not recreate), depends_on and profiles;
 * and develop, which only `dsl watch` reads.
 */
import type { ServiceSpec } from "@berth/dsl";
import { isMaskedValue, maskValue, sha256 } from "../internal/hash";
import { sortKeys, stableJson } from "../internal/sort";

/** JSON object with sorted keys; sensitive values replaced by `sha256:<digest>`. */
export type CanonicalSpec = Readonly<Record<string, unknown>>;

const NOT_HASHED = new Set([
  "name",
  "location",
  "component",
  "build",
  "pullPolicy",
  "dependsOn",
  "profiles",
  "sensitive",
  "variables",
  "envFiles",
  "develop",
  "scale",
]);

export { maskValue };

function maskPaths(spec: Record<string, unknown>, paths: readonly string[]): void {
  for (const p of paths) {
    const [head, ...rest] = p.split(".");
    const key = rest.join(".");
    const parent = spec[head] as Record<string, unknown> | undefined;
    if (parent && typeof parent === "object" && key in parent && parent[key] !== null) parent[key] = maskValue(parent[key]);
  }
}

export function canonicalSpec(resolved: ServiceSpec): CanonicalSpec {
  const spec: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resolved)) {
    if (value === undefined || NOT_HASHED.has(key)) continue;
    spec[key] = value;
  }
  if (resolved.deploy) {
    const { replicas: _replicas, ...deploy } = resolved.deploy;
    if (Object.keys(deploy).length) spec.deploy = deploy;
    else delete spec.deploy;
  }
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  maskPaths(copy, resolved.sensitive ?? []);
  return sortKeys(copy) as CanonicalSpec;
}

export function specHash(spec: CanonicalSpec): string {
  return sha256(stableJson(spec));
}

/** What every output prints instead of a sensitive value. */
export const SENSITIVE = "(sensitive)";

/** One changed field between two specs, with a path like `environment.LOG_LEVEL` or `ports[1].published`. */
export interface FieldChange {
  readonly path: string;
  readonly before?: unknown;
  readonly after?: unknown;
  /** The values must not be shown. */
  readonly sensitive: boolean;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function join(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  const safe = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : JSON.stringify(key);
  return base ? `${base}.${safe}` : safe;
}

function walk(before: unknown, after: unknown, at: string, out: FieldChange[], sensitive: ReadonlySet<string>): void {
  if (stableJson(before) === stableJson(after)) return;
  const masked = sensitive.has(at);
  if (!masked && isObject(before) && isObject(after)) {
    for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
      walk(before[key], after[key], join(at, key), out, sensitive);
    }
    return;
  }
  if (!masked && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    before.forEach((b, i) => walk(b, after[i], join(at, i), out, sensitive));
    return;
  }
  if (masked || isMaskedValue(before) || isMaskedValue(after)) {
    out.push({ path: at, before: shown(before), after: shown(after), sensitive: true });
  } else {
    out.push({ path: at, before, after, sensitive: false });
  }
}

function shown(v: unknown): string | undefined {
  return v === undefined ? undefined : SENSITIVE;
}

/** Every leaf that differs, in a stable order; sensitive paths are flagged, never shown. */
export function diffSpecs(before: CanonicalSpec, after: CanonicalSpec, sensitivePaths: readonly string[] = []): FieldChange[] {
  const out: FieldChange[] = [];
  walk(before, after, "", out, new Set(sensitivePaths));
  return out;
}
