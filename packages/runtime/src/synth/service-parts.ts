/** Graph → compose for the parts of a service that have a short and a long form. */
import type { FileGrantSpec, MountSpec, PortSpec, ServiceNetworkSpec } from "@berth/dsl";
import type { ComposeGrant, ComposeMount, ComposePort, ComposeServiceNetwork } from "./types";
import { compact } from "./util";

/**
 * `[host_ip:][published:]target/protocol`, e.g. `"127.0.0.1:8080:80/tcp"`, `"127.0.0.1::80/udp"`,
 * `"[::1]:8080:80/tcp"`. The protocol is always written, so a reader never has to know the default.
 * The short form cannot say `mode`: such ports use the long form.
 */
export function port(spec: PortSpec): ComposePort {
  if (spec.mode !== undefined) {
    return compact({
      target: spec.target,
      host_ip: spec.hostIp,
      published: spec.published,
      protocol: spec.protocol,
      mode: spec.mode,
    });
  }
  const host = spec.hostIp === undefined ? undefined : spec.hostIp.includes(":") ? `[${spec.hostIp}]` : spec.hostIp;
  const prefix = host !== undefined ? `${host}:${spec.published ?? ""}:` : spec.published !== undefined ? `${spec.published}:` : "";
  return `${prefix}${spec.target}/${spec.protocol}`;
}

/**
 * A bind source that compose's short syntax recognizes as a path: anything that is not
 * absolute and does not start with `.` or `~` would read as a named volume, so `data`
 * becomes `./data` (the same path: relative paths are relative to the stack file's folder).
 */
export function bindSource(source: string): string {
  return /^(?:\/|\.|~)/.test(source) ? source : `./${source}`;
}

/** Short syntax splits on `:`, so it is used only when neither side has one. */
function shortMountable(...parts: string[]): boolean {
  return parts.every((p) => !p.includes(":") && p.length > 0);
}

/**
 * `source:target[:ro]` when the short syntax says it all; the long form otherwise (and always for
 * tmpfs). An anonymous volume and a bind keep the form they were written in: compose 1.29 makes
 * the two differently.
 */
export function mount(spec: MountSpec): ComposeMount {
  switch (spec.type) {
    case "tmpfs":
      return compact({
        type: spec.type,
        target: spec.target,
        tmpfs: spec.size === undefined ? undefined : { size: spec.size },
      });
    case "anonymous":
      if (spec.short && !spec.readOnly && !spec.noCopy) return spec.target;
      return compact({
        type: "volume" as const,
        target: spec.target,
        read_only: spec.readOnly,
        volume: spec.noCopy === undefined ? undefined : { nocopy: spec.noCopy },
      });
    case "volume": {
      if (!spec.noCopy && shortMountable(spec.source, spec.target)) {
        return `${spec.source}:${spec.target}${spec.readOnly ? ":ro" : ""}`;
      }
      return longMount(spec.type, spec.source, spec, spec.noCopy === undefined ? undefined : { volume: { nocopy: spec.noCopy } });
    }
    case "bind": {
      const source = bindSource(spec.source);
      // The short syntax creates a missing host path, which is also the graph's default.
      if (!spec.long && spec.createHostPath !== false && shortMountable(source, spec.target)) {
        return `${source}:${spec.target}${spec.readOnly ? ":ro" : ""}`;
      }
      const bind = spec.createHostPath === undefined ? undefined : { bind: { create_host_path: spec.createHostPath } };
      return longMount(spec.type, source, spec, bind);
    }
  }
}

function longMount(
  type: "volume" | "bind",
  source: string,
  spec: { readonly target: string; readonly readOnly?: boolean },
  options: object | undefined,
): ComposeMount {
  return compact({ type, source, target: spec.target, read_only: spec.readOnly, ...options });
}

/** A secret/config grant: the bare name when nothing else is set, the long form otherwise. */
export function grant(spec: FileGrantSpec): string | ComposeGrant {
  const long = compact({ source: spec.source, target: spec.target, uid: spec.uid, gid: spec.gid, mode: spec.mode });
  return Object.keys(long).length === 1 ? spec.source : long;
}

/** A joined network's options (`{}` when there are none: joined with defaults). */
export function serviceNetwork(spec: ServiceNetworkSpec): ComposeServiceNetwork {
  return compact({ aliases: spec.aliases, ipv4_address: spec.ipv4Address, ipv6_address: spec.ipv6Address });
}
