/**
 * What Swarm does not do that compose does. One list, read by both the stack-file synthesizer
 * and `dsl apply --target swarm`, so that neither drops an option silently: every option Swarm
 * ignores is a warning, every one it would get wrong (publishing on every interface when you
 * asked for one address, a network that cannot span nodes) is an error, each with the user's line.
 */
import { formatLocation, type Graph, type ServiceSpec } from "@berth/dsl";
import { withExtraHostSettings } from "./host";

export interface SwarmDiagnostic {
  readonly level: "error" | "warning";
  /** `file:line:col: service "web": …`. */
  readonly message: string;
  /** Only `docker stack deploy` is affected: `dsl apply --target swarm` handles it. */
  readonly stackFileOnly?: boolean;
}

const ANY_ADDRESS = new Set(["0.0.0.0", "::", "[::]"]);

/** Service keys Swarm ignores, with what to do instead. Synth leaves them out of the stack file. */
export const IGNORED_SERVICE_KEYS: readonly (readonly [keyof ServiceSpec, string, string])[] = [
  ["dependsOn", "depends_on", "Swarm starts services in any order; make clients retry, or use healthchecks"],
  ["containerName", "container_name", "Swarm names tasks <stack>_<service>.<slot>.<task id>"],
  ["restart", "restart", "use deploy.restartPolicy"],
  ["privileged", "privileged", "Swarm services cannot run privileged; use capAdd"],
  ["pullPolicy", "pull_policy", "each node pulls the image when it starts a task"],
  ["expose", "expose", "services reach each other on every port of a shared overlay network"],
  ["develop", "develop", "dsl watch syncs files into the containers of a compose project only; watching a swarm stack re-applies it when the stack changes"],
  ["profiles", "profiles", "docker stack deploy deploys every service; an apply to the swarm by Berth honours the profiles enabled"],
  // Host settings a Swarm service spec has no field for (swarm/host.ts maps the others).
  ["shmSize", "shm_size", 'mount a tmpfs at /dev/shm (volumes: { type: "tmpfs", target: "/dev/shm", size })'],
  ["securityOpt", "security_opt", "Swarm services take no security options"],
  ["tmpfs", "tmpfs", 'use volumes: { type: "tmpfs", target }'],
  ["devices", "devices", "Swarm services cannot map host devices"],
  ["deviceCgroupRules", "device_cgroup_rules", "Swarm services cannot map host devices"],
  ["pid", "pid", "Swarm tasks have their own PID namespace"],
  ["ipc", "ipc", "Swarm tasks have their own IPC namespace"],
  ["uts", "uts", "Swarm tasks have their own UTS namespace"],
  ["usernsMode", "userns_mode", "Swarm tasks use the engine's user namespace setting"],
  ["cgroup", "cgroup", "Swarm tasks use the engine's cgroup namespace setting"],
  ["cgroupParent", "cgroup_parent", "Swarm tasks use the engine's cgroup parent"],
  ["memLimit", "mem_limit", "use deploy.resources.limits.memory"],
  ["memswapLimit", "memswap_limit", "Swarm sets no swap limit"],
  ["memReservation", "mem_reservation", "use deploy.resources.reservations.memory"],
  ["memSwappiness", "mem_swappiness", "Swarm sets no swappiness"],
  ["oomKillDisable", "oom_kill_disable", "Swarm services cannot disable the OOM killer"],
  ["oomScoreAdj", "oom_score_adj", "Swarm services take no OOM score on API 1.41"],
  ["pidsLimit", "pids_limit", "the Swarm target sets no process limit (API 1.41)"],
  ["cpus", "cpus", "use deploy.resources.limits.cpus"],
  ["cpuShares", "cpu_shares", "use deploy.resources.reservations.cpus"],
  ["cpuQuota", "cpu_quota", "use deploy.resources.limits.cpus"],
  ["cpuPeriod", "cpu_period", "use deploy.resources.limits.cpus"],
  ["cpuset", "cpuset", "Swarm services cannot pin CPUs"],
  ["storageOpt", "storage_opt", "Swarm services take no storage options"],
  ["runtime", "runtime", "Swarm tasks use the engine's default runtime"],
  ["domainname", "domainname", "Swarm services set no NIS domain name"],
  ["macAddress", "mac_address", "Swarm assigns the addresses of its tasks"],
];

/** Keys Swarm honours but docker stack deploy's file format cannot say: left out of the stack file only (an apply by Berth sets them). */
export const STACK_FILE_UNSUPPORTED_KEYS: readonly (readonly [keyof ServiceSpec, string])[] = [
  ["groupAdd", "group_add"],
  ["dnsOpt", "dns_opt"],
];

