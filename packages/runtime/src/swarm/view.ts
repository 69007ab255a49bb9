/**
 * A service spec read as the user writes it: a flat record of normalized fields
 * (`image`, `environment`, `updateConfig.parallelism`, …), built the same way from the body
 * Berth would send and from the spec the engine reports. The plan compares only the keys the
 * user wrote (plus the ones the last apply wrote, so that a removed option is seen), never the
 * defaults the engine or `docker stack deploy` filled in: no endless updates.
 */
import type { SwarmServiceSpec } from "../engine/types";
import { diffSpecs, SENSITIVE, type FieldChange } from "../desired/spec";
import { stableJson } from "../internal/sort";
import { StackLabels } from "../labels";

export type ServiceView = Readonly<Record<string, unknown>>;

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});

function without(labels: unknown, drop: readonly string[]): Obj | undefined {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj(labels))) if (!drop.includes(k) && !k.startsWith("dev.berth.swarm.")) out[k] = v;
  return Object.keys(out).length ? out : undefined;
}

/** `nginx:1.27@sha256:…` → `nginx:1.27` (docker stack deploy pins digests when a registry answers). */
export function withoutDigest(image: string): string {
  const at = image.indexOf("@");
  return at > 0 && image.includes(":", 0) && !image.slice(0, at).endsWith("/") ? image.slice(0, at) : image;
}

/** `net_admin`, `NET_ADMIN` → `CAP_NET_ADMIN`, as docker stack deploy writes them (`ALL` stays). */
function caps(list: unknown): string[] | undefined {
  if (!Array.isArray(list)) return undefined;
  return list.map((c: string) => {
    const u = String(c).toUpperCase();
    return u === "ALL" || u.startsWith("CAP_") ? u : `CAP_${u}`;
  });
}

function put(view: Obj, key: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value) && value.length === 0) return;
  view[key] = value;
}

function putUpdate(view: Obj, prefix: string, u: unknown): void {
  if (!u) return;
  const c = obj(u);
  put(view, `${prefix}.parallelism`, c.Parallelism);
  put(view, `${prefix}.delay`, c.Delay);
  put(view, `${prefix}.failureAction`, c.FailureAction);
  put(view, `${prefix}.monitor`, c.Monitor);
  put(view, `${prefix}.maxFailureRatio`, c.MaxFailureRatio);
  put(view, `${prefix}.order`, c.Order);
}

