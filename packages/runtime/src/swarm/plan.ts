/**
 * `planSwarm(desired, observed)`: pure. The plan that takes a Swarm stack from what the engine
 * runs to what stack.ts says:
 *
 * - networks (overlay), secrets and configs first; secrets and configs are immutable, so a new
 *   content is a new versioned name, and the old version is removed once no service uses it;
 * - services created, updated (naming the version they were read at, and every changed field
 *   the user wrote; never engine defaults) or removed, each followed by a wait until it converged;
 * - removals of what the stack no longer declares last.
 */
import { formatLocation } from "@berth/dsl";
import { extraValueProblem } from "../compose/extra-keys";
import type { SwarmService } from "../engine/types";
import { unscopedName } from "../internal/names";
import { compareStrings } from "../internal/sort";
import { StackLabels } from "../labels";
import { PLAN_FORMAT, type Blocker, type Plan, type RollingUpdate } from "../target/types";
import type { SwarmDesired, SwarmDesiredFile } from "./desired";
import { desiredView } from "./desired";
import { expandSwarm, type SwarmDraft } from "./expand";
import { swarmFingerprint } from "./observe";
import type { SwarmObserved } from "./types";
import { diffViews, isRolling, viewOf } from "./view";

interface Acc {
  readonly drafts: SwarmDraft[];
  readonly blockers: Blocker[];
}

const blocker = (resource: string, message: string): Blocker => ({ resource, message });
const byName = <T extends { name: string }>(a: T, b: T) => compareStrings(a.name, b.name);

function planNetworks(d: SwarmDesired, o: SwarmObserved, acc: Acc): void {
  for (const n of Object.values(d.networks).sort(byName)) {
    const found = o.networks.find((x) => x.name === n.engineName);
    const id = `network:${n.name}`;
    if (n.external) {
      if (!found)
        acc.blockers.push(
          blocker(id, `network "${n.name}" is external, but no network "${n.engineName}" exists: create it (docker network create -d overlay ${n.engineName})`),
        );
      continue;
    }
    if (!found) {
      acc.drafts.push({ id, verb: "create", kind: "network", resource: n.name, engineName: n.engineName, cause: "missing", after: [] });
    } else if (found.labels[StackLabels.namespace] !== d.stack) {
      acc.blockers.push(blocker(id, `network "${n.engineName}" exists but does not belong to stack "${d.stack}": remove or rename it`));
    } else if (found.scope !== "swarm") {
      acc.blockers.push(
        blocker(
          id,
          `network "${n.engineName}" has scope "${found.scope}", not swarm: remove it (docker network rm ${n.engineName}) so that an overlay network can take its name`,
        ),
      );
    }
  }
}

function planFiles(files: Readonly<Record<string, SwarmDesiredFile>>, observed: SwarmObserved["secrets"], stack: string, acc: Acc): void {
  for (const f of Object.values(files)) {
    const found = observed.find((x) => x.name === f.engineName);
    if (f.external) {
      if (!found)
        acc.blockers.push(
          blocker(
            `${f.kind}:${f.name}`,
            `${f.kind} "${f.name}" is external, but no ${f.kind} "${f.engineName}" exists: create it (docker ${f.kind} create ${f.engineName} <file>)`,
          ),
        );
      continue;
    }
    if (!found) {
      const older = observed.some((x) => x.labels[StackLabels.namespace] === stack && x.labels[StackLabels.logical] === f.name);
      acc.drafts.push({
        id: `${f.kind}:${f.name}`,
        verb: "create",
        kind: f.kind,
        resource: f.name,
        engineName: f.engineName,
        cause: older ? "new content (new version)" : "missing",
        after: [],
      });
    }
  }
}

function rollingOf(
  s: SwarmService | undefined,
  replicas: number | undefined,
  global: boolean,
  desiredConfig: { parallelism?: number; order?: string; failureAction?: string; delay?: number },
): RollingUpdate {
  const uc = (s?.spec.UpdateConfig ?? {}) as { Parallelism?: number; Order?: string; FailureAction?: string; Delay?: number };
  const delay = desiredConfig.delay ?? uc.Delay;
  return {
    tasks: global ? 0 : (replicas ?? 1),
    parallelism: desiredConfig.parallelism ?? uc.Parallelism ?? 1,
    order: (desiredConfig.order ?? uc.Order ?? "stop-first") as RollingUpdate["order"],
    failureAction: (desiredConfig.failureAction ?? uc.FailureAction ?? "pause") as RollingUpdate["failureAction"],
    ...(delay ? { delay } : {}),
  };
}

