/**
 * The actions of one service: which containers to create, recreate, start, restart or remove,
 * decided from the observed state alone. Two things beyond docker compose:
 *
 * - **Recovery.** A recreate parks the old container under `<name>_berth-old-<id>` until its
 *   successor runs. An apply that died in between leaves a parked container, with or without a
 *   successor (created, or not started); the plan recognises each state and takes the shortest
 *   way on, keeping the old container serving where it still can.
 * - **Rollouts.** `deploy.updateConfig` is honoured on one engine: `parallelism` containers at a
 *   time, `delay` between batches, and `order: "start-first"` (the new container runs, and is
 *   healthy, before the old one leaves the service's DNS name and stops).
 */
import { formatLocation, networkModeService, volumesFromServices } from "@berth/dsl";
import { Labels } from "../labels";
import type { DesiredService, DesiredState } from "../desired/resolve";
import { diffSpecs, type CanonicalSpec, type FieldChange } from "../desired/spec";
import { containerName, unparkedName } from "../internal/names";
import { compareStrings } from "../internal/sort";
import { DEFAULT_STOP_TIMEOUT_SECONDS, durationNs, durationSeconds } from "../internal/units";
import type { Blocker, RollingUpdate } from "../target/types";
import { extraProblems, serviceNetworks } from "./container-config";
import type { Draft } from "./expand";
import type { Observed, ObservedContainer } from "./observed";

export interface ComposePlanOptions {
  /** Recreate every container even when nothing changed. */
  readonly forceRecreate?: boolean;
  /** Remove volumes of the project that the stack no longer declares. */
  readonly volumes?: boolean;
  /** Only these services (and nothing else: no orphan removal). Default: all. */
  readonly services?: readonly string[];
}

export interface Ctx {
  readonly desired: DesiredState;
  readonly observed: Observed;
  readonly options: ComposePlanOptions;
  readonly drafts: Draft[];
  readonly blockers: Blocker[];
  readonly warnings: string[];
  readonly jobs: Set<string>;
}

export function stopInfo(svc: DesiredService | undefined) {
  return { stopTimeoutSeconds: durationSeconds(svc?.resolved.stopGracePeriod, DEFAULT_STOP_TIMEOUT_SECONDS), mayWaitForStop: svc?.resolved.init !== true };
}

function readSpecLabel(c: ObservedContainer): CanonicalSpec | undefined {
  const raw = c.labels[Labels.spec];
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as CanonicalSpec;
  } catch {
    return undefined;
  }
}

/** Why a container must be recreated, or undefined when it is up to date. */
function recreateReason(svc: DesiredService, c: ObservedContainer, ctx: Ctx): { cause: string; changes?: FieldChange[] } | undefined {
  if (c.labels[Labels.configHash] !== svc.hash) {
    const before = readSpecLabel(c);
    if (!before) return { cause: "made without a recorded spec (by docker-compose?): recreate to adopt it" };
    const changes = diffSpecs(before, svc.spec, svc.sensitive);
    if (changes.length === 0) return { cause: "config hash changed" };
    return { cause: changes.map(describeChange).join(", "), changes };
  }
  const localId = ctx.observed.images[svc.image];
  if (localId && c.imageId && localId !== c.imageId) {
    return { cause: svc.build ? "image id changed after build" : `image id of ${svc.image} changed (pulled)` };
  }
  if (c.state === "created") return { cause: `container ${c.name} was made but never started (an interrupted apply?)` };
  const missing = serviceNetworks(ctx.desired, svc).find((n) => c.state === "running" && !c.networks.includes(n.engineName));
  if (missing) return { cause: `container ${c.name} is not attached to network ${missing.engineName} (an interrupted apply?)` };
  if (ctx.options.forceRecreate) return { cause: "forced recreate" };
  return undefined;
}

export function describeChange(ch: FieldChange): string {
  if (ch.sensitive) return `${ch.path} (sensitive) changed`;
  const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));
  if (ch.before === undefined) return `${ch.path} added ${show(ch.after)}`;
  if (ch.after === undefined) return `${ch.path} removed (was ${show(ch.before)})`;
  return `${ch.path} ${show(ch.before)} → ${show(ch.after)}`;
}