function grants(list: unknown, nameKey: string): unknown[] | undefined {
  if (!Array.isArray(list) || !list.length) return undefined;
  return list
    .map((g: Obj) => {
      const f = obj(g.File);
      return { name: g[nameKey], target: f.Name, uid: f.UID, gid: f.GID, mode: f.Mode };
    })
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

function mounts(list: unknown): unknown[] | undefined {
  if (!Array.isArray(list) || !list.length) return undefined;
  return list.map((m: Obj) => ({
    type: m.Type,
    source: m.Source ?? null,
    target: m.Target,
    readOnly: m.ReadOnly === true,
    noCopy: obj(m.VolumeOptions).NoCopy === true,
    size: obj(m.TmpfsOptions).SizeBytes ?? null,
  }));
}

/** Reads a service spec (ours or the engine's). `networkName` maps an engine network id (or name) to its name. */
export function viewOf(spec: SwarmServiceSpec, networkName: (idOrName: string) => string): ServiceView {
  const t = obj(spec.TaskTemplate);
  const c = obj(t.ContainerSpec);
  const v: Obj = {};
  put(v, "image", typeof c.Image === "string" ? withoutDigest(c.Image) : undefined);
  put(v, "entrypoint", c.Command);
  put(v, "command", c.Args);
  if (Array.isArray(c.Env) && c.Env.length) {
    v.environment = Object.fromEntries(
      (c.Env as string[])
        .map((e) => (e.includes("=") ? [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)] : [e, ""]))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }
  put(v, "hostname", c.Hostname || undefined);
  put(v, "workingDir", c.Dir || undefined);
  put(v, "user", c.User || undefined);
  put(v, "init", c.Init);
  put(v, "tty", c.TTY);
  put(v, "stdinOpen", c.OpenStdin);
  put(v, "readOnly", c.ReadOnly);
  put(v, "stopSignal", c.StopSignal || undefined);
  put(v, "stopGracePeriod", c.StopGracePeriod);
  put(v, "healthcheck", c.Healthcheck ?? c.HealthCheck);
  put(v, "extraHosts", c.Hosts);
  put(v, "dns", obj(c.DNSConfig).Nameservers);
  put(v, "dnsSearch", obj(c.DNSConfig).Search);
  put(v, "dnsOpt", obj(c.DNSConfig).Options);
  put(v, "sysctls", Object.keys(obj(c.Sysctls)).length ? c.Sysctls : undefined);
  put(v, "ulimits", c.Ulimits);
  put(v, "groupAdd", c.Groups);
  put(v, "isolation", c.Isolation || undefined);
  const log = obj(t.LogDriver);
  put(v, "logging", log.Name ? { driver: log.Name, options: obj(log.Options) } : undefined);
  put(v, "capAdd", caps(c.CapabilityAdd));
  put(v, "capDrop", caps(c.CapabilityDrop));
  put(v, "labels", without(c.Labels, [StackLabels.namespace]));
  put(v, "volumes", mounts(c.Mounts));
  put(v, "secrets", grants(c.Secrets, "SecretName"));
  put(v, "configs", grants(c.Configs, "ConfigName"));
  const nets = (Array.isArray(t.Networks) && t.Networks.length ? t.Networks : Array.isArray(spec.Networks) ? spec.Networks : []) as Obj[];
  if (nets.length)
    v.networks = Object.fromEntries(
      nets.map((n) => [networkName(String(n.Target)), [...((n.Aliases as string[]) ?? [])].sort()]).sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  const ports = obj(spec.EndpointSpec).Ports;
  if (Array.isArray(ports) && ports.length)
    v.ports = ports.map((p: Obj) => ({
      target: p.TargetPort,
      published: p.PublishedPort ?? null,
      protocol: p.Protocol ?? "tcp",
      mode: p.PublishMode ?? "ingress",
    }));
  const mode = obj(spec.Mode);
  v.mode = mode.Global ? "global" : "replicated";
  if (mode.Replicated) v.replicas = obj(mode.Replicated).Replicas ?? 1;
  const r = obj(t.Resources);
  for (const [k, key] of [
    ["Limits", "limits"],
    ["Reservations", "reservations"],
  ] as const) {
    put(v, `resources.${key}.cpus`, obj(r[k]).NanoCPUs || undefined);
    put(v, `resources.${key}.memory`, obj(r[k]).MemoryBytes || undefined);
  }
  if (t.RestartPolicy) {
    const rp = obj(t.RestartPolicy);
    put(v, "restartPolicy.condition", rp.Condition);
    put(v, "restartPolicy.delay", rp.Delay);
    put(v, "restartPolicy.maxAttempts", rp.MaxAttempts);
    put(v, "restartPolicy.window", rp.Window);
  }
  const pl = obj(t.Placement);
  put(v, "placement.constraints", pl.Constraints);
  put(v, "placement.preferences", pl.Preferences);
  put(v, "placement.maxReplicasPerNode", pl.MaxReplicas || undefined);
  putUpdate(v, "updateConfig", spec.UpdateConfig);
  putUpdate(v, "rollbackConfig", spec.RollbackConfig);
  put(v, "deploy.labels", without(spec.Labels, [StackLabels.namespace, StackLabels.image]));
  return v;
}

/** Keys whose change does not restart tasks: Swarm applies them in place. */
const IN_PLACE = /^(replicas|deploy\.labels|updateConfig\.|rollbackConfig\.)/;

/** True when the change replaces tasks (a rolling update), false when Swarm applies it in place (scaling, labels, update settings). */
export function isRolling(changes: readonly FieldChange[]): boolean {
  return changes.some((c) => !IN_PLACE.test(c.path));
}

/**
 * Changes from `observed` to `desired`, on the keys in `compare` only. Maps and lists are
 * walked to name the leaf (`environment.LOG_LEVEL`); `sensitive` paths (`environment.DB_PASSWORD`)
 * are flagged and shown as `(sensitive)`.
 */
export function diffViews(observed: ServiceView, desired: ServiceView, compare: readonly string[], sensitive: readonly string[]): FieldChange[] {
  const out: FieldChange[] = [];
  const sens = new Set(sensitive);
  for (const key of [...new Set(compare)].sort()) {
    const before = observed[key];
    const after = desired[key];
    if (stableJson(before) === stableJson(after)) continue;
    if (before && after && typeof before === "object" && typeof after === "object") {
      const rel = [...sens].filter((p) => p.startsWith(`${key}.`)).map((p) => p.slice(key.length + 1));
      for (const ch of diffSpecs(before as Record<string, unknown>, after as Record<string, unknown>, rel)) {
        out.push({ ...ch, path: ch.path ? (ch.path.startsWith("[") ? `${key}${ch.path}` : `${key}.${ch.path}`) : key });
      }
      continue;
    }
    const masked = [...sens].some((p) => p === key || p.startsWith(`${key}.`));
    out.push(
      masked
        ? { path: key, before: before === undefined ? undefined : SENSITIVE, after: after === undefined ? undefined : SENSITIVE, sensitive: true }
        : { path: key, before, after, sensitive: false },
    );
  }
  return out;
}