function planServices(d: SwarmDesired, o: SwarmObserved, acc: Acc, prereqs: (svc: string) => string[]): void {
  const networkName = (idOrName: string) => o.networks.find((n) => n.id === idOrName || n.id.startsWith(idOrName))?.name ?? idOrName;
  for (const svc of Object.values(d.services).sort(byName)) {
    // What is left in `extra` here is not a host setting Swarm reads as its typed prop (host.ts), or
    // its value cannot be applied: refused rather than dropped.
    for (const [key, value] of Object.entries(svc.spec.extra ?? {})
      .filter(([k]) => !k.startsWith("x-"))
      .sort(([a], [b]) => compareStrings(a, b))) {
      const why =
        extraValueProblem(key, value) ??
        "dsl apply --target swarm does not apply this compose key (synth writes it, docker stack deploy would honour what Swarm supports); remove it, or deploy the synthesized file with docker stack deploy";
      acc.blockers.push(blocker(`service:${svc.name}`, `${formatLocation(svc.location)}: service "${svc.name}": extra.${key}: ${why}`));
    }
    const found = o.services.find((s) => s.name === svc.engineName);
    const replicas = svc.global ? undefined : svc.replicas;
    const base = { kind: "service" as const, resource: svc.name, engineName: svc.engineName, ...(replicas !== undefined ? { replicas } : {}) };
    if (!found) {
      if (o.foreignServices.includes(svc.engineName)) {
        const where = `${svc.location.file}:${svc.location.line}:${svc.location.column}`;
        acc.blockers.push(
          blocker(
            `service:${svc.name}`,
            `${where}: service "${svc.name}": a service named "${svc.engineName}" exists outside stack "${d.stack}": remove or rename it`,
          ),
        );
        continue;
      }
      acc.drafts.push({ ...base, id: `service:${svc.name}`, verb: "create", cause: "missing", image: svc.image, after: prereqs(svc.name) });
      continue;
    }
    const want = desiredView(d, svc);
    const have = viewOf(found.spec, networkName);
    if (want.mode !== have.mode) {
      acc.blockers.push(
        blocker(
          `service:${svc.name}`,
          `service "${svc.name}": mode ${String(have.mode)} → ${String(want.mode)} cannot be changed on a running service: remove it first (docker service rm ${svc.engineName})`,
        ),
      );
      continue;
    }
    const last = (found.labels[StackLabels.fields] ?? "").split(",").filter(Boolean);
    const changes = diffViews(have, want, [...Object.keys(want), ...last], svc.sensitive);
    if (!changes.length) continue;
    const rolling = isRolling(changes)
      ? rollingOf(found, replicas, svc.global, {
          parallelism: want["updateConfig.parallelism"] as number | undefined,
          order: want["updateConfig.order"] as string | undefined,
          failureAction: want["updateConfig.failureAction"] as string | undefined,
          delay: want["updateConfig.delay"] as number | undefined,
        })
      : undefined;
    const cause = rolling ? "rolling update" : "in place";
    acc.drafts.push({
      ...base,
      id: `service:${svc.name}`,
      verb: "update",
      cause,
      changes,
      ...(rolling ? { rolling } : {}),
      after: prereqs(svc.name),
      service: found,
    });
  }
}

function planRemovals(d: SwarmDesired, o: SwarmObserved, acc: Acc): void {
  const wanted = new Set(Object.values(d.services).map((s) => s.engineName));
  const serviceIds = acc.drafts.filter((s) => s.kind === "service").map((s) => s.id);
  const removed: SwarmService[] = [];
  for (const s of o.services) {
    if (wanted.has(s.name)) continue;
    removed.push(s);
    const resource = unscopedName(d.stack, s.name);
    acc.drafts.push({
      id: `service:${resource}`,
      verb: "remove",
      kind: "service",
      resource,
      engineName: s.name,
      cause: "no longer in stack.ts",
      after: [],
      service: s,
    });
  }
  const gone = removed.length
    ? [
        tasksGone(
          removed,
          removed.map((s) => `service:${unscopedName(d.stack, s.name)}`),
        ),
      ]
    : [];
  acc.drafts.push(...gone);
  const after = [...serviceIds, ...gone.map((g) => g.id)];
  const nets = new Set(Object.values(d.networks).map((n) => n.engineName));
  for (const n of o.networks) {
    if (n.labels[StackLabels.namespace] !== d.stack || nets.has(n.name)) continue;
    acc.drafts.push({
      id: `network:${n.name}`,
      verb: "remove",
      kind: "network",
      resource: unscopedName(d.stack, n.name),
      engineName: n.name,
      existingId: n.id,
      cause: "no longer used",
      after,
    });
  }
  for (const [kind, files, observed] of [
    ["secret", d.secrets, o.secrets],
    ["config", d.configs, o.configs],
  ] as const) {
    const keep = new Set(Object.values(files).map((f) => f.engineName));
    for (const f of observed) {
      if (f.labels[StackLabels.namespace] !== d.stack || keep.has(f.name)) continue;
      const logical = f.labels[StackLabels.logical] ?? unscopedName(d.stack, f.name);
      const stillDeclared = Object.values(files).some((x) => x.name === logical);
      const cause = stillDeclared ? "old version" : "no longer in stack.ts";
      acc.drafts.push({ id: `${kind}:${logical}:${f.name}`, verb: "remove", kind, resource: logical, engineName: f.name, existingId: f.id, cause, after });
    }
  }
  networksGone(acc);
}