/** Services whose completion a dependent waits for: an exited(0) container of theirs is done, not down. */
export function jobServices(desired: DesiredState): Set<string> {
  const jobs = new Set<string>();
  for (const svc of Object.values(desired.services)) {
    for (const [dep, spec] of Object.entries(svc.dependsOn)) if (spec.condition === "service_completed_successfully") jobs.add(dep);
  }
  return jobs;
}

function exitCode(c: ObservedContainer): number | undefined {
  const m = /^Exited \((-?\d+)\)/.exec(c.status);
  return m ? Number(m[1]) : undefined;
}

/** A draft for an existing container of the service: its id and state travel with the action. */
export function onContainer(svc: DesiredService | undefined, service: string, c: ObservedContainer) {
  return { kind: "service" as const, resource: service, number: c.number, engineName: c.name, container: c, after: [], ...(svc ? { image: svc.image } : {}) };
}

/** How the service's containers are replaced: `deploy.updateConfig`, as far as one engine can honour it. */
export function rolloutOf(svc: DesiredService): RollingUpdate | undefined {
  const u = svc.resolved.deploy?.updateConfig;
  if (!u) return undefined;
  const hasHealth = svc.resolved.healthcheck !== undefined && !svc.resolved.healthcheck.disable;
  const monitor = durationNs(u.monitor) ?? 5e9;
  return {
    tasks: svc.replicas,
    parallelism: u.parallelism ?? 1,
    order: u.order ?? "stop-first",
    failureAction: u.failureAction ?? "pause",
    ...(u.delay ? { delay: durationNs(u.delay) } : {}),
    ...(u.order === "start-first" ? { waitsFor: hasHealth ? "healthy" : `running for ${monitor / 1e9}s` } : {}),
  };
}

/** Start-first needs two containers of one replica at once: a fixed name or a fixed host port makes that impossible. */
function startFirstBlockers(svc: DesiredService): Blocker[] {
  const where = `${formatLocation(svc.location)}: service "${svc.name}": deploy.updateConfig.order "start-first"`;
  const out: Blocker[] = [];
  if (svc.resolved.containerName)
    out.push({
      resource: `service:${svc.name}`,
      message: `${where} cannot work with containerName "${svc.resolved.containerName}": the new container needs a name of its own while the old one runs; drop containerName, or use "stop-first"`,
    });
  const fixed = (svc.resolved.ports ?? []).find((p) => p.published !== undefined);
  if (fixed)
    out.push({
      resource: `service:${svc.name}`,
      message: `${where} cannot work with the fixed host port ${fixed.published}: two containers cannot publish it at once; publish an ephemeral port (a proxy in front), or use "stop-first"`,
    });
  return out;
}

function removeDraft(svc: DesiredService | undefined, service: string, c: ObservedContainer, cause: string, recovery?: string): Draft {
  return {
    ...onContainer(svc, service, c),
    id: `service:${service}:${c.number}:${c.id.slice(0, 12)}`,
    verb: "remove",
    cause,
    ...(recovery ? { recovery } : {}),
    ...stopInfo(svc),
  };
}

/**
 * A parked old container P of replica n, left by an interrupted recreate. With a running
 * successor, P is only left over. Without one (or with one that never started, which is
 * removed first): P's spec is still the one wanted → it gets its name back (and is started);
 * else the recreate goes on from where it stopped, P serving until its successor runs.
 */
function recoverParked(
  ctx: Ctx,
  svc: DesiredService,
  parked: readonly ObservedContainer[],
  live: Map<number, ObservedContainer>,
  kept: ReadonlySet<number>,
): Set<number> {
  const resumed = new Set<number>();
  for (const p of [...parked].sort((a, b) => a.number - b.number || compareStrings(a.name, b.name))) {
    const name = containerName(ctx.desired.project, svc.name, p.number, svc.resolved.containerName);
    const successor = live.get(p.number);
    const what = `an interrupted recreate of ${name}`;
    if (!kept.has(p.number) || resumed.has(p.number) || successor?.state === "running") {
      ctx.drafts.push(removeDraft(svc, svc.name, p, "left over", `${what}: its old container ${p.name} is left over`));
      continue;
    }
    resumed.add(p.number);
    if (successor) live.delete(p.number);
    const base = {
      ...onContainer(svc, svc.name, p),
      id: `service:${svc.name}:${p.number}`,
      engineName: name,
      parked: p,
      ...(successor ? { successor } : {}),
      ...stopInfo(svc),
    };
    const why = recreateReason(svc, p, ctx);
    if (!why) ctx.drafts.push({ ...base, verb: "start", cause: `the old container is up to date: it gets its name back`, recovery: what });
    else ctx.drafts.push({ ...base, verb: "recreate", ...why, recovery: what, ...rollout(svc) });
  }
  return resumed;
}

