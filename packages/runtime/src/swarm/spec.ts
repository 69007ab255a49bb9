/**
 * Desired service → the engine's `ServiceSpec` body, written the way `docker stack deploy`
 * writes it for the same stack file (names, labels, aliases, defaults it fills in), so that a
 * stack deployed either way reads back the same. Pure: ids of secrets and configs arrive in
 * `refs` (they exist only once the executor has made them).
 */
import type { DeploySpec, MountSpec, ServiceSpec, UpdateConfigSpec } from "@berth/dsl";
import { splitCommand } from "../compose/container-config";
import { durationNs } from "../internal/units";
import type { SwarmServiceSpec } from "../engine/types";
import { compact } from "../synth/util";
import { containerHost, logDriver } from "./host";
import { scopedName as scoped } from "../internal/names";
import { StackLabels } from "../labels";

type Body = Record<string, unknown>;

export interface SpecContext {
  readonly stack: string;
  /** The image reference tasks run (a content tag for built images). */
  readonly image: string;
  /** Logical network → engine name. */
  readonly networks: Readonly<Record<string, string>>;
  /** Logical volume → engine name and whether it is external. */
  readonly volumes: Readonly<
    Record<
      string,
      { readonly engineName: string; readonly external: boolean; readonly driver?: string; readonly driverOpts?: Readonly<Record<string, string>> }
    >
  >;
  /** Logical secret/config → engine (versioned) name. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly configs: Readonly<Record<string, string>>;
  /** Engine name → id, for secret and config references (empty while planning). */
  readonly ids?: Readonly<Record<string, string>>;
  /** Replicas wanted (0 for a service whose profiles are off). */
  readonly replicas: number;
}

const cpus = (c: string | undefined) => (c === undefined ? undefined : Math.round(Number(c) * 1e9));

function resources(d: DeploySpec | undefined): Body | undefined {
  const r = d?.resources;
  if (!r) return undefined;
  const one = (x: { cpus?: string; memory?: number } | undefined) => (x ? compact({ NanoCPUs: cpus(x.cpus), MemoryBytes: x.memory }) : undefined);
  return compact({ Limits: one(r.limits), Reservations: one(r.reservations) });
}

/** `docker stack deploy` fills Parallelism 1 when the file does not say. */
function updateConfig(u: UpdateConfigSpec | undefined): Body | undefined {
  if (!u) return undefined;
  return compact({
    Parallelism: u.parallelism ?? 1,
    Delay: durationNs(u.delay),
    FailureAction: u.failureAction,
    Monitor: durationNs(u.monitor),
    MaxFailureRatio: u.maxFailureRatio,
    Order: u.order,
  });
}

function mount(m: MountSpec, ctx: SpecContext): Body {
  switch (m.type) {
    case "tmpfs":
      return compact({ Type: "tmpfs", Target: m.target, TmpfsOptions: m.size === undefined ? undefined : { SizeBytes: m.size } });
    case "bind":
      return compact({ Type: "bind", Source: m.source, Target: m.target, ReadOnly: m.readOnly });
    case "anonymous":
      // As docker stack deploy: a volume mount without a source, which each task's engine makes.
      return compact({ Type: "volume", Target: m.target, ReadOnly: m.readOnly, VolumeOptions: m.noCopy === undefined ? undefined : { NoCopy: m.noCopy } });
    case "volume": {
      const v = ctx.volumes[m.source];
      const external = v?.external === true;
      const driver = v?.driver || v?.driverOpts ? compact({ Name: v.driver ?? "local", Options: v.driverOpts }) : undefined;
      const opts = compact({
        NoCopy: m.noCopy,
        Labels: external ? undefined : { [StackLabels.namespace]: ctx.stack },
        DriverConfig: external ? undefined : driver,
      });
      return compact({
        Type: "volume",
        Source: v?.engineName ?? scoped(ctx.stack, m.source),
        Target: m.target,
        ReadOnly: m.readOnly,
        VolumeOptions: Object.keys(opts).length ? opts : undefined,
      });
    }
  }
}

function grants(list: ServiceSpec["secrets"], names: Readonly<Record<string, string>>, ctx: SpecContext, kind: "secret" | "config"): Body[] | undefined {
  if (!list?.length) return undefined;
  return list.map((g) => {
    const name = names[g.source] ?? scoped(ctx.stack, g.source);
    const file = { Name: g.target ?? (kind === "secret" ? g.source : `/${g.source}`), UID: g.uid ?? "0", GID: g.gid ?? "0", Mode: g.mode ?? 0o444 };
    return kind === "secret"
      ? { File: file, SecretID: ctx.ids?.[name] ?? "", SecretName: name }
      : { File: file, ConfigID: ctx.ids?.[name] ?? "", ConfigName: name };
  });
}

