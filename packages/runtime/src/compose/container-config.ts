/**
 * Desired service → the engine's container-create body (Docker API `ContainerCreate`). Pure.
 * Plain Docker API shapes are written here (not dockerode types), so that this file, the
 * planner and their tests load without dockerode.
 */
import * as path from "node:path";
import { formatLocation, networkModeService, type FileGrantSpec, type HealthcheckSpec, type MountSpec, type ServiceSpec } from "@berth/dsl";
import { COMPOSE_VERSION_LABEL_VALUE, LABEL_FORMAT, Labels } from "../labels";
import { contentGrants, type DesiredService, type DesiredState } from "../desired/resolve";
import { EXTRA_KEYS, extraFields, hostKeys } from "./extra-keys";
import { mount as synthMount } from "../synth/service-parts";
import { containerName, scopedName } from "../internal/names";
import { stableJson } from "../internal/sort";
import { durationNs, durationSeconds } from "../internal/units";
import { Hidden } from "../target/hidden";
import type { ContainerFile } from "../target/types";
import { VERSION } from "../version";

export interface ContainerCreateBody {
  name: string;
  Image: string;
  Cmd?: string[];
  Entrypoint?: string[];
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts?: Record<string, Record<string, never>>;
  Volumes?: Record<string, Record<string, never>>;
  User?: string;
  WorkingDir?: string;
  Hostname?: string;
  Tty?: boolean;
  OpenStdin?: boolean;
  StopSignal?: string;
  StopTimeout?: number;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number; StartInterval?: number };
  HostConfig: Record<string, unknown>;
  NetworkingConfig: { EndpointsConfig: Record<string, { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } }> };
}

export interface ContainerPlanInput {
  readonly desired: DesiredState;
  readonly service: DesiredService;
  readonly number: number;
  /** For a recreate: the anonymous volumes of the container it replaces, by container path. */
  readonly keptVolumes?: Readonly<Record<string, string>>;
}

/**
 * A command as compose passes it: an array as is; a string split like a POSIX shell
 * would split words (quotes and backslashes), without running a shell.
 */
