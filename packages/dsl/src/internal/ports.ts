/** Port forms (compose short strings with ranges, numbers, the typed long form) → PortSpec[]. */
import type { PortSpec, Protocol } from "../graph";
import type { PortProps } from "../service-props";
import type { SynthContext } from "./member";
import { toJson } from "./records";

const PROTOCOLS: readonly string[] = ["tcp", "udp", "sctp"];
const SHORT_FORM = `"[host-ip:][host-port[-end]:]container-port[-end][/tcp|udp|sctp]"`;

type Parsed = { readonly ports: PortSpec[] } | { readonly error: string };

interface Range {
  readonly start: number;
  readonly end: number;
}

function parseRange(text: string, what: "host" | "container"): Range | string {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return `${what} port "${text}" is not a number or a range like 8000-8010; expected ${SHORT_FORM}`;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  for (const n of [start, end]) if (n > 65535) return `${what} port ${n} is outside 0–65535`;
  if (end < start) return `${what} port range ${text} ends before it starts`;
  return { start, end };
}

function splitHostIp(text: string): { hostIp?: string; rest: string } {
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(text);
  if (v6) return { hostIp: v6[1], rest: v6[2] };
  const parts = text.split(":");
  if (parts.length === 3) return { hostIp: parts[0], rest: `${parts[1]}:${parts[2]}` };
  return { rest: text };
}

/** Parses compose's short port syntax; a range gives one PortSpec per port. */
export function parsePortString(text: string): Parsed {
  const slash = text.lastIndexOf("/");
  const protocol = slash < 0 ? "tcp" : text.slice(slash + 1);
  if (!PROTOCOLS.includes(protocol)) return { error: `protocol "${protocol}" is not one of tcp, udp, sctp` };
  const { hostIp, rest } = splitHostIp(slash < 0 ? text : text.slice(0, slash));
  const parts = rest.split(":");
  if (parts.length > 2 || hostIp === "") return { error: `expected ${SHORT_FORM} (IPv6 host addresses go in brackets)` };
  const container = parseRange(parts[parts.length - 1], "container");
  if (typeof container === "string") return { error: container };
  const hostText = parts.length === 2 ? parts[0] : "";
  const host = hostText === "" ? undefined : parseRange(hostText, "host");
  if (typeof host === "string") return { error: host };
  const count = container.end - container.start + 1;
  if (host && host.end - host.start + 1 !== count) {
    return { error: `host range ${hostText} and container range ${parts[parts.length - 1]} must have the same length` };
  }
  const ports: PortSpec[] = [];
  for (let i = 0; i < count; i++) {
    ports.push({ target: container.start + i, published: host ? host.start + i : undefined, hostIp, protocol: protocol as Protocol });
  }
  return { ports };
}

function checkPort(n: number, what: "host" | "container"): string | undefined {
  if (!Number.isInteger(n)) return `${what} port ${n} is not an integer`;
  if (n < 0 || n > 65535) return `${what} port ${n} is outside 0–65535`;
  return undefined;
}

/** Normalizes `ports`, reporting each malformed entry at `ports[i]` and leaving it out. */
export function normalizePorts(ports: readonly PortProps[] | undefined, ctx: SynthContext): PortSpec[] | undefined {
  if (!ports) return undefined;
  const out: PortSpec[] = [];
  /** Keeps a graph port, remembering which props entry it came from. */
  const add = (spec: PortSpec, path: string) => {
    out.push(spec);
    ctx.mapPath(`ports[${out.length - 1}]`, path);
  };
  ports.forEach((port, i) => {
    const path = `ports[${i}]`;
    if (typeof port === "string") {
      const parsed = parsePortString(port);
      if ("error" in parsed) ctx.report(parsed.error, path, port);
      else for (const spec of parsed.ports) add(spec, path);
      return;
    }
    if (typeof port === "number") {
      const error = checkPort(port, "container");
      if (error) ctx.report(error, path, port);
      else add({ target: port, protocol: "tcp" }, path);
      return;
    }
    const error = checkPort(port.target, "container") ?? (port.published === undefined ? undefined : checkPort(port.published, "host"));
    const protocol = port.protocol ?? "tcp";
    if (error) ctx.report(error, path, toJson(port));
    else if (!PROTOCOLS.includes(protocol)) ctx.report(`protocol "${protocol}" is not one of tcp, udp, sctp`, path, toJson(port));
    else add({ target: port.target, published: port.published, hostIp: port.hostIp, protocol, mode: port.mode }, path);
  });
  return out.length > 0 ? out : undefined;
}

/** Normalizes `expose`: container ports only. */
export function normalizeExpose(expose: readonly number[] | undefined, ctx: SynthContext): number[] | undefined {
  if (!expose) return undefined;
  const out: number[] = [];
  expose.forEach((port, i) => {
    const error = checkPort(port, "container");
    if (error) ctx.report(error, `expose[${i}]`, port);
    else out.push(port);
  });
  return out.length > 0 ? out : undefined;
}