/** `host:ip` (compose) → `ip host` (the engine's hosts-file form, as docker stack writes it). */
function hosts(list: readonly string[] | undefined): string[] | undefined {
  if (!list?.length) return undefined;
  return list.map((h) => {
    const i = h.indexOf(":");
    return i < 0 ? h : `${h.slice(i + 1)} ${h.slice(0, i)}`;
  });
}

function containerSpec(s: ServiceSpec, ctx: SpecContext): Body {
  const env = Object.entries(s.environment ?? {})
    .filter((e): e is [string, string] => e[1] !== null)
    .map(([k, v]) => `${k}=${v}`)
    .sort();
  const h = s.healthcheck;
  return compact({
    Image: ctx.image,
    Labels: { ...(s.labels ?? {}), [StackLabels.namespace]: ctx.stack },
    Command: splitCommand(s.entrypoint),
    Args: splitCommand(s.command),
    Hostname: s.hostname,
    Env: env.length ? env : undefined,
    Dir: s.workingDir,
    User: s.user,
    Init: s.init,
    TTY: s.tty,
    OpenStdin: s.stdinOpen,
    ReadOnly: s.readOnly,
    Mounts: s.volumes?.length ? s.volumes.map((m) => mount(m, ctx)) : undefined,
    StopSignal: s.stopSignal,
    StopGracePeriod: durationNs(s.stopGracePeriod),
    // The API's key is `Healthcheck` (dockerode's types say `HealthCheck`, which the engine ignores).
    Healthcheck: h
      ? h.disable
        ? { Test: ["NONE"] }
        : compact({
            Test: [...h.test],
            Interval: durationNs(h.interval),
            Timeout: durationNs(h.timeout),
            Retries: h.retries,
            StartPeriod: durationNs(h.startPeriod),
          })
      : undefined,
    Hosts: hosts(s.extraHosts),
    Secrets: grants(s.secrets, ctx.secrets, ctx, "secret"),
    Configs: grants(s.configs, ctx.configs, ctx, "config"),
    CapabilityAdd: s.capAdd?.length ? [...s.capAdd] : undefined,
    CapabilityDrop: s.capDrop?.length ? [...s.capDrop] : undefined,
    ...containerHost(s),
  });
}

function taskTemplate(s: ServiceSpec, ctx: SpecContext): Body {
  const d = s.deploy;
  const rp = d?.restartPolicy;
  const pl = d?.placement;
  const nets = Object.keys(s.networks ?? { default: {} }).sort();
  return compact({
    ContainerSpec: containerSpec(s, ctx),
    Resources: resources(d),
    LogDriver: logDriver(s),
    RestartPolicy: rp
      ? compact({ Condition: rp.condition, Delay: durationNs(rp.delay), MaxAttempts: rp.maxAttempts, Window: durationNs(rp.window) })
      : undefined,
    Placement: pl
      ? compact({
          Constraints: pl.constraints?.length ? [...pl.constraints] : undefined,
          Preferences: pl.preferences?.map((p) => ({ Spread: { SpreadDescriptor: p.spread } })),
          MaxReplicas: pl.maxReplicasPerNode,
        })
      : undefined,
    Networks: nets.map((n) => ({ Target: ctx.networks[n] ?? scoped(ctx.stack, n), Aliases: [s.name, ...(s.networks?.[n]?.aliases ?? [])] })),
  });
}

/** The whole body for `createService` / `updateService`. `fields` is the view keys written (stored in a label). */
export function serviceSpecBody(s: ServiceSpec, ctx: SpecContext, fields?: readonly string[]): SwarmServiceSpec {
  const d = s.deploy;
  const ports = s.ports?.map((p) => compact({ Protocol: p.protocol, TargetPort: p.target, PublishedPort: p.published, PublishMode: p.mode ?? "ingress" }));
  const body = compact({
    Name: scoped(ctx.stack, s.name),
    Labels: compact({ ...(d?.labels ?? {}), [StackLabels.namespace]: ctx.stack, [StackLabels.image]: ctx.image, [StackLabels.fields]: fields?.join(",") }),
    TaskTemplate: taskTemplate(s, ctx),
    Mode: d?.mode === "global" ? { Global: {} } : { Replicated: { Replicas: ctx.replicas } },
    UpdateConfig: updateConfig(d?.updateConfig),
    RollbackConfig: updateConfig(d?.rollbackConfig),
    EndpointSpec: { Mode: "vip", ...(ports?.length ? { Ports: ports } : {}) },
  });
  return body as SwarmServiceSpec;
}