/** Typed service keys Swarm has no equivalent of: an error at the service's line, with what to do instead. */
export const REFUSED_SERVICE_KEYS: readonly (readonly [keyof ServiceSpec, string, string])[] = [
  ["networkMode", "network_mode", "a Swarm service joins overlay networks (use networks), or deploy this service with the compose target"],
  ["volumesFrom", "volumes_from", "a Swarm task mounts volumes of its own (name the same volumes in volumes), or deploy this service with the compose target"],
];

function serviceDiagnostics(spec: ServiceSpec, out: SwarmDiagnostic[]): void {
  const s = withExtraHostSettings(spec);
  const at = `${formatLocation(s.location)}: service "${s.name}"`;
  const warn = (message: string, stackFileOnly = false) =>
    out.push({ level: "warning", message: `${at}: ${message}`, ...(stackFileOnly ? { stackFileOnly } : {}) });
  const error = (message: string) => out.push({ level: "error", message: `${at}: ${message}` });
  if (s.build) {
    warn(
      `build is not run by docker stack deploy: the image ${s.image ?? "(unnamed)"} must already exist on every node that runs a task ` +
        `(an apply to the swarm by Berth builds it and tags it with its content hash; a multi-node swarm needs it pushed to a registry)`,
      true,
    );
  }
  for (const [key, compose, why] of IGNORED_SERVICE_KEYS) {
    const v = s[key];
    if (v === undefined || (Array.isArray(v) && v.length === 0) || (typeof v === "object" && v !== null && Object.keys(v).length === 0)) continue;
    warn(`${compose} is ignored by Swarm and left out: ${why}`, key === "profiles");
  }
  for (const [key, compose, instead] of REFUSED_SERVICE_KEYS) if (s[key] !== undefined) error(`${compose} is not supported by Swarm: ${instead}`);
  for (const [key, compose] of STACK_FILE_UNSUPPORTED_KEYS) {
    if (s[key] !== undefined)
      warn(`${compose} is not a key of docker stack deploy's file format and is left out of the stack file (an apply to the swarm by Berth sets it)`, true);
  }
  s.ports?.forEach((p, i) => {
    if (p.hostIp !== undefined && !ANY_ADDRESS.has(p.hostIp)) {
      error(
        `ports[${i}] binds ${p.hostIp}, but Swarm publishes on every interface of every node and cannot bind one address: remove hostIp (and mind that the port becomes reachable from outside), or leave the port out`,
      );
    }
  });
  for (const [net, opts] of Object.entries(s.networks ?? {})) {
    if (opts.ipv4Address || opts.ipv6Address) warn(`networks.${net}: a static address is ignored by Swarm and left out`);
  }
  s.volumes?.forEach((m, i) => {
    if (m.type === "bind" && m.createHostPath !== undefined)
      warn(`volumes[${i}]: createHostPath is not supported by Swarm (the host path must exist on the node) and is left out`);
  });
  if (s.healthcheck?.startInterval) warn("healthcheck.startInterval is not supported by Swarm and is left out");
  const res = s.deploy?.resources;
  if (res?.limits?.pids !== undefined || res?.reservations?.pids !== undefined)
    warn("deploy.resources pids limits are not supported by Swarm and are left out");
}

/** Every problem the graph has as a Swarm stack, in graph order (services, then networks, secrets, configs). */
export function swarmDiagnostics(graph: Graph): SwarmDiagnostic[] {
  const out: SwarmDiagnostic[] = [];
  for (const name of Object.keys(graph.services).sort()) serviceDiagnostics(graph.services[name], out);
  for (const name of Object.keys(graph.networks).sort()) {
    const n = graph.networks[name];
    if (!n.external && n.driver !== undefined && n.driver !== "overlay") {
      out.push({
        level: "error",
        message: `${formatLocation(n.location)}: network "${name}": driver "${n.driver}" cannot span the nodes of a swarm: use "overlay" (or leave driver unset)`,
      });
    }
  }
  for (const [kind, map] of [
    ["secret", graph.secrets],
    ["config", graph.configs],
  ] as const) {
    for (const name of Object.keys(map).sort()) {
      const f = map[name] as { environment?: string; content?: string; external?: boolean; location: Graph["location"] };
      if (f.external) continue;
      if (f.environment !== undefined || f.content !== undefined) {
        out.push({
          level: "warning",
          stackFileOnly: true,
          message: `${formatLocation(f.location)}: ${kind} "${name}": docker stack deploy reads ${kind}s from files only, so the stack file declares it external (create it first, or apply the stack to the swarm with Berth, which creates it)`,
        });
      }
    }
  }
  return out;
}
