/**
 * `planCompose(desired, observed)`: pure. Compares what the stack wants with one snapshot of
 * the engine and returns the plan that converges them. Only what the user wrote is compared
 * (the config hash of the canonical spec, and the image id), never the engine's defaults.
 *
 * The actions are decided here, from the observed state alone (which container to recreate,
 * whether it was running, whether to unpause); `expand.ts` turns each into its engine steps.
 */
import { LABEL_FORMAT, Labels } from "../labels";
import type { DesiredState } from "../desired/resolve";
import { containerName } from "../internal/names";
import { compareStrings } from "../internal/sort";
import { PLAN_FORMAT, type Action, type Blocker, type ImageSource, type Plan } from "../target/types";
import { expandActions, type Draft } from "./expand";
import { imageSource } from "./images";
import { anonymousVolumes, fingerprintOf, queryOf } from "./observe";
import type { Observed, ObservedContainer } from "./observed";
import { jobServices, networkModeDrafts, onContainer, restartDrafts, serviceDrafts, stopInfo, type ComposePlanOptions, type Ctx } from "./plan-service";

export type { ComposePlanOptions } from "./plan-service";
export { describeChange } from "./plan-service";

function resourceDrafts(ctx: Ctx, kind: "network" | "volume"): void {
  const { desired, observed } = ctx;
  const wanted = kind === "network" ? desired.networks : desired.volumes;
  const existing = kind === "network" ? observed.networks : observed.volumes;
  const foreign = kind === "network" ? observed.foreignNetworks : observed.foreignVolumes;
  const byLogical = new Map(existing.map((o) => [o.logicalName, o]));
  for (const w of Object.values(wanted)) {
    if (w.external || byLogical.has(w.name)) continue;
    if (foreign.includes(w.engineName)) {
      if (kind === "volume") continue; // compose reuses a same-named volume (it warns); user data is never replaced
      ctx.blockers.push({
        resource: `${kind}:${w.name}`,
        message: `${kind} "${w.engineName}" already exists and is not part of "${desired.project}"; Berth will not touch it: remove it, or declare it external`,
      });
      continue;
    }
    ctx.drafts.push({ id: `${kind}:${w.name}`, verb: "create", kind, resource: w.name, engineName: w.engineName, cause: "new", after: [] });
  }
}

function orphanDrafts(ctx: Ctx, byService: Map<string, ObservedContainer[]>): void {
  const { desired, observed } = ctx;
  for (const [service, containers] of [...byService].sort(([a], [b]) => compareStrings(a, b))) {
    if (desired.services[service]) continue;
    for (const c of containers) {
      ctx.drafts.push({
        ...onContainer(undefined, service, c),
        id: `service:${service}:${c.number}:${c.id.slice(0, 12)}`,
        verb: "remove",
        cause: "no longer in the stack",
        ...stopInfo(undefined),
      });
    }
  }
  for (const n of observed.networks) {
    if (desired.networks[n.logicalName]) continue;
    ctx.drafts.push({
      id: `network:${n.logicalName}`,
      verb: "remove",
      kind: "network",
      resource: n.logicalName,
      engineName: n.name,
      networkId: n.id,
      cause: "no longer in the stack",
      after: [],
    });
  }
}

function keptVolumeDrafts(ctx: Ctx): string[] {
  const kept: string[] = [];
  for (const v of ctx.observed.volumes) {
    if (ctx.desired.volumes[v.logicalName]) continue;
    if (!ctx.options.volumes) {
      kept.push(v.name);
      continue;
    }
    ctx.drafts.push({
      id: `volume:${v.logicalName}`,
      verb: "remove",
      kind: "volume",
      resource: v.logicalName,
      engineName: v.name,
      cause: "no longer in the stack (--volumes)",
      after: [],
    });
  }
  return kept;
}

/** The project's service containers by service (one-off `run` containers are not the plan's). */
function byServiceOf(observed: Observed): Map<string, ObservedContainer[]> {
  const byService = new Map<string, ObservedContainer[]>();
  for (const c of observed.containers) {
    if (c.oneoff) continue;
    const list = byService.get(c.service);
    if (list) list.push(c);
    else byService.set(c.service, [c]);
  }
  return byService;
}

/** Containers whose labels a newer Berth wrote, in a format this one does not know: planning over them could undo its work. */
function newerFormat(observed: Observed): Blocker[] {
  return observed.containers
    .filter((c) => Number(c.labels[Labels.format] ?? "1") > LABEL_FORMAT)
    .map((c) => ({
      resource: `service:${c.service}`,
      message: `container ${c.name} was made by a newer Berth (${c.labels[Labels.managedBy] ?? "an unknown version"}, label format ${c.labels[Labels.format]}; this one reads ${LABEL_FORMAT}): upgrade Berth to change this project`,
    }));
}