function rollout(svc: DesiredService): { rolling?: RollingUpdate } {
  const r = rolloutOf(svc);
  return r ? { rolling: r } : {};
}

export function serviceDrafts(ctx: Ctx, svc: DesiredService, containers: readonly ObservedContainer[]): void {
  const { desired, observed } = ctx;
  const parked = containers.filter((c) => unparkedName(c.name) !== undefined);
  const sorted = containers.filter((c) => unparkedName(c.name) === undefined).sort((a, b) => a.number - b.number || compareStrings(a.name, b.name));
  // The replicas kept are the lowest numbers held by a container, parked ones included: a kill
  // during a scale-down with a recreate can leave replica 1 parked (its successor not made yet)
  // beside replicas 2 and 3, and 1 is the one to keep. A second container of a kept number goes too.
  const kept = new Set([...new Set([...sorted, ...parked].map((c) => c.number))].sort((a, b) => a - b).slice(0, svc.replicas));
  const live = new Map<number, ObservedContainer>();
  for (const c of sorted) {
    if (kept.has(c.number) && !live.has(c.number)) live.set(c.number, c);
    else ctx.drafts.push(removeDraft(svc, svc.name, c, svc.replicas === 0 ? "service not enabled (profiles)" : `scale down to ${svc.replicas}`));
  }
  const resumed = recoverParked(ctx, svc, parked, live, kept);
  for (const message of extraProblems(desired, svc)) ctx.blockers.push({ resource: `service:${svc.name}`, message });
  const strategy = rolloutOf(svc);
  let recreates = 0;
  for (const c of live.values()) {
    const id = `service:${svc.name}:${c.number}`;
    const why = recreateReason(svc, c, ctx);
    if (why) {
      recreates++;
      const engineName = containerName(desired.project, svc.name, c.number, svc.resolved.containerName);
      ctx.drafts.push({ ...onContainer(svc, svc.name, c), id, verb: "recreate", engineName, ...why, ...stopInfo(svc), ...rollout(svc) });
    } else if (c.state !== "running" && !(ctx.jobs.has(svc.name) && c.state === "exited" && exitCode(c) === 0)) {
      ctx.drafts.push({ ...onContainer(svc, svc.name, c), id, verb: "start", cause: `container ${c.name} is ${c.state}` });
    }
  }
  if (strategy?.order === "start-first" && recreates + resumed.size > 0) ctx.blockers.push(...startFirstBlockers(svc));
  if (strategy?.failureAction === "continue" && recreates > 0)
    ctx.warnings.push(
      `${formatLocation(svc.location)}: service "${svc.name}": deploy.updateConfig.failureAction "continue" is honoured by Swarm only: on one engine a rollout stops at the first new container that does not get ready, as with "pause"`,
    );
  const used = new Set([...live.keys(), ...resumed]);
  let next = 1;
  for (let missing = svc.replicas - used.size; missing > 0; missing--) {
    while (used.has(next)) next++;
    used.add(next);
    const engineName = containerName(desired.project, svc.name, next, svc.resolved.containerName);
    const foreign = observed.foreign.find((f) => f.name === engineName);
    if (foreign) {
      const owner = foreign.project ? `project "${foreign.project}"` : "no compose project";
      ctx.blockers.push({
        resource: `service:${svc.name}`,
        message: `service "${svc.name}": a container named "${engineName}" already exists and is not part of "${desired.project}" (it belongs to ${owner}); Berth will not touch it: rename or remove it, or set containerName`,
      });
      continue;
    }
    const cause = live.size || next > 1 ? `replica ${next} of ${svc.replicas}` : "new";
    ctx.drafts.push({
      id: `service:${svc.name}:${next}`,
      verb: "create",
      kind: "service",
      resource: svc.name,
      number: next,
      engineName,
      image: svc.image,
      cause,
      after: [],
    });
  }
}

