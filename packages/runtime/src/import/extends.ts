/**
 * `extends` within one file, merged as compose merges: mappings (environment, labels, …) key
 * by key, mounts and devices by container path, list options (cap_add, expose, …) as unique
 * unions, ports appended, sub-objects (healthcheck, build, deploy, logging) key by key,
 * everything else replaced by the extending service.
 */
import * as path from "node:path";
import { isObj } from "./keys";
import type { ComposeSource } from "./source";

type Obj = Record<string, unknown>;

/** `["A=1", "B"]` or `{A: 1, B: null}` → `{A: 1, B: null}` (compose's list-or-dict). */
export function listOrDict(value: unknown, separator = "="): Obj {
  if (isObj(value)) return { ...value };
  const out: Obj = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      const text = String(item);
      const at = text.indexOf(separator);
      if (at < 0) out[text] = null;
      else out[text.slice(0, at)] = text.slice(at + 1);
    }
  }
  return out;
}

const MAPPINGS = ["environment", "labels", "sysctls", "ulimits", "depends_on", "storage_opt", "annotations", "networks"];
const BY_TARGET = ["volumes", "devices"];
const UNIQUE_LISTS = [
  "cap_add",
  "cap_drop",
  "expose",
  "external_links",
  "volumes_from",
  "profiles",
  "secrets",
  "configs",
  "links",
  "security_opt",
  "dns",
  "dns_search",
  "env_file",
  "tmpfs",
  "device_cgroup_rules",
];
const SUB_OBJECTS = ["healthcheck", "logging", "deploy", "blkio_config"];

const asList = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

function mountTarget(m: unknown): string {
  if (isObj(m)) return String(m.target);
  const parts = String(m).split(":");
  return parts.length === 1 ? parts[0] : parts[1];
}

function uniqueUnion(a: unknown[], b: unknown[]): unknown[] {
  const seen = new Set<string>();
  return [...a, ...b].filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function build(value: unknown): Obj {
  return typeof value === "string" ? { context: value } : isObj(value) ? value : {};
}

function mergeField(key: string, base: unknown, over: unknown): unknown {
  if (base === undefined) return over;
  if (over === undefined) return base;
  if (key === "networks" && (Array.isArray(base) || Array.isArray(over))) {
    return { ...listOrDict(base), ...listOrDict(over) };
  }
  if (MAPPINGS.includes(key)) return { ...listOrDict(base, key === "depends_on" ? "\0" : "="), ...listOrDict(over, key === "depends_on" ? "\0" : "=") };
  if (BY_TARGET.includes(key)) {
    const overTargets = new Set(asList(over).map(mountTarget));
    return [...asList(base).filter((m) => !overTargets.has(mountTarget(m))), ...asList(over)];
  }
  if (UNIQUE_LISTS.includes(key)) return uniqueUnion(asList(base), asList(over));
  if (key === "ports") return [...asList(base), ...asList(over)];
  if (SUB_OBJECTS.includes(key) && isObj(base) && isObj(over)) return { ...base, ...over };
  if (key === "build") {
    const b = build(base);
    const o = build(over);
    const args = b.args !== undefined && o.args !== undefined ? { ...listOrDict(b.args), ...listOrDict(o.args) } : (o.args ?? b.args);
    return { ...b, ...o, ...(args !== undefined ? { args } : {}) };
  }
  return over;
}

/** The service with its `extends` chain merged in (and the `extends` key gone). */
function resolveOne(name: string, services: Obj, source: ComposeSource, self: string, seen: readonly string[]): Obj {
  const svc = services[name];
  if (!isObj(svc)) return {};
  if (svc.extends === undefined) return svc;
  const ext = svc.extends;
  const at = ["services", name, "extends"];
  // `file:` naming this very file (docker-compose 1.29 insists on one) is still "within the file".
  if (isObj(ext) && ext.file !== undefined && path.resolve(path.dirname(self), String(ext.file)) !== self) {
    throw source.error(`extends from another file ("${String(ext.file)}") is not supported; import the merged file (docker compose config)`, at);
  }
  const baseName = String(isObj(ext) ? ext.service : ext);
  if (!(baseName in services)) throw source.error(`extends unknown service "${baseName}"`, at);
  if (seen.includes(baseName)) throw source.error(`extends forms a cycle (${[...seen, baseName].join(" → ")})`, at);
  const base = resolveOne(baseName, services, source, self, [...seen, baseName]);
  const out: Obj = {};
  for (const key of new Set([...Object.keys(base), ...Object.keys(svc)])) {
    if (key === "extends") continue;
    const merged = mergeField(key, base[key], svc[key]);
    if (merged !== undefined) out[key] = merged;
  }
  return out;
}

/** Every service with `extends` resolved; `self` is the compose file's absolute path. */
export function resolveExtends(services: Obj, source: ComposeSource, self: string): Obj {
  const out: Obj = {};
  for (const name of Object.keys(services)) out[name] = resolveOne(name, services, source, self, [name]);
  return out;
}
