/**
 * Engine answers (dockerode's types) → the adapter's own small types. Pure; every list is
 * sorted here so that callers see the same order whatever order the daemon used.
 */
import type Dockerode from "dockerode";
import type {
  ContainerDetails,
  ContainerState,
  ContainerSummary,
  HealthStatus,
  ImageDetails,
  ImageSummary,
  LabelFilter,
  NetworkSummary,
  PublishedPort,
  VolumeSummary,
} from "./types";

const STATES: readonly ContainerState[] = ["created", "running", "paused", "restarting", "removing", "exited", "dead"];

export function toState(s: string | undefined): ContainerState {
  const v = (s ?? "").toLowerCase() as ContainerState;
  return STATES.includes(v) ? v : "dead";
}

/** `Up 3 minutes (healthy)`, `Up 2 seconds (health: starting)`, `Up 1 hour (unhealthy)`. */
export function healthFromStatus(status: string): HealthStatus | undefined {
  if (status.includes("(health: starting)")) return "starting";
  if (status.includes("(unhealthy)")) return "unhealthy";
  if (status.includes("(healthy)")) return "healthy";
  return undefined;
}

function toHealth(s: string | undefined): HealthStatus | undefined {
  return s === "starting" || s === "healthy" || s === "unhealthy" ? s : undefined;
}

export const byName = <T extends { name: string }>(a: T, b: T): number => cmp(a.name, b.name);
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The container's own name: `Names` also lists link aliases (`/other/alias`). */
function primaryName(names: readonly string[] | undefined): string {
  const all = (names ?? []).map((n) => (n.startsWith("/") ? n.slice(1) : n));
  return all.find((n) => !n.includes("/")) ?? all[0] ?? "";
}

export function toContainerSummary(c: Dockerode.ContainerInfo): ContainerSummary {
  const status = c.Status ?? "";
  const health = healthFromStatus(status);
  return {
    id: c.Id,
    name: primaryName(c.Names),
    image: c.Image,
    imageId: c.ImageID,
    state: toState(c.State),
    status,
    ...(health ? { health } : {}),
    labels: { ...(c.Labels ?? {}) },
    networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort(cmp),
    ...volumeMounts(c.Mounts),
    created: c.Created,
  };
}

/** The container's volume mounts, container path → volume name (absent when there are none). */
function volumeMounts(mounts: Dockerode.ContainerInfo["Mounts"] | undefined): { volumeMounts?: Record<string, string> } {
  const found = (mounts ?? [])
    .filter((m) => m.Type === "volume" && m.Name)
    .sort((a, b) => cmp(a.Destination, b.Destination))
    .map((m) => [m.Destination, m.Name as string]);
  return found.length ? { volumeMounts: Object.fromEntries(found) } : {};
}

function asArray(v: string | string[] | undefined | null): string[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? [...v] : [v];
}

export function toContainerDetails(c: Dockerode.ContainerInspectInfo): ContainerDetails {
  const s = c.State;
  const health = toHealth(s.Health?.Status);
  const lastHealth = s.Health?.Log?.[s.Health.Log.length - 1];
  const networks: Record<string, ContainerDetails["networks"][string]> = {};
  for (const name of Object.keys(c.NetworkSettings?.Networks ?? {}).sort(cmp)) {
    const n = c.NetworkSettings.Networks[name];
    networks[name] = { networkId: n.NetworkID, ipAddress: n.IPAddress, aliases: asArray(n.Aliases as string[] | null) };
  }
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ""),
    image: c.Config?.Image ?? "",
    imageId: c.Image,
    created: c.Created,
    labels: { ...(c.Config?.Labels ?? {}) },
    env: asArray(c.Config?.Env),
    command: asArray(c.Config?.Cmd),
    entrypoint: asArray(c.Config?.Entrypoint),
    tty: c.Config?.Tty === true,
    status: toState(s.Status),
    running: s.Running,
    exitCode: s.ExitCode,
    ...(health ? { health } : {}),
    // A check that prints nothing (`grep -q`) still says how it ended.
    ...(lastHealth ? { healthLog: lastHealth.Output.trim() || `the last check exited ${lastHealth.ExitCode} with no output` } : {}),
    ...(s.Error ? { error: s.Error } : {}),
    oomKilled: s.OOMKilled,
    pid: s.Pid,
    startedAt: s.StartedAt,
    finishedAt: s.FinishedAt,
    restartCount: c.RestartCount,
    networks,
    ports: toPorts(c.NetworkSettings?.Ports),
    mounts: (c.Mounts ?? [])
      .map((m) => ({ type: m.Type, ...(m.Name ? { name: m.Name } : {}), source: m.Source, destination: m.Destination, readOnly: !m.RW }))
      .sort((a, b) => cmp(a.destination, b.destination)),
    raw: c,
  };
}

