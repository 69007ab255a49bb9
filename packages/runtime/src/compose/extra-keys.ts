/**
 * `extra` (compose keys the DSL does not type) on the compose target: each key is mapped into the
 * container-create body the way docker compose maps it, or refused at the service's line. Synth
 * writes `extra` verbatim, so without this `dsl synth | docker compose up` and `dsl apply` of one
 * stack would build different containers, without a word.
 *
 * Extension keys (`x-…`) are compose's own "ignore me" and pass through. Typed props cannot be
 * shadowed by `extra` (the DSL refuses that), so a typed key here is left to the typed prop.
 */
import { parseBytes, type JsonValue } from "@berth/dsl";

/** What a key adds to the create body: fields of the container config and of its HostConfig. */
export interface ExtraFields {
  readonly config?: Record<string, unknown>;
  readonly host?: Record<string, unknown>;
}

type Mapper = (value: JsonValue) => ExtraFields | string;

const isObject = (v: JsonValue): v is { [k: string]: JsonValue } => typeof v === "object" && v !== null && !Array.isArray(v);
const scalar = (v: JsonValue): v is string | number | boolean => typeof v === "string" || typeof v === "number" || typeof v === "boolean";

function strings(v: JsonValue, what: string): string[] | string {
  const list = typeof v === "string" ? [v] : v;
  if (!Array.isArray(list) || !list.every(scalar)) return `expected ${what}`;
  return list.map(String);
}

