/**
 * `planSwarm(desired, observed)`: pure. The steps that take a Swarm stack from what the engine
 * runs to what stack.ts says:
 *
 * - networks (overlay), secrets and configs first; secrets and configs are immutable, so a new
 *   content is a new versioned name, and the old version is removed once no service uses it;
 * - services created, updated (naming the version they were read at, and every changed field
 *   the user wrote; never engine defaults) or removed;
 * - removals of what the stack no longer declares last.
 */
import type { SwarmService } from "../engine/types";
import type { SwarmDesired, SwarmDesiredFile } from "./desired";
import { desiredView } from "./desired";
import { StackLabels } from "./names";
import type { RollingUpdate, SwarmObserved, SwarmPlan, SwarmStep } from "./types";
import { diffViews, isRolling, viewOf } from "./view";

interface Acc {
  readonly steps: SwarmStep[];
  readonly blockers: string[];
}

function planNetworks(d: SwarmDesired, o: SwarmObserved, acc: Acc): void {
  for (const n of Object.values(d.networks).sort((a, b) => a.name.localeCompare(b.name))) {
    const found = o.networks.find((x) => x.name === n.engineName);
    if (n.external) {
      if (!found)
        acc.blockers.push(
          `network "${n.name}" is external, but no network "${n.engineName}" exists: create it (docker network create -d overlay ${n.engineName})`,
        );
      continue;
    }
    if (!found) {
      acc.steps.push({ id: `network:${n.name}`, op: "create", kind: "network", resource: n.name, engineName: n.engineName, cause: "missing", after: [] });
    } else if (found.labels[StackLabels.namespace] !== d.stack) {
      acc.blockers.push(`network "${n.engineName}" exists but does not belong to stack "${d.stack}": remove or rename it`);
    } else if (found.scope !== "swarm") {
      acc.blockers.push(
        `network "${n.engineName}" has scope "${found.scope}", not swarm: remove it (docker network rm ${n.engineName}) so that an overlay network can take its name`,
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
          `${f.kind} "${f.name}" is external, but no ${f.kind} "${f.engineName}" exists: create it (docker ${f.kind} create ${f.engineName} <file>)`,
        );
      continue;
    }
    if (!found) {
      const older = observed.some((x) => x.labels[StackLabels.namespace] === stack && x.labels[StackLabels.logical] === f.name);
      acc.steps.push({
        id: `${f.kind}:${f.name}`,
        op: "create",
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
  return {
    tasks: global ? 0 : (replicas ?? 1),
    parallelism: desiredConfig.parallelism ?? uc.Parallelism ?? 1,
    order: (desiredConfig.order ?? uc.Order ?? "stop-first") as RollingUpdate["order"],
    failureAction: (desiredConfig.failureAction ?? uc.FailureAction ?? "pause") as RollingUpdate["failureAction"],
    ...((desiredConfig.delay ?? uc.Delay) ? { delay: desiredConfig.delay ?? uc.Delay } : {}),
  };
}

function planServices(d: SwarmDesired, o: SwarmObserved, acc: Acc, prereqs: (svc: string) => string[]): void {
  const networkName = (idOrName: string) => o.networks.find((n) => n.id === idOrName || n.id.startsWith(idOrName))?.name ?? idOrName;
  for (const svc of Object.values(d.services).sort((a, b) => a.name.localeCompare(b.name))) {
    const found = o.services.find((s) => s.name === svc.engineName);
    const replicas = svc.global ? undefined : svc.replicas;
    if (!found) {
      if (o.foreignServices.includes(svc.engineName)) {
        acc.blockers.push(
          `${svc.location.file}:${svc.location.line}:${svc.location.column}: service "${svc.name}": a service named "${svc.engineName}" exists outside stack "${d.stack}": remove or rename it`,
        );
        continue;
      }
      acc.steps.push({
        id: `service:${svc.name}`,
        op: "create",
        kind: "service",
        resource: svc.name,
        engineName: svc.engineName,
        cause: "missing",
        image: svc.image,
        ...(replicas !== undefined ? { replicas } : {}),
        after: prereqs(svc.name),
      });
      continue;
    }
    const want = desiredView(d, svc);
    const have = viewOf(found.spec, networkName);
    if (want.mode !== have.mode) {
      acc.blockers.push(
        `service "${svc.name}": mode ${String(have.mode)} → ${String(want.mode)} cannot be changed on a running service: remove it first (docker service rm ${svc.engineName})`,
      );
      continue;
    }
    const last = (found.labels[StackLabels.fields] ?? "").split(",").filter(Boolean);
    const changes = diffViews(
      have,
      want,
      [...Object.keys(want), ...last],
      svc.sensitive.map((p) => p),
    );
    if (!changes.length) continue;
    const rolling = isRolling(changes)
      ? rollingOf(found, replicas, svc.global, {
          parallelism: want["updateConfig.parallelism"] as number | undefined,
          order: want["updateConfig.order"] as string | undefined,
          failureAction: want["updateConfig.failureAction"] as string | undefined,
          delay: want["updateConfig.delay"] as number | undefined,
        })
      : undefined;
    acc.steps.push({
      id: `service:${svc.name}`,
      op: "update",
      kind: "service",
      resource: svc.name,
      engineName: svc.engineName,
      existingId: found.id,
      version: found.version,
      cause: rolling ? "rolling update" : "in place",
      ...(replicas !== undefined ? { replicas } : {}),
      changes,
      ...(rolling ? { rolling } : {}),
      after: prereqs(svc.name),
    });
  }
}

function planRemovals(d: SwarmDesired, o: SwarmObserved, acc: Acc): void {
  const wanted = new Set(Object.values(d.services).map((s) => s.engineName));
  const serviceSteps = acc.steps.filter((s) => s.kind === "service").map((s) => s.id);
  const removedServices: string[] = [];
  for (const s of o.services) {
    if (wanted.has(s.name)) continue;
    const id = `service:${s.name.slice(d.stack.length + 1) || s.name}`;
    removedServices.push(id);
    acc.steps.push({
      id,
      op: "remove",
      kind: "service",
      resource: s.name.slice(d.stack.length + 1) || s.name,
      engineName: s.name,
      existingId: s.id,
      cause: "no longer in stack.ts",
      after: [],
    });
  }
  const after = [...serviceSteps, ...removedServices];
  const nets = new Set(Object.values(d.networks).map((n) => n.engineName));
  for (const n of o.networks) {
    if (n.labels[StackLabels.namespace] !== d.stack || nets.has(n.name)) continue;
    acc.steps.push({
      id: `network:${n.name}`,
      op: "remove",
      kind: "network",
      resource: n.name.slice(d.stack.length + 1) || n.name,
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
      const logical = f.labels[StackLabels.logical] ?? (f.name.slice(d.stack.length + 1) || f.name);
      const stillDeclared = Object.values(files).some((x) => x.name === logical);
      acc.steps.push({
        id: `${kind}:${logical}:${f.name}`,
        op: "remove",
        kind,
        resource: logical,
        engineName: f.name,
        existingId: f.id,
        cause: stillDeclared ? "old version" : "no longer in stack.ts",
        after,
      });
    }
  }
}

/** The plan; blocked (with every reason) when the engine is not a swarm manager or the stack has errors Swarm would get wrong. */
export function planSwarm(d: SwarmDesired, o: SwarmObserved): SwarmPlan {
  const acc: Acc = { steps: [], blockers: [] };
  const warnings = d.diagnostics.filter((x) => x.level === "warning" && !x.stackFileOnly).map((x) => x.message);
  for (const x of d.diagnostics) if (x.level === "error") acc.blockers.push(x.message);
  if (!o.swarm) {
    acc.blockers.push(`the engine at ${o.endpoint} is not a swarm manager: run "docker swarm init" there (or deploy with --target compose)`);
    return { stack: d.stack, endpoint: o.endpoint, steps: [], blockers: acc.blockers, warnings };
  }
  planNetworks(d, o, acc);
  planFiles(d.secrets, o.secrets, d.stack, acc);
  planFiles(d.configs, o.configs, d.stack, acc);
  const created = acc.steps.map((s) => s.id);
  const prereqs = (name: string): string[] => {
    const svc = d.services[name].spec;
    const needs = [
      ...Object.keys(svc.networks ?? { default: {} }).map((n) => `network:${n}`),
      ...(svc.secrets ?? []).map((g) => `secret:${g.source}`),
      ...(svc.configs ?? []).map((g) => `config:${g.source}`),
    ];
    return needs.filter((id) => created.includes(id));
  };
  planServices(d, o, acc, prereqs);
  planRemovals(d, o, acc);
  return { stack: d.stack, endpoint: o.endpoint, steps: acc.steps, blockers: acc.blockers, warnings };
}

export function isEmptySwarmPlan(plan: SwarmPlan): boolean {
  return plan.steps.length === 0;
}