/** Why a container of `svc` must follow a replaced container of `other`, if it shares that one's network or volumes. */
function sharedWith(svc: DesiredService, other: string): string | undefined {
  if (networkModeService(svc.resolved) === other) return `the container of ${other}, whose network it shares (networkMode service:${other}), is replaced`;
  if (volumesFromServices(svc.resolved).includes(other)) return `the container of ${other}, whose volumes it mounts (volumesFrom ${other}), is replaced`;
  return undefined;
}

/**
 * `networkMode: "service:x"` / `volumesFrom: [x]`: a container shares the network or the volumes of
 * x's container, so when that one is replaced (recreated, or made anew) the dependent's running
 * containers that are not changing anyway are recreated after it, to join the new one
 * (docker-compose 1.29 leaves them on the old container's network, and with `VolumesFrom` naming
 * the old container's id, which is gone).
 */
export function networkModeDrafts(ctx: Ctx, byService: Map<string, ObservedContainer[]>): void {
  const replaced = new Set(ctx.drafts.filter((d) => d.kind === "service" && (d.verb === "recreate" || d.verb === "create")).map((d) => d.resource));
  if (!replaced.size) return;
  const touched = new Set(ctx.drafts.filter((d) => d.kind === "service").map((d) => `${d.resource}:${d.number}`));
  for (const svc of Object.values(ctx.desired.services)) {
    const other = [...replaced].sort().find((name) => sharedWith(svc, name) !== undefined);
    if (other === undefined || (ctx.options.services && !ctx.options.services.includes(svc.name))) continue;
    const live = (byService.get(svc.name) ?? []).filter(
      (c) => c.number <= svc.replicas && unparkedName(c.name) === undefined && !touched.has(`${svc.name}:${c.number}`),
    );
    for (const c of live) {
      const engineName = containerName(ctx.desired.project, svc.name, c.number, svc.resolved.containerName);
      const cause = sharedWith(svc, other) ?? "";
      ctx.drafts.push({
        ...onContainer(svc, svc.name, c),
        id: `service:${svc.name}:${c.number}`,
        verb: "recreate",
        engineName,
        cause,
        ...stopInfo(svc),
        ...rollout(svc),
      });
    }
  }
}

/**
 * `dependsOn: { service: db, restart: true }` (compose's `restart`): when db is recreated, the
 * running containers of the dependent that are not changing anyway are restarted after it (and
 * after it is healthy or completed, when the condition says so), as compose does.
 */
export function restartDrafts(ctx: Ctx, byService: Map<string, ObservedContainer[]>): void {
  const recreated = new Set(ctx.drafts.filter((d) => d.kind === "service" && d.verb === "recreate").map((d) => d.resource));
  if (!recreated.size) return;
  const touched = new Set(ctx.drafts.filter((d) => d.kind === "service").map((d) => `${d.resource}:${d.number}`));
  for (const svc of Object.values(ctx.desired.services)) {
    if (ctx.options.services && !ctx.options.services.includes(svc.name)) continue;
    const deps = Object.entries(svc.dependsOn)
      .filter(([dep, spec]) => spec.restart === true && recreated.has(dep))
      .map(([dep]) => dep);
    if (!deps.length) continue;
    const running = (byService.get(svc.name) ?? []).filter(
      (c) => c.number <= svc.replicas && c.state === "running" && unparkedName(c.name) === undefined && !touched.has(`${svc.name}:${c.number}`),
    );
    for (const c of running) {
      const cause = `${deps.join(", ")} recreated (dependsOn restart: true)`;
      ctx.drafts.push({ ...onContainer(svc, svc.name, c), id: `service:${svc.name}:${c.number}`, verb: "restart", cause, ...stopInfo(svc) });
    }
  }
}