export function planCompose(desired: DesiredState, observed: Observed, options: ComposePlanOptions = {}): Plan {
  const ctx: Ctx = { desired, observed, options, drafts: [], blockers: newerFormat(observed), warnings: [], jobs: jobServices(desired) };
  const byService = byServiceOf(observed);
  const only = options.services && new Set(options.services);
  resourceDrafts(ctx, "network");
  resourceDrafts(ctx, "volume");
  for (const svc of Object.values(desired.services)) {
    if (only && !only.has(svc.name)) continue;
    serviceDrafts(ctx, svc, byService.get(svc.name) ?? []);
  }
  networkModeDrafts(ctx, byService);
  restartDrafts(ctx, byService);
  const kept = only ? [] : keptVolumeDrafts(ctx);
  if (!only) orphanDrafts(ctx, byService);
  const linked = linkDrafts(desired, ctx.drafts);
  return composePlan("apply", desired, observed, linked, {
    blockers: ctx.blockers,
    warnings: ctx.warnings,
    keptVolumes: kept,
    images: missingImages(desired, observed, linked),
  });
}

/** Images the plan's creates need that are not present, and how to get them (for a plan applied later). */
function missingImages(desired: DesiredState, observed: Observed, drafts: readonly Draft[]): ImageSource[] {
  const out = new Map<string, ImageSource>();
  for (const d of drafts) {
    if (d.kind !== "service" || (d.verb !== "create" && d.verb !== "recreate")) continue;
    const svc = desired.services[d.resource];
    const src = observed.images[svc.image] === undefined ? imageSource(svc) : undefined;
    if (src && !out.has(src.image)) out.set(src.image, src);
  }
  return [...out.values()];
}

/** The plan around a set of drafts: actions, their steps, the fingerprint of what it was made from. */
export function composePlan(
  mode: Plan["mode"],
  desired: DesiredState | undefined,
  observed: Observed,
  drafts: readonly Draft[],
  rest: { blockers?: Blocker[]; warnings?: string[]; keptVolumes?: string[]; images?: ImageSource[] } = {},
): Plan {
  const { actions, steps } = expandActions(drafts, desired);
  return {
    format: PLAN_FORMAT,
    target: "compose",
    mode,
    project: observed.project,
    endpoint: observed.endpoint,
    actions,
    steps,
    blockers: rest.blockers ?? [],
    warnings: rest.warnings ?? [],
    keptVolumes: rest.keptVolumes ?? [],
    fingerprint: { objects: fingerprintOf(observed), query: { ...(observed.query ?? queryOf(undefined)) } },
    ...(desired?.file ? { stackFile: desired.file } : {}),
    ...(rest.images?.length ? { images: rest.images } : {}),
  };
}

/** Adds the `after` edges (networks and volumes first, dependencies' waves, removals before network removal) and wait actions. */
function linkDrafts(desired: DesiredState, drafts: readonly Draft[]): Draft[] {
  const ids = new Set(drafts.map((s) => s.id));
  // Indexed once: looking drafts up per dependency edge made planning quadratic (4.5 s at 10,000 services).
  const byService = new Map<string, string[]>();
  for (const s of drafts) {
    if (s.kind !== "service" || s.verb === "remove") continue;
    const list = byService.get(s.resource);
    if (list) list.push(s.id);
    else byService.set(s.resource, [s.id]);
  }
  const ofService = (name: string) => byService.get(name) ?? [];
  const waits = new Map<string, Draft>();
  const linked = drafts.map((d): Draft => {
    if (d.kind !== "service" || d.verb === "remove") return d;
    const svc = desired.services[d.resource];
    const after = new Set<string>();
    for (const net of Object.keys(svc.resolved.networks ?? {})) if (ids.has(`network:${net}`)) after.add(`network:${net}`);
    for (const m of svc.resolved.volumes ?? []) if (m.type === "volume" && ids.has(`volume:${m.source}`)) after.add(`volume:${m.source}`);
    for (const [dep, spec] of Object.entries(svc.dependsOn)) {
      for (const id of ofService(dep)) after.add(id);
      if (spec.condition !== "service_started") {
        const waitId = `wait:${dep}`;
        if (!waits.has(waitId)) waits.set(waitId, waitDraft(desired, dep, spec.condition, ofService(dep)));
        after.add(waitId);
      }
    }
    return { ...d, after: [...after].sort(compareStrings) };
  });
  batchRollouts(linked);
  const containerRemovals = linked.filter((s) => s.kind === "service" && (s.verb === "remove" || s.verb === "recreate")).map((s) => s.id);
  const withNetworkOrder = linked.map((s) => (s.kind === "network" && s.verb === "remove" ? { ...s, after: containerRemovals } : s));
  return [...withNetworkOrder, ...waits.values()];
}

