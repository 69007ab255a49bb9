/**
 * Host settings (kernel, resources, namespaces, DNS, logging) on the compose target: each key,
 * from its typed prop or from `extra`, is mapped into the container-create body the way docker
 * compose maps it, or refused at the service's line. Synth writes these keys as compose spells
 * them, so without this `dsl synth | docker compose up` and `dsl apply` of one stack would build
 * different containers, without a word. One table ({@link EXTRA_KEYS}) serves synth, apply and
 * import.
 *
 * Extension keys (`x-…`) are compose's own "ignore me" and pass through. A typed prop cannot be
 * shadowed by `extra` (the DSL refuses that).
 */
import { parseBytes, type HostSettings, type JsonValue, type ServiceSpec } from "@berth/dsl";
import { refusedKey } from "./refused-keys";

/** What a key adds to the create body: fields of the container config and of its HostConfig. */
export interface ExtraFields {
  readonly config?: Record<string, unknown>;
  readonly host?: Record<string, unknown>;
}

/** Why a value cannot be applied (a parser returns it instead of the value). */
class Refused {
  constructor(readonly why: string) {}
}

/** A key's value as its engine field holds it, or why it cannot be. */
type Parse = (value: JsonValue) => unknown;

const isObject = (v: JsonValue): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: JsonValue): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function strings(v: JsonValue, what: string): string[] | Refused {
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every(scalar)) return new Refused(`expected ${what}`);
  return list.map(String);
}

/** `{ k: v }` or `["k=v"]` → `{ k: "v" }` (compose's mapping-or-list). */
function mapping(v: JsonValue, what: string): Record<string, string> | Refused {
  if (isObject(v)) {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (!scalar(x)) return new Refused(`expected ${what}: the value of "${k}" is not a string or number`);
      out[k] = String(x);
    }
    return out;
  }
  const list = strings(v, what);
  if (list instanceof Refused) return list;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) return new Refused(`expected ${what}: "${item}" is not key=value`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function bytes(v: JsonValue): number | Refused {
  const n = typeof v === "string" || typeof v === "number" ? parseBytes(v) : undefined;
  return n === undefined ? new Refused(`expected a byte size like "64m" or a number of bytes, got ${JSON.stringify(v)}`) : n;
}

function integer(v: JsonValue): number | Refused {
  const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : new Refused(`expected an integer, got ${JSON.stringify(v)}`);
}

function text(v: JsonValue): string | Refused {
  return typeof v === "string" && v !== "" ? v : new Refused(`expected a non-empty string, got ${JSON.stringify(v)}`);
}

const bool = (v: JsonValue) => (typeof v === "boolean" ? v : new Refused(`expected true or false, got ${JSON.stringify(v)}`));
const list =
  (what: string): Parse =>
  (v) =>
    strings(v, what);
const map =
  (what: string): Parse =>
  (v) =>
    mapping(v, what);

/** `service:x` / `container:x` modes need another container's id: refused until Berth resolves them. */
function mode(v: JsonValue): string | Refused {
  const t = text(v);
  if (typeof t === "string" && /^(service|container):/.test(t))
    return new Refused(`"${t}" names another container; Berth does not resolve it on the compose target yet`);
  return t;
}

function ulimits(v: JsonValue): unknown {
  if (!isObject(v)) return new Refused("expected a mapping of limit name to a number or { soft, hard }");
  const out: { Name: string; Soft: number; Hard: number }[] = [];
  for (const [name, x] of Object.entries(v)) {
    if (typeof x === "number" || typeof x === "string") {
      const n = integer(x);
      if (n instanceof Refused) return new Refused(`${name}: ${n.why}`);
      out.push({ Name: name, Soft: n, Hard: n });
    } else if (isObject(x) && x.soft !== undefined && x.hard !== undefined) {
      const soft = integer(x.soft);
      const hard = integer(x.hard);
      if (soft instanceof Refused || hard instanceof Refused) return new Refused(`${name}: expected integer soft and hard limits`);
      out.push({ Name: name, Soft: soft, Hard: hard });
    } else return new Refused(`${name}: expected a number or { soft, hard }`);
  }
  return out.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0));
}

function devices(v: JsonValue): unknown {
  const all = strings(v, 'a list of "host[:container[:permissions]]"');
  if (all instanceof Refused) return all;
  return all.map((d) => {
    const [host, container = host, perms = "rwm"] = d.split(":");
    return { PathOnHost: host, PathInContainer: container, CgroupPermissions: perms };
  });
}

function tmpfs(v: JsonValue): unknown {
  const all = strings(v, "a path or a list of paths");
  if (all instanceof Refused) return all;
  const out: Record<string, string> = {};
  for (const item of all) {
    const colon = item.indexOf(":");
    if (colon < 0) out[item] = "";
    else out[item.slice(0, colon)] = item.slice(colon + 1);
  }
  return out;
}

function logging(v: JsonValue): unknown {
  if (!isObject(v)) return new Refused("expected { driver, options }");
  const options = v.options === undefined || v.options === null ? {} : mapping(v.options, "options as a mapping");
  if (options instanceof Refused) return options;
  if (v.driver !== undefined && typeof v.driver !== "string") return new Refused("driver: expected a string");
  return { Type: (v.driver as string | undefined) ?? "json-file", Config: options };
}

function cpus(v: JsonValue): unknown {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n >= 0 ? Math.round(n * 1e9) : new Refused(`expected a number of CPUs, got ${JSON.stringify(v)}`);
}