/** A wait, not shown in the preview: until the removed services' tasks are gone (they hold their networks). */
function tasksGone(removed: readonly SwarmService[], after: string[]): SwarmDraft {
  return {
    id: "wait:tasks-gone",
    verb: "wait",
    kind: "service",
    resource: "removed services",
    engineName: removed.map((s) => s.name).join(", "),
    cause: "tasks gone",
    after,
    waitTasksOf: removed.map((s) => s.id),
  };
}

/** A removed overlay network lingers on the node for a moment; a new one of its name could not be made until it is gone. */
function networksGone(acc: Acc): void {
  const removed = acc.drafts.filter((x) => x.kind === "network" && x.verb === "remove");
  if (!removed.length) return;
  acc.drafts.push({
    id: "wait:networks-gone",
    verb: "wait",
    kind: "network",
    resource: "removed networks",
    engineName: removed.map((n) => n.engineName).join(", "),
    cause: "gone",
    after: removed.map((n) => n.id),
  });
}

/** The plan around a set of drafts. */
function swarmPlan(
  mode: Plan["mode"],
  d: SwarmDesired | undefined,
  o: SwarmObserved,
  drafts: readonly SwarmDraft[],
  blockers: Blocker[],
  warnings: string[],
): Plan {
  const { actions, steps } = expandSwarm(drafts, d, o);
  return {
    format: PLAN_FORMAT,
    target: "swarm",
    mode,
    project: o.stack,
    endpoint: o.endpoint,
    actions,
    steps,
    blockers,
    warnings,
    keptVolumes: [],
    fingerprint: { objects: swarmFingerprint(o), query: {} },
    ...(d?.file ? { stackFile: d.file } : {}),
  };
}

/** The plan; blocked (with every reason) when the engine is not a swarm manager or the stack has errors Swarm would get wrong. */
export function planSwarm(d: SwarmDesired, o: SwarmObserved): Plan {
  const acc: Acc = { drafts: [], blockers: [] };
  const warnings = d.diagnostics.filter((x) => x.level === "warning" && !x.stackFileOnly).map((x) => x.message);
  for (const x of d.diagnostics) if (x.level === "error") acc.blockers.push(blocker("stack", x.message));
  if (!o.swarm) {
    acc.blockers.push(blocker("engine", `the engine at ${o.endpoint} is not a swarm manager: run "docker swarm init" there (or deploy to the compose target)`));
    return swarmPlan("apply", d, o, [], acc.blockers, warnings);
  }
  planNetworks(d, o, acc);
  planFiles(d.secrets, o.secrets, d.stack, acc);
  planFiles(d.configs, o.configs, d.stack, acc);
  const created = new Set(acc.drafts.map((s) => s.id));
  const prereqs = (name: string): string[] => {
    const svc = d.services[name].spec;
    const needs = [
      ...Object.keys(svc.networks ?? { default: {} }).map((n) => `network:${n}`),
      ...(svc.secrets ?? []).map((g) => `secret:${g.source}`),
      ...(svc.configs ?? []).map((g) => `config:${g.source}`),
    ];
    return needs.filter((id) => created.has(id));
  };
  planServices(d, o, acc, prereqs);
  planRemovals(d, o, acc);
  return swarmPlan("apply", d, o, acc.drafts, acc.blockers, warnings);
}

/** Everything labelled with the stack: services, then networks, secrets and configs (as `docker stack rm`). */
export function planSwarmDestroy(o: SwarmObserved): Plan {
  const stack = o.stack;
  const acc: Acc = { drafts: [], blockers: [] };
  const owned = <T extends { name: string; labels: Readonly<Record<string, string>> }>(xs: readonly T[]) =>
    xs.filter((x) => x.labels[StackLabels.namespace] === stack);
  for (const s of o.services) {
    const resource = unscopedName(stack, s.name);
    acc.drafts.push({ id: `service:${resource}`, verb: "remove", kind: "service", resource, engineName: s.name, cause: "destroy", after: [], service: s });
  }
  const gone = o.services.length
    ? [
        tasksGone(
          o.services,
          acc.drafts.map((x) => x.id),
        ),
      ]
    : [];
  acc.drafts.push(...gone);
  const after = [...acc.drafts.map((x) => x.id)];
  for (const n of owned(o.networks)) {
    acc.drafts.push({
      id: `network:${unscopedName(stack, n.name)}`,
      verb: "remove",
      kind: "network",
      resource: unscopedName(stack, n.name),
      engineName: n.name,
      existingId: n.id,
      cause: "destroy",
      after,
    });
  }
  for (const [kind, list] of [
    ["secret", o.secrets],
    ["config", o.configs],
  ] as const) {
    for (const x of owned(list)) {
      const resource = x.labels[StackLabels.logical] ?? unscopedName(stack, x.name);
      acc.drafts.push({ id: `${kind}:${x.name}`, verb: "remove", kind, resource, engineName: x.name, existingId: x.id, cause: "destroy", after });
    }
  }
  networksGone(acc);
  return swarmPlan("destroy", undefined, o, acc.drafts, [], []);
}