/**
 * `deploy.updateConfig` on one engine: the recreates of a service go `parallelism` at a time,
 * each batch after the one before (and after `delay`). In place: `linked` is the caller's copy.
 */
function batchRollouts(linked: Draft[]): void {
  const byService = new Map<string, number[]>();
  linked.forEach((d, i) => {
    if (d.kind !== "service" || d.verb !== "recreate" || !d.rolling) return;
    byService.set(d.resource, [...(byService.get(d.resource) ?? []), i]);
  });
  for (const indexes of byService.values()) {
    indexes.sort((a, b) => (linked[a].number ?? 0) - (linked[b].number ?? 0));
    const size = Math.max(1, linked[indexes[0]].rolling?.parallelism ?? 1);
    const delayMs = (linked[indexes[0]].rolling?.delay ?? 0) / 1e6;
    indexes.forEach((at, i) => {
      if (i < size) return;
      const previous = indexes.slice(Math.floor(i / size - 1) * size, Math.floor(i / size) * size).map((j) => linked[j].id);
      linked[at] = { ...linked[at], after: [...new Set([...linked[at].after, ...previous])].sort(compareStrings), ...(delayMs ? { delayMs } : {}) };
    });
  }
}

function waitDraft(desired: DesiredState, service: string, condition: NonNullable<Action["condition"]>, after: string[]): Draft {
  const svc = desired.services[service];
  const cause = condition === "service_healthy" ? "healthy" : "completed successfully";
  const containers = Array.from({ length: svc?.replicas ?? 1 }, (_, i) => containerName(desired.project, service, i + 1, svc?.resolved.containerName));
  return { id: `wait:${service}`, verb: "wait", kind: "service", resource: service, engineName: service, cause, condition, after, waitFor: containers };
}

/** Everything the project owns on the engine (by label), one-off containers included; volumes only with `volumes`. */
export function planComposeDestroy(observed: Observed, options: { readonly volumes?: boolean; readonly services?: readonly string[] } = {}): Plan {
  const named = options.services && new Set(options.services);
  const containers: Draft[] = observed.containers
    .filter((c) => !named || named.has(c.service))
    .map((c) => ({
      ...onContainer(undefined, c.service, c),
      id: `service:${c.service}:${c.number}:${c.id.slice(0, 12)}`,
      verb: "remove",
      cause: "destroy",
      ...stopInfo(undefined),
    }));
  const after = containers.map((d) => d.id);
  // The containers' anonymous volumes go too with `--volumes`, by name: one a recreate handed on is mounted by name, which `docker rm -v` leaves.
  const anonymous: Draft[] = options.volumes
    ? [...new Set(observed.containers.filter((c) => !named || named.has(c.service)).flatMap(anonymousVolumes))].sort().map((name) => ({
        id: `volume:${name}`,
        verb: "remove",
        kind: "volume",
        resource: name,
        engineName: name,
        cause: `destroy (--volumes): an anonymous volume of the ${named ? "named services'" : "project's"} containers`,
        after,
      }))
    : [];
  // `dsl destroy web`: the named services' containers (and with `--volumes` their anonymous volumes, as
  // `docker-compose rm -s -v web`); networks and named volumes stay, for the services left.
  if (named) return composePlan("destroy", undefined, observed, [...containers, ...anonymous], { keptVolumes: [] });
  const networks: Draft[] = observed.networks.map((n) => ({
    id: `network:${n.logicalName}`,
    verb: "remove",
    kind: "network",
    resource: n.logicalName,
    engineName: n.name,
    networkId: n.id,
    cause: "destroy",
    after,
  }));
  const volumes: Draft[] = options.volumes
    ? observed.volumes.map((v) => ({
        id: `volume:${v.logicalName}`,
        verb: "remove",
        kind: "volume",
        resource: v.logicalName,
        engineName: v.name,
        cause: "destroy (--volumes)",
        after,
      }))
    : [];
  return composePlan("destroy", undefined, observed, [...containers, ...networks, ...volumes, ...anonymous], {
    keptVolumes: options.volumes ? [] : observed.volumes.map((v) => v.name),
  });
}