/** The engine field each key becomes on the compose target (docker compose's mapping). */
const ENGINE_FIELDS: Readonly<Record<string, { readonly engine: `${"Config" | "HostConfig"}.${string}`; readonly parse: Parse }>> = {
  sysctls: { engine: "HostConfig.Sysctls", parse: map("a mapping or a list of key=value") },
  shm_size: { engine: "HostConfig.ShmSize", parse: bytes },
  security_opt: { engine: "HostConfig.SecurityOpt", parse: list("a list of strings") },
  tmpfs: { engine: "HostConfig.Tmpfs", parse: tmpfs },
  ulimits: { engine: "HostConfig.Ulimits", parse: ulimits },
  devices: { engine: "HostConfig.Devices", parse: devices },
  device_cgroup_rules: { engine: "HostConfig.DeviceCgroupRules", parse: list("a list of strings") },
  pid: { engine: "HostConfig.PidMode", parse: mode },
  ipc: { engine: "HostConfig.IpcMode", parse: mode },
  uts: { engine: "HostConfig.UTSMode", parse: mode },
  userns_mode: { engine: "HostConfig.UsernsMode", parse: mode },
  cgroup: { engine: "HostConfig.CgroupnsMode", parse: mode },
  cgroup_parent: { engine: "HostConfig.CgroupParent", parse: text },
  group_add: { engine: "HostConfig.GroupAdd", parse: list("a list of group names or ids") },
  mem_limit: { engine: "HostConfig.Memory", parse: bytes },
  memswap_limit: { engine: "HostConfig.MemorySwap", parse: (v) => (v === -1 || v === "-1" ? -1 : bytes(v)) },
  mem_reservation: { engine: "HostConfig.MemoryReservation", parse: bytes },
  mem_swappiness: { engine: "HostConfig.MemorySwappiness", parse: integer },
  oom_kill_disable: { engine: "HostConfig.OomKillDisable", parse: bool },
  oom_score_adj: { engine: "HostConfig.OomScoreAdj", parse: integer },
  pids_limit: { engine: "HostConfig.PidsLimit", parse: integer },
  cpus: { engine: "HostConfig.NanoCpus", parse: cpus },
  cpu_shares: { engine: "HostConfig.CpuShares", parse: integer },
  cpu_quota: { engine: "HostConfig.CpuQuota", parse: integer },
  cpu_period: { engine: "HostConfig.CpuPeriod", parse: integer },
  cpuset: { engine: "HostConfig.CpusetCpus", parse: text },
  storage_opt: { engine: "HostConfig.StorageOpt", parse: map("a mapping") },
  runtime: { engine: "HostConfig.Runtime", parse: text },
  isolation: { engine: "HostConfig.Isolation", parse: text },
  dns_search: { engine: "HostConfig.DnsSearch", parse: list("a domain or a list of domains") },
  dns_opt: { engine: "HostConfig.DnsOptions", parse: list("a list of options") },
  logging: { engine: "HostConfig.LogConfig", parse: logging },
  domainname: { engine: "Config.Domainname", parse: text },
  mac_address: { engine: "Config.MacAddress", parse: text },
};

/**
 * The compose keys typed as {@link HostSettings} props (and applied from `extra` too), each with
 * its prop (the key in camelCase, as every typed prop is named) and its engine field.
 */
export const EXTRA_KEYS: Readonly<Record<string, (typeof ENGINE_FIELDS)[string] & { readonly prop: keyof HostSettings }>> = Object.fromEntries(
  Object.entries(ENGINE_FIELDS).map(([key, field]) => [
    key,
    { ...field, prop: key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) as keyof HostSettings },
  ]),
);

/**
 * The service's host settings in compose's spelling, with where each came from: the typed prop
 * or `extra` (the DSL refuses a key set both ways). Synth writes these keys; apply maps them.
 */
export function hostKeys(spec: Pick<ServiceSpec, keyof HostSettings>): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [key, { prop }] of Object.entries(EXTRA_KEYS)) if (spec[prop] !== undefined) out[key] = spec[prop] as JsonValue;
  return out;
}

/**
 * The create-body fields of a service's host settings (typed props and `extra`), or the problems
 * (one per refused key, named as the user wrote it, without the location: the caller adds it).
 * An `x-` key is an extension and maps to nothing.
 */
export function extraFields(spec: Pick<ServiceSpec, keyof HostSettings | "extra">): { fields: ExtraFields; problems: string[] } {
  const config: Record<string, unknown> = {};
  const host: Record<string, unknown> = {};
  const problems: string[] = [];
  const typed = hostKeys(spec);
  const all = { ...(spec.extra ?? {}), ...typed };
  for (const [key, value] of Object.entries(all).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key.startsWith("x-")) continue;
    const known = EXTRA_KEYS[key];
    if (!known) {
      problems.push(refusedKey(key));
      continue;
    }
    const out = known.parse(value);
    if (out instanceof Refused) {
      problems.push(`${key in typed ? known.prop : `extra.${key}`}: ${out.why}`);
      continue;
    }
    const [where, field] = known.engine.split(".");
    (where === "HostConfig" ? host : config)[field] = out;
  }
  return { fields: { config, host }, problems };
}

/** A host setting's value as its engine field holds it (`undefined` when unset or refused), for the targets that map a key one by one. */
export function hostValue(spec: Pick<ServiceSpec, keyof HostSettings>, key: string): unknown {
  const value = spec[EXTRA_KEYS[key].prop] as JsonValue | undefined;
  const out = value === undefined ? undefined : EXTRA_KEYS[key].parse(value);
  return out instanceof Refused ? undefined : out;
}

/** Why `extra`'s `value` for the host-setting `key` cannot be applied, or `undefined` when it can (or `key` is not one). */
export function extraValueProblem(key: string, value: JsonValue): string | undefined {
  const out = EXTRA_KEYS[key]?.parse(value);
  return out instanceof Refused ? out.why : undefined;
}