export function splitCommand(cmd: string | readonly string[] | undefined): string[] | undefined {
  if (cmd === undefined) return undefined;
  if (typeof cmd !== "string") return [...cmd];
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === "\\" && quote === '"' && i + 1 < cmd.length && '"\\$`'.includes(cmd[i + 1])) cur += cmd[++i];
      else cur += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === "\\" && i + 1 < cmd.length) {
      cur += cmd[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function healthcheck(h: HealthcheckSpec | undefined): ContainerCreateBody["Healthcheck"] {
  if (!h) return undefined;
  if (h.disable) return { Test: ["NONE"] };
  return {
    Test: [...h.test],
    Interval: durationNs(h.interval),
    Timeout: durationNs(h.timeout),
    Retries: h.retries,
    StartPeriod: durationNs(h.startPeriod),
    StartInterval: durationNs(h.startInterval),
  };
}

/** A container path as compose 1.29 and the engine read it: `/var/www/html/` is `/var/www/html`. */
export function containerPath(target: string): string {
  return path.posix.normalize(target).replace(/(.)\/$/, "$1");
}

/**
 * Mounts as docker compose 1.29 makes them from the file synth writes: an entry in the short form
 * (`src:/target`, `/target`) is declared in `Config.Volumes` and, when it has a source, bound in
 * `Binds` with its mode (`:rw`, `:ro`); the legacy Binds form also makes the engine create a missing
 * host folder. An entry in the long form is a `HostConfig.Mounts` entry. `kept` (container path →
 * volume name) gives a recreated container the anonymous volumes of the one it replaces, as
 * compose does: a `Binds` entry (short form) or a `Mounts` source (long form).
 */
function mounts(desired: DesiredState, list: readonly MountSpec[] | undefined, kept: Readonly<Record<string, string>> = {}) {
  const binds: string[] = [];
  const mountList: Record<string, unknown>[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  const volumeName = (logical: string) => desired.volumes[logical]?.engineName ?? scopedName(desired.project, logical);
  for (const m of list ?? []) {
    const short = typeof synthMount(m) === "string";
    if (m.type === "tmpfs") {
      mountList.push({ Type: "tmpfs", Target: m.target, TmpfsOptions: m.size ? { SizeBytes: m.size } : undefined });
      continue;
    }
    const source = m.type === "bind" ? m.source : m.type === "volume" ? volumeName(m.source) : kept[containerPath(m.target)];
    if (short) {
      const target = containerPath(m.target);
      volumes[target] = {};
      if (source !== undefined) binds.push(`${source}:${target}:${m.readOnly ? "ro" : "rw"}`);
      continue;
    }
    mountList.push({
      Type: m.type === "bind" ? "bind" : "volume",
      Source: source,
      Target: m.target,
      ReadOnly: m.readOnly === true,
      VolumeOptions: m.type !== "bind" && m.noCopy ? { NoCopy: true } : undefined,
    });
  }
  return {
    Binds: binds.length ? binds : undefined,
    Mounts: mountList.length ? mountList : undefined,
    Volumes: Object.keys(volumes).length ? volumes : undefined,
  };
}

/** Where a granted secret or config appears in the container: `/run/secrets/<target or name>`, `<target or /name>`. */
function grantTarget(kind: "secrets" | "configs", g: FileGrantSpec): string {
  if (kind === "configs") return g.target ?? `/${g.source}`;
  return g.target?.startsWith("/") ? g.target : `/run/secrets/${g.target ?? g.source}`;
}

/** File-based secrets and configs are bind-mounted read-only, as compose 1.29 does without Swarm: `Mounts` entries, after the volumes'. */
function fileGrants(desired: DesiredState, spec: ServiceSpec): Record<string, unknown>[] {
  const mounts: Record<string, unknown>[] = [];
  for (const kind of ["secrets", "configs"] as const) {
    for (const g of spec[kind] ?? []) {
      const file = desired[kind][g.source]?.file;
      if (file) mounts.push({ Type: "bind", Source: file, Target: grantTarget(kind, g), ReadOnly: true });
    }
  }
  return mounts;
}

/**
 * Secrets and configs given as content (inline, or from an environment variable) rather than as
 * a file: written into the container before it starts, as compose v2 does without Swarm, at the
 * same paths as the bind-mounted ones. Secrets default to mode 0444 owned by root, as compose.
 */
export function contentFiles(desired: DesiredState, spec: ServiceSpec): ContainerFile[] {
  return contentGrants(desired, spec).map(({ kind, grant: g, content }) => ({
    path: grantTarget(kind, g),
    content: new Hidden(contentRef(kind, g.source), content),
    mode: g.mode ?? 0o444,
    uid: Number(g.uid ?? 0),
    gid: Number(g.gid ?? 0),
  }));
}

/** What a secret's or config's content is called in a plan (see `target/hidden.ts`). */
export function contentRef(kind: "secrets" | "configs", name: string): string {
  return `${kind === "secrets" ? "secret" : "config"} ${name}`;
}

/** What a sensitive environment variable is called in a plan. */
export function envRef(service: string, key: string): string {
  return `service ${service}: environment.${key}`;
}

function ports(spec: ServiceSpec) {
  const exposed: Record<string, Record<string, never>> = {};
  const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
  for (const p of spec.ports ?? []) {
    const key = `${p.target}/${p.protocol}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: p.hostIp ?? "", HostPort: p.published === undefined ? "" : String(p.published) });
  }
  for (const e of spec.expose ?? []) exposed[`${e}/tcp`] ??= {};
  return { ExposedPorts: Object.keys(exposed).length ? exposed : undefined, PortBindings: Object.keys(bindings).length ? bindings : undefined };
}

function restartPolicy(r: ServiceSpec["restart"]) {
  if (!r || r === "no") return { Name: "no" };
  const m = /^on-failure(?::(\d+))?$/.exec(r);
  if (m) return { Name: "on-failure", MaximumRetryCount: m[1] ? Number(m[1]) : 0 };
  return { Name: r };
}

function resources(spec: ServiceSpec): Record<string, unknown> {
  const limits = spec.deploy?.resources?.limits;
  const reservations = spec.deploy?.resources?.reservations;
  return {
    NanoCpus: limits?.cpus ? Math.round(Number(limits.cpus) * 1e9) : undefined,
    Memory: limits?.memory,
    PidsLimit: limits?.pids,
    MemoryReservation: reservations?.memory,
  };
}

export function containerLabels(input: ContainerPlanInput): Record<string, string> {
  const { desired, service, number } = input;
  const dependsOn = Object.entries(service.dependsOn)
    .map(([dep, d]) => `${dep}:${d.condition}:${d.restart === true}`)
    .join(",");
  return {
    ...service.resolved.labels,
    [Labels.project]: desired.project,
    [Labels.service]: service.name,
    [Labels.containerNumber]: String(number),
    [Labels.oneoff]: "False",
    [Labels.configHash]: service.hash,
    [Labels.workingDir]: desired.dir,
    ...(desired.file ? { [Labels.configFiles]: desired.file } : {}),
    [Labels.version]: COMPOSE_VERSION_LABEL_VALUE,
    ...(dependsOn ? { [Labels.dependsOn]: dependsOn } : {}),
    [Labels.spec]: stableJson(service.spec),
    [Labels.managedBy]: `berth ${VERSION}`,
    [Labels.format]: String(LABEL_FORMAT),
  };
}

/** Engine network names the service joins, in order; the first is attached at create, the rest connected after. */
export function serviceNetworks(desired: DesiredState, service: DesiredService) {
  return Object.entries(service.resolved.networks ?? {}).map(([logical, n]) => ({
    engineName: desired.networks[logical]?.engineName ?? scopedName(desired.project, logical),
    endpoint: {
      Aliases: [service.name, ...(n.aliases ?? [])],
      IPAMConfig: n.ipv4Address || n.ipv6Address ? { IPv4Address: n.ipv4Address, IPv6Address: n.ipv6Address } : undefined,
    },
  }));
}

/**
 * The engine's network mode for compose's `network_mode`: as written, but `service:x` is
 * `container:<x's first container>`, as compose does (the engine stores that container's id).
 */
function networkMode(desired: DesiredState, spec: ServiceSpec): string | undefined {
  const other = networkModeService(spec);
  if (other === undefined) return spec.networkMode;
  const target = desired.services[other];
  return `container:${containerName(desired.project, other, 1, target?.resolved.containerName)}`;
}

/**
 * `HostConfig.VolumesFrom`: `<container>:rw` / `:ro`, a service's being its first container. The
 * executor puts each container's id in place of its name when it creates the container, as
 * docker-compose 1.29 sends (the engine keeps what it is sent).
 */
function volumesFrom(desired: DesiredState, spec: ServiceSpec): string[] | undefined {
  if (!spec.volumesFrom?.length) return undefined;
  return spec.volumesFrom.map((v) => {
    const name = "service" in v ? containerName(desired.project, v.service, 1, desired.services[v.service]?.resolved.containerName) : v.container;
    return `${name}:${v.readOnly ? "ro" : "rw"}`;
  });
}

/** The keys of the service's environment that hold sensitive values. */
function sensitiveKeys(service: DesiredService): Set<string> {
  return new Set(service.sensitive.filter((p) => p.startsWith("environment.")).map((p) => p.slice("environment.".length)));
}

/** `KEY=value` entries of the environment, sensitive ones left out (see {@link hiddenEnv}). */
function env(service: DesiredService): string[] {
  const hidden = sensitiveKeys(service);
  return Object.entries(service.resolved.environment ?? {})
    .filter((e): e is [string, string] => e[1] !== null && !hidden.has(e[0]))
    .map(([k, v]) => `${k}=${v}`)
    .sort();
}

/** The sensitive variables of the service's environment, each a {@link Hidden}: they join `Env` only in the create call. */
export function hiddenEnv(service: DesiredService): Record<string, Hidden> | undefined {
  const out: Record<string, Hidden> = {};
  for (const key of [...sensitiveKeys(service)].sort()) {
    const value = service.resolved.environment?.[key];
    if (value !== null && value !== undefined) out[key] = new Hidden(envRef(service.name, key), value);
  }
  return Object.keys(out).length ? out : undefined;
}

export function containerCreateBody(input: ContainerPlanInput): ContainerCreateBody {
  const { desired, service, number } = input;
  const spec = service.resolved;
  const nets = serviceNetworks(desired, service);
  const { ExposedPorts, PortBindings } = ports(spec);
  const { Binds, Mounts, Volumes } = mounts(desired, spec.volumes, input.keptVolumes);
  const allMounts = [...(Mounts ?? []), ...fileGrants(desired, spec)];
  const body: ContainerCreateBody = {
    name: containerName(desired.project, service.name, number, spec.containerName),
    Image: service.image,
    Cmd: splitCommand(spec.command),
    Entrypoint: splitCommand(spec.entrypoint),
    Env: env(service),
    Labels: containerLabels(input),
    ExposedPorts,
    Volumes,
    User: spec.user,
    WorkingDir: spec.workingDir,
    Hostname: spec.hostname,
    Tty: spec.tty,
    OpenStdin: spec.stdinOpen,
    StopSignal: spec.stopSignal,
    StopTimeout: spec.stopGracePeriod ? durationSeconds(spec.stopGracePeriod, 0) : undefined,
    Healthcheck: healthcheck(spec.healthcheck),
    HostConfig: {
      Binds,
      Mounts: allMounts.length ? allMounts : undefined,
      PortBindings,
      RestartPolicy: restartPolicy(spec.restart),
      Init: spec.init,
      Privileged: spec.privileged,
      ReadonlyRootfs: spec.readOnly,
      ExtraHosts: spec.extraHosts?.length ? [...spec.extraHosts] : undefined,
      Dns: spec.dns?.length ? [...spec.dns] : undefined,
      CapAdd: spec.capAdd?.length ? [...spec.capAdd] : undefined,
      CapDrop: spec.capDrop?.length ? [...spec.capDrop] : undefined,
      ...resources(spec),
      NetworkMode: networkMode(desired, spec) ?? nets[0]?.engineName,
      VolumesFrom: volumesFrom(desired, spec),
    },
    NetworkingConfig: { EndpointsConfig: nets[0] ? { [nets[0].engineName]: nets[0].endpoint } : {} },
  };
  // Host settings fill what no other prop set (extraProblems refuses a key that would override one).
  const { fields } = extraFields(spec);
  const plain = JSON.parse(JSON.stringify(body)) as ContainerCreateBody; // drops undefined fields
  return { ...fields.config, ...plain, HostConfig: { ...fields.host, ...plain.HostConfig } } as ContainerCreateBody;
}

/**
 * Why the compose target cannot apply a service's host settings (typed or in `extra`) as docker
 * compose would: a key it does not map, a malformed value, or a key whose engine field another
 * prop already sets. Each message starts with the service's location.
 */
export function extraProblems(desired: DesiredState, service: DesiredService): string[] {
  const spec = service.resolved;
  const { fields, problems } = extraFields(spec);
  if (!problems.length && !Object.keys(fields.host ?? {}).length && !Object.keys(fields.config ?? {}).length) return [];
  const where = `${formatLocation(service.location)}: service "${service.name}"`;
  const typed = hostKeys(spec);
  const bare: ServiceSpec = { ...spec, extra: undefined, ...Object.fromEntries(Object.values(EXTRA_KEYS).map((k) => [k.prop, undefined])) };
  const others = JSON.parse(JSON.stringify(containerCreateBody({ desired, service: { ...service, resolved: bare }, number: 1 }))) as ContainerCreateBody;
  const out = problems.map((p) => `${where}: ${p}`);
  const clash = (engine: string, otherValue: unknown) => {
    if (otherValue === undefined) return;
    const key = Object.keys(EXTRA_KEYS).find((k) => EXTRA_KEYS[k].engine === engine) ?? "";
    const named = key in typed ? EXTRA_KEYS[key].prop : `extra.${key}`;
    out.push(`${where}: ${named} sets ${engine}, which ${key in typed ? "another" : "a typed"} prop of the service already sets; keep one of them`);
  };
  for (const f of Object.keys(fields.host ?? {})) clash(`HostConfig.${f}`, others.HostConfig[f]);
  for (const f of Object.keys(fields.config ?? {})) clash(`Config.${f}`, (others as unknown as Record<string, unknown>)[f]);
  return out;
}