function toPorts(ports: Dockerode.ContainerInspectInfo["NetworkSettings"]["Ports"] | undefined): PublishedPort[] {
  const out: PublishedPort[] = [];
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port, proto = "tcp"] = key.split("/");
    for (const b of bindings ?? []) {
      out.push({ target: Number(port), protocol: proto as PublishedPort["protocol"], hostIp: b.HostIp, hostPort: Number(b.HostPort) });
    }
  }
  return out.sort((a, b) => a.target - b.target || cmp(a.protocol, b.protocol) || cmp(a.hostIp, b.hostIp) || a.hostPort - b.hostPort);
}

export function toNetworkSummary(n: Dockerode.NetworkInspectInfo): NetworkSummary {
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    scope: n.Scope,
    internal: n.Internal === true,
    attachable: n.Attachable === true,
    labels: { ...(n.Labels ?? {}) },
    subnets: (n.IPAM?.Config ?? []).map((c) => c.Subnet).filter((s): s is string => !!s),
  };
}

export function toVolumeSummary(v: Dockerode.VolumeInspectInfo): VolumeSummary {
  return {
    name: v.Name,
    driver: v.Driver,
    scope: v.Scope,
    mountpoint: v.Mountpoint,
    labels: { ...(v.Labels ?? {}) },
    options: { ...(v.Options ?? {}) },
  };
}

export function toImageSummary(i: Dockerode.ImageInfo): ImageSummary {
  return {
    id: i.Id,
    repoTags: (i.RepoTags ?? []).filter((t) => t !== "<none>:<none>").sort(cmp),
    repoDigests: (i.RepoDigests ?? []).filter((t) => t !== "<none>@<none>").sort(cmp),
    created: i.Created,
    size: i.Size,
    labels: { ...(i.Labels ?? {}) },
  };
}

export function toImageDetails(i: Dockerode.ImageInspectInfo): ImageDetails {
  const cfg = (i.Config ?? {}) as Partial<Dockerode.ImageInspectInfo["Config"]>;
  const test = (cfg.Healthcheck as { Test?: string[] } | undefined)?.Test;
  return {
    id: i.Id,
    repoTags: [...(i.RepoTags ?? [])].sort(cmp),
    repoDigests: [...(i.RepoDigests ?? [])].sort(cmp),
    created: i.Created,
    labels: { ...(cfg.Labels ?? {}) },
    env: asArray(cfg.Env),
    command: asArray(cfg.Cmd),
    entrypoint: asArray(cfg.Entrypoint as string | string[] | undefined),
    workingDir: cfg.WorkingDir ?? "",
    user: cfg.User ?? "",
    exposedPorts: Object.keys(cfg.ExposedPorts ?? {}).sort(cmp),
    hasHealthcheck: !!test && test.length > 0 && test[0] !== "NONE",
  };
}

/** `{ a: "1", b: true }` → the engine's `label` filter: `["a=1", "b"]`, sorted. */
export function labelFilter(labels: LabelFilter | undefined): string[] {
  return Object.entries(labels ?? {})
    .map(([k, v]) => (v === true ? k : `${k}=${v}`))
    .sort(cmp);
}

/** The engine's `name` filter is an unanchored regular expression: anchor and escape each name. */
export function exactNameFilter(names: readonly string[], leadingSlash: boolean): string[] {
  return names.map((n) => `^${leadingSlash ? "/?" : ""}${n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
}