/** `{ k: v }` or `["k=v"]` → `{ k: "v" }` (compose's mapping-or-list). */
function mapping(v: JsonValue, what: string): Record<string, string> | string {
  if (isObject(v)) {
    const out: Record<string, string> = {};
    for (const [k, x] of Object.entries(v)) {
      if (!scalar(x)) return `expected ${what}: the value of "${k}" is not a string or number`;
      out[k] = String(x);
    }
    return out;
  }
  const list = strings(v, what);
  if (typeof list === "string") return list;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf("=");
    if (eq <= 0) return `expected ${what}: "${item}" is not key=value`;
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function bytes(v: JsonValue): number | string {
  const n = typeof v === "string" || typeof v === "number" ? parseBytes(v) : undefined;
  return n === undefined ? `expected a byte size like "64m" or a number of bytes, got ${JSON.stringify(v)}` : n;
}

function integer(v: JsonValue): number | string {
  const n = typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === "number" && Number.isInteger(n) ? n : `expected an integer, got ${JSON.stringify(v)}`;
}

function text(v: JsonValue): string | { error: string } {
  return typeof v === "string" && v !== "" ? v : { error: `expected a non-empty string, got ${JSON.stringify(v)}` };
}

/** A non-empty string onto one field. */
function textField(where: "config" | "host", name: string): Mapper {
  return (v) => {
    const t = text(v);
    return typeof t === "string" ? { [where]: { [name]: t } } : t.error;
  };
}

/** `service:x` / `container:x` modes need another container's id: refused until Berth resolves them. */
function mode(name: string): Mapper {
  return (v) => {
    const t = text(v);
    if (typeof t !== "string") return t.error;
    if (/^(service|container):/.test(t)) return `"${t}" names another container; Berth does not resolve it on the compose target yet`;
    return { host: { [name]: t } };
  };
}

function ulimits(v: JsonValue): ExtraFields | string {
  if (!isObject(v)) return "expected a mapping of limit name to a number or { soft, hard }";
  const out: { Name: string; Soft: number; Hard: number }[] = [];
  for (const [name, x] of Object.entries(v)) {
    if (typeof x === "number" || typeof x === "string") {
      const n = integer(x);
      if (typeof n === "string") return `${name}: ${n}`;
      out.push({ Name: name, Soft: n, Hard: n });
    } else if (isObject(x) && x.soft !== undefined && x.hard !== undefined) {
      const soft = integer(x.soft);
      const hard = integer(x.hard);
      if (typeof soft === "string" || typeof hard === "string") return `${name}: expected integer soft and hard limits`;
      out.push({ Name: name, Soft: soft, Hard: hard });
    } else return `${name}: expected a number or { soft, hard }`;
  }
  return { host: { Ulimits: out.sort((a, b) => (a.Name < b.Name ? -1 : a.Name > b.Name ? 1 : 0)) } };
}

function devices(v: JsonValue): ExtraFields | string {
  const list = strings(v, 'a list of "host[:container[:permissions]]"');
  if (typeof list === "string") return list;
  return {
    host: {
      Devices: list.map((d) => {
        const [host, container = host, perms = "rwm"] = d.split(":");
        return { PathOnHost: host, PathInContainer: container, CgroupPermissions: perms };
      }),
    },
  };
}

function tmpfs(v: JsonValue): ExtraFields | string {
  const list = strings(v, "a path or a list of paths");
  if (typeof list === "string") return list;
  const out: Record<string, string> = {};
  for (const item of list) {
    const colon = item.indexOf(":");
    if (colon < 0) out[item] = "";
    else out[item.slice(0, colon)] = item.slice(colon + 1);
  }
  return { host: { Tmpfs: out } };
}

function logging(v: JsonValue): ExtraFields | string {
  if (!isObject(v)) return "expected { driver, options }";
  const options = v.options === undefined || v.options === null ? {} : mapping(v.options, "options as a mapping");
  if (typeof options === "string") return options;
  if (v.driver !== undefined && typeof v.driver !== "string") return "driver: expected a string";
  return { host: { LogConfig: { Type: (v.driver as string | undefined) ?? "json-file", Config: options } } };
}

function cpus(v: JsonValue): ExtraFields | string {
  const n = typeof v === "string" ? Number(v) : v;
  return typeof n === "number" && Number.isFinite(n) && n >= 0
    ? { host: { NanoCpus: Math.round(n * 1e9) } }
    : `expected a number of CPUs, got ${JSON.stringify(v)}`;
}

const listField =
  (name: string, what: string): Mapper =>
  (v) => {
    const list = strings(v, what);
    return typeof list === "string" ? list : { host: { [name]: list } };
  };
const mapField =
  (name: string, what: string): Mapper =>
  (v) => {
    const m = mapping(v, what);
    return typeof m === "string" ? m : { host: { [name]: m } };
  };
const bytesField =
  (name: string): Mapper =>
  (v) => {
    const n = bytes(v);
    return typeof n === "string" ? n : { host: { [name]: n } };
  };
const intField =
  (name: string): Mapper =>
  (v) => {
    const n = integer(v);
    return typeof n === "string" ? n : { host: { [name]: n } };
  };
const boolField =
  (name: string): Mapper =>
  (v) =>
    typeof v === "boolean" ? { host: { [name]: v } } : `expected true or false, got ${JSON.stringify(v)}`;

/** The keys the compose target applies from `extra`, with the engine field each becomes (docker compose's mapping). */
export const EXTRA_KEYS: Readonly<Record<string, { readonly engine: string; readonly map: Mapper }>> = {
  sysctls: { engine: "HostConfig.Sysctls", map: mapField("Sysctls", "a mapping or a list of key=value") },
  shm_size: { engine: "HostConfig.ShmSize", map: bytesField("ShmSize") },
  security_opt: { engine: "HostConfig.SecurityOpt", map: listField("SecurityOpt", "a list of strings") },
  tmpfs: { engine: "HostConfig.Tmpfs", map: tmpfs },
  ulimits: { engine: "HostConfig.Ulimits", map: ulimits },
  devices: { engine: "HostConfig.Devices", map: devices },
  device_cgroup_rules: { engine: "HostConfig.DeviceCgroupRules", map: listField("DeviceCgroupRules", "a list of strings") },
  pid: { engine: "HostConfig.PidMode", map: mode("PidMode") },
  ipc: { engine: "HostConfig.IpcMode", map: mode("IpcMode") },
  uts: { engine: "HostConfig.UTSMode", map: mode("UTSMode") },
  userns_mode: { engine: "HostConfig.UsernsMode", map: mode("UsernsMode") },
  cgroup: { engine: "HostConfig.CgroupnsMode", map: mode("CgroupnsMode") },
  cgroup_parent: { engine: "HostConfig.CgroupParent", map: textField("host", "CgroupParent") },
  group_add: { engine: "HostConfig.GroupAdd", map: listField("GroupAdd", "a list of group names or ids") },
  mem_limit: { engine: "HostConfig.Memory", map: bytesField("Memory") },
  memswap_limit: { engine: "HostConfig.MemorySwap", map: bytesField("MemorySwap") },
  mem_reservation: { engine: "HostConfig.MemoryReservation", map: bytesField("MemoryReservation") },
  mem_swappiness: { engine: "HostConfig.MemorySwappiness", map: intField("MemorySwappiness") },
  oom_kill_disable: { engine: "HostConfig.OomKillDisable", map: boolField("OomKillDisable") },
  oom_score_adj: { engine: "HostConfig.OomScoreAdj", map: intField("OomScoreAdj") },
  pids_limit: { engine: "HostConfig.PidsLimit", map: intField("PidsLimit") },
  cpus: { engine: "HostConfig.NanoCpus", map: cpus },
  cpu_shares: { engine: "HostConfig.CpuShares", map: intField("CpuShares") },
  cpu_quota: { engine: "HostConfig.CpuQuota", map: intField("CpuQuota") },
  cpu_period: { engine: "HostConfig.CpuPeriod", map: intField("CpuPeriod") },
  cpuset: { engine: "HostConfig.CpusetCpus", map: textField("host", "CpusetCpus") },
  storage_opt: { engine: "HostConfig.StorageOpt", map: mapField("StorageOpt", "a mapping") },
  runtime: { engine: "HostConfig.Runtime", map: textField("host", "Runtime") },
  isolation: { engine: "HostConfig.Isolation", map: textField("host", "Isolation") },
  dns_search: { engine: "HostConfig.DnsSearch", map: listField("DnsSearch", "a domain or a list of domains") },
  dns_opt: { engine: "HostConfig.DnsOptions", map: listField("DnsOptions", "a list of options") },
  logging: { engine: "HostConfig.LogConfig", map: logging },
  domainname: { engine: "Config.Domainname", map: textField("config", "Domainname") },
  mac_address: { engine: "Config.MacAddress", map: textField("config", "MacAddress") },
};

/**
 * The create-body fields of a service's `extra`, or the problems (one per refused key, without the
 * location: the caller adds it). An `x-` key is an extension and maps to nothing.
 */
export function extraFields(extra: Readonly<Record<string, JsonValue>> | undefined): { fields: ExtraFields; problems: string[] } {
  const config: Record<string, unknown> = {};
  const host: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(extra ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (key.startsWith("x-")) continue;
    const known = EXTRA_KEYS[key];
    if (!known) {
      problems.push(
        `extra.${key}: dsl apply does not apply this compose key on the compose target (synth writes it, docker compose would honour it); remove it, or deploy the synthesized file with docker compose`,
      );
      continue;
    }
    const out = known.map(value);
    if (typeof out === "string") {
      problems.push(`extra.${key}: ${out}`);
      continue;
    }
    Object.assign(config, out.config);
    Object.assign(host, out.host);
  }
  return { fields: { config, host }, problems };
}
