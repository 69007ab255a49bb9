/** Compose's short and long forms of ports, mounts, networks, dependencies and grants → DSL props. */
import { isHostPath as isDslHostPath } from "@berth/dsl";
import type { MapContext } from "./context";
import { listOrDict } from "./extends";
import { isObj } from "./keys";
import { type Expr, Octal } from "./model";
import type { Path } from "./source";
import { bool, type Mapped, object, onlyKeys, opt, str, UNMODELED } from "./values";

const PORT = /^(?:(?:\[([0-9a-fA-F:.]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):)?(?:(\d*)(?:-(\d+))?:)?(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/;

/** Why a short port string is not one compose accepts, or undefined when it is. */
export function portProblem(text: string): string | undefined {
  const m = PORT.exec(text);
  if (!m) return `expected "[host-ip:][host-port:]container-port[/tcp|udp|sctp]"`;
  const [, , , hostStart, hostEnd, start, end] = m;
  for (const [n, what] of [
    [hostStart, "host"],
    [hostEnd, "host"],
    [start, "container"],
    [end, "container"],
  ] as const) {
    if (n !== undefined && n !== "" && Number(n) > 65535) return `${what} port ${n} is outside 0–65535`;
  }
  if (end !== undefined && Number(end) < Number(start)) return `container port range ${start}-${end} ends before it starts`;
  if (hostEnd !== undefined && end !== undefined && Number(hostEnd) - Number(hostStart) !== Number(end) - Number(start)) {
    return `host and container port ranges must have the same length`;
  }
  return undefined;
}

function port(p: unknown, ctx: MapContext, path: Path): Mapped {
  if (typeof p === "number") {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw ctx.source.error(`invalid port ${p}`, path, { hint: ": expected 0–65535" });
    return p;
  }
  if (typeof p === "string") {
    const problem = portProblem(p);
    if (problem) throw ctx.source.error(`invalid port "${p}"`, path, { hint: `: ${problem}` });
    return p.replace(/\/tcp$/, "");
  }
  if (!onlyKeys(p, ["target", "published", "host_ip", "protocol", "mode"])) return UNMODELED;
  const num = (v: unknown, what: string): Mapped | undefined => {
    if (v === undefined) return undefined;
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n === "string") return UNMODELED;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 65535) {
      throw ctx.source.error(`invalid port ${JSON.stringify(v)}`, [...path, what], { hint: ": expected 0–65535" });
    }
    return n;
  };
  if (p.target === undefined) throw ctx.source.error(`port without a target`, path);
  return object([
    ["target", num(p.target, "target")],
    ["published", num(p.published, "published")],
    ["protocol", opt(p.protocol, (v) => (["tcp", "udp", "sctp"].includes(String(v)) ? String(v) : UNMODELED))],
    ["hostIp", opt(p.host_ip, str)],
    ["mode", opt(p.mode, (v) => (v === "host" || v === "ingress" ? v : UNMODELED))],
  ]);
}

export function ports(v: unknown, ctx: MapContext, path: Path): Mapped {
  if (!Array.isArray(v)) return UNMODELED;
  const out = v.map((p, i) => port(p, ctx, [...path, i]));
  return out.includes(UNMODELED) ? UNMODELED : (out as Expr[]);
}

export function expose(v: unknown): Mapped {
  if (!Array.isArray(v)) return UNMODELED;
  const out = v.map((p) => (typeof p === "number" ? p : typeof p === "string" && /^\d+$/.test(p) ? Number(p) : UNMODELED));
  return out.includes(UNMODELED) ? UNMODELED : (out as Expr[]);
}

/** Compose's rule (1.29) for a short mount's source: one starting with "/", "." or "~" is a host path, anything else a volume's name. */
const isComposePath = (s: string) => /^(?:\/|\.|~)/.test(s);
/**
 * A host path as the DSL wants it written, the same folder: `db/conf` is `./db/conf`, and so is
 * a source compose reads as a path that does not start with "./" or "../" (`.cache`, or the
 * Windows form `.\data`, which on Linux compose resolves to a folder named `.\data` in the
 * project folder: `./.\data`).
 */
const hostPath = (s: string) => (isDslHostPath(s) ? s : `./${s}`);

function shortMount(text: string, ctx: MapContext, path: Path): Mapped {
  const parts = text.split(":");
  if (parts.length === 1 && text.startsWith("/")) return text; // an anonymous volume: the DSL's short form is compose's
  if (parts.length < 2 || parts.length > 3) return UNMODELED; // a relative container path, or a Windows path
  const [source, target, mode = "rw"] = parts;
  const options = mode.split(",");
  if (isComposePath(source)) {
    if (!options.every((o) => o === "ro" || o === "rw")) return UNMODELED;
    return object([
      ["type", "bind"],
      ["source", hostPath(source)],
      ["target", target],
      ["readOnly", options.includes("ro") ? true : undefined],
    ]);
  }
  if (!options.every((o) => ["ro", "rw", "nocopy"].includes(o))) return UNMODELED;
  return object([
    ["source", ctx.ref("volume", source, path)],
    ["target", target],
    ["readOnly", options.includes("ro") ? true : undefined],
    ["noCopy", options.includes("nocopy") ? true : undefined],
  ]);
}

function longMount(m: Record<string, unknown>, ctx: MapContext, path: Path): Mapped {
  const common = ["type", "source", "target", "read_only"];
  if (typeof m.target !== "string") return UNMODELED;
  switch (m.type) {
    case "volume":
      if ((m.source !== undefined && typeof m.source !== "string") || !onlyKeys(m, [...common, "volume"])) return UNMODELED;
      if (m.volume !== undefined && !onlyKeys(m.volume, ["nocopy"])) return UNMODELED;
      if (m.source === undefined || m.source === "")
        return object([
          ["type", "volume"],
          ["target", m.target],
          ["readOnly", opt(m.read_only, bool)],
          ["noCopy", opt(isObj(m.volume) ? m.volume.nocopy : undefined, bool)],
        ]);
      return object([
        ["source", ctx.ref("volume", m.source, [...path, "source"])],
        ["target", m.target],
        ["readOnly", opt(m.read_only, bool)],
        ["noCopy", opt(isObj(m.volume) ? m.volume.nocopy : undefined, bool)],
      ]);
    case "bind":
      if (typeof m.source !== "string" || !onlyKeys(m, [...common, "bind"])) return UNMODELED;
      if (m.bind !== undefined && !onlyKeys(m.bind, ["create_host_path"])) return UNMODELED;
      return object([
        ["type", "bind"],
        ["source", hostPath(m.source)],
        ["target", m.target],
        ["readOnly", opt(m.read_only, bool)],
        ["createHostPath", opt(isObj(m.bind) ? m.bind.create_host_path : undefined, bool)],
        ["long", true], // compose 1.29 makes a long-form bind a Mounts entry, the short form a Binds one
      ]);
    case "tmpfs":
      if (!onlyKeys(m, ["type", "target", "tmpfs"]) || (m.tmpfs !== undefined && !onlyKeys(m.tmpfs, ["size"]))) return UNMODELED;
      return object([
        ["type", "tmpfs"],
        ["target", m.target],
        ["size", opt(isObj(m.tmpfs) ? m.tmpfs.size : undefined, (s) => (typeof s === "number" || typeof s === "string" ? s : UNMODELED))],
      ]);
    default:
      return UNMODELED;
  }
}

export function mounts(v: unknown, ctx: MapContext, path: Path): Mapped {
  if (!Array.isArray(v)) return UNMODELED;
  const out = v.map((m, i) => (typeof m === "string" ? shortMount(m, ctx, [...path, i]) : isObj(m) ? longMount(m, ctx, [...path, i]) : UNMODELED));
  return out.includes(UNMODELED) ? UNMODELED : (out as Expr[]);
}

export function networks(v: unknown, ctx: MapContext, path: Path): Mapped {
  const entries = Array.isArray(v) ? v.map((n): [string, unknown] => [String(n), null]) : isObj(v) ? Object.entries(v) : undefined;
  if (!entries) return UNMODELED;
  const out: Expr[] = [];
  for (const [name, opts] of entries) {
    const network = ctx.ref("network", name, [...path, Array.isArray(v) ? v.indexOf(name) : name]);
    if (opts === null || (isObj(opts) && Object.keys(opts).length === 0)) {
      out.push(network);
      continue;
    }
    if (!onlyKeys(opts, ["aliases", "ipv4_address", "ipv6_address"])) return UNMODELED;
    const attachment = object([
      ["network", network],
      ["aliases", opt(opts.aliases, (a) => (Array.isArray(a) ? a.map(String) : UNMODELED))],
      ["ipv4Address", opt(opts.ipv4_address, str)],
      ["ipv6Address", opt(opts.ipv6_address, str)],
    ]);
    if (attachment === UNMODELED) return UNMODELED;
    out.push(attachment);
  }
  return out;
}

const CONDITIONS: Readonly<Record<string, string>> = {
  service_started: "started",
  service_healthy: "healthy",
  service_completed_successfully: "completed",
};

export function dependsOn(v: unknown, ctx: MapContext, path: Path): Mapped {
  const entries = Array.isArray(v) ? v.map((n): [string, unknown] => [String(n), null]) : isObj(v) ? Object.entries(v) : undefined;
  if (!entries) return UNMODELED;
  const out: Expr[] = [];
  for (const [name, opts] of entries) {
    const o = isObj(opts) ? opts : {};
    // An optional dependency on a service this file does not define has no object to point at.
    if (o.required === false && !ctx.has("service", name)) return UNMODELED;
    const service = ctx.ref("service", name, [...path, Array.isArray(v) ? v.indexOf(name) : name]);
    if (!onlyKeys(o, ["condition", "restart", "required"])) return UNMODELED;
    const condition = o.condition === undefined ? "started" : CONDITIONS[String(o.condition)];
    if (condition === undefined)
      throw ctx.source.error(`unknown condition "${String(o.condition)}"`, [...path, name, "condition"], {
        hint: `; expected one of ${Object.keys(CONDITIONS).join(", ")}`,
      });
    const restart = o.restart === "true" ? true : o.restart === "false" ? false : o.restart;
    if (condition === "started" && restart === undefined && o.required === undefined) {
      out.push(service);
      continue;
    }
    const dep = object([
      ["service", service],
      ["condition", condition === "started" ? undefined : condition],
      ["restart", opt(restart, bool)],
      ["required", opt(o.required, bool)],
    ]);
    if (dep === UNMODELED) return UNMODELED;
    out.push(dep);
  }
  return out;
}

/** Secrets or configs granted: a bare name, or `{ source, target, uid, gid, mode }`. */
export function grants(v: unknown, kind: "secret" | "config", ctx: MapContext, path: Path): Mapped {
  if (!Array.isArray(v)) return UNMODELED;
  const out: Mapped[] = v.map((g, i) => {
    const at = [...path, i];
    if (typeof g === "string") return ctx.ref(kind, g, at);
    if (!onlyKeys(g, ["source", "target", "uid", "gid", "mode"]) || typeof g.source !== "string") return UNMODELED;
    const mode = typeof g.mode === "string" && /^0?[0-7]+$/.test(g.mode) ? parseInt(g.mode, 8) : g.mode;
    return object([
      [kind, ctx.ref(kind, g.source, [...at, "source"])],
      ["target", opt(g.target, str)],
      ["uid", opt(g.uid, (x) => (typeof x === "string" || typeof x === "number" ? String(x) : UNMODELED))],
      ["gid", opt(g.gid, (x) => (typeof x === "string" || typeof x === "number" ? String(x) : UNMODELED))],
      ["mode", opt(mode, (x) => (typeof x === "number" ? new Octal(x) : UNMODELED))],
    ]);
  });
  return out.includes(UNMODELED) ? UNMODELED : (out as Expr[]);
}

/** `environment`: list or dict; numbers and booleans as written (the DSL stringifies them as compose does), `null` passes through. */
export function environment(v: unknown): Mapped {
  const out: Record<string, Expr> = {};
  for (const [k, val] of Object.entries(listOrDict(v))) {
    if (val !== null && typeof val === "object") return UNMODELED;
    if (typeof val === "boolean") return UNMODELED;
    out[k] = val === undefined ? null : (val as string | number | null);
  }
  return out;
}

/**
 * `volumes_from`: `db[:ro|:rw]` is `db` or `{ service: db, readOnly: true }` (the object, so that db
 * starts first and a rename follows); `container:x[:ro|:rw]` is `{ container: "x" }`.
 */
export function volumesFrom(v: unknown, ctx: MapContext, path: Path): Mapped {
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) return UNMODELED;
  const out: Expr[] = [];
  for (const [i, entry] of (v as string[]).entries()) {
    const m = /^(container:)?([^:]+)(?::(ro|rw))?$/.exec(entry);
    if (!m) return UNMODELED;
    const readOnly = m[3] === "ro" ? true : undefined;
    const service = m[1] ? undefined : ctx.ref("service", m[2], [...path, i]);
    const item = service && !readOnly ? service : object([service ? ["service", service] : ["container", m[2]], ["readOnly", readOnly]]);
    if (item === UNMODELED) return UNMODELED;
    out.push(item);
  }
  return out;
}

/** `network_mode`: as written, but `service:x` is `{ service: x }` (the object, so that x starts first and a rename follows). */
export function networkMode(v: unknown, ctx: MapContext, path: Path): Mapped {
  if (typeof v !== "string" || !/^(host|none|bridge)$|^(service|container):./.test(v)) return UNMODELED;
  if (!v.startsWith("service:")) return v;
  return object([["service", ctx.ref("service", v.slice("service:".length), path)]]);
}
