/**
 * Swarm actions → engine steps. Each step carries everything its call needs: a service's
 * whole spec (its sensitive variables apart, as {@link Hidden}s), the version an update was
 * planned from, the ids of the secrets and configs it uses (or the step that creates them).
 */
import type { SwarmService } from "../engine/types";
import { StackLabels } from "../labels";
import { Hidden } from "../target/hidden";
import { expandChains, type Link } from "../target/chain";
import type { Action, ConvergeSpec, Ref, Step } from "../target/types";
import type { SwarmObserved } from "./types";
import { serviceBody, stackLabels, type SwarmDesired, type SwarmDesiredService } from "./desired";

/** An action as the planner decides it, with what its steps need from the observed state. */
export interface SwarmDraft extends Action {
  /** The service as observed (updates, removals). */
  readonly service?: SwarmService;
  /** The observed object's id (network, secret, config removals). */
  readonly existingId?: string;
  /** For the tasks-gone wait: the removed services. */
  readonly waitTasksOf?: readonly string[];
}

type Chain = Link[];

/** New tasks must keep running this long before a create or scale-up counts as converged. */
const STABLE_MS = 3000;

/** What a Swarm secret's or config's content is called in a plan. */
export function swarmContentRef(kind: "secret" | "config", name: string): string {
  return `${kind} ${name}`;
}

/** What a sensitive variable of a Swarm service is called in a plan. */
export function swarmEnvRef(service: string, key: string): string {
  return `service ${service}: environment.${key}`;
}

function networkBody(d: SwarmDesired, name: string): Record<string, unknown> {
  const n = d.networks[name];
  return {
    Name: n.engineName,
    Driver: "overlay",
    ...(n.attachable !== undefined ? { Attachable: n.attachable } : {}),
    ...(n.internal !== undefined ? { Internal: n.internal } : {}),
    ...(n.driverOpts ? { Options: { ...n.driverOpts } } : {}),
    ...(n.ipam?.config?.length
      ? { IPAM: { Driver: n.ipam.driver ?? "default", Config: n.ipam.config.map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ipRange })) } }
      : {}),
    Labels: stackLabels(d.stack, n.labels),
  };
}

/** The service's body with its sensitive variables taken out of `Env`, and those variables. */
function bodyOf(d: SwarmDesired, svc: SwarmDesiredService): { body: Record<string, unknown>; hiddenEnv?: Record<string, Hidden> } {
  const body = serviceBody(d, svc) as unknown as { TaskTemplate?: { ContainerSpec?: { Env?: string[] } } };
  const keys = new Set(svc.sensitive.filter((p) => p.startsWith("environment.")).map((p) => p.slice("environment.".length)));
  const spec = body.TaskTemplate?.ContainerSpec;
  if (!keys.size || !spec?.Env) return { body: body as Record<string, unknown> };
  const hiddenEnv: Record<string, Hidden> = {};
  const env: string[] = [];
  for (const e of spec.Env) {
    const key = e.slice(0, e.indexOf("="));
    if (keys.has(key)) hiddenEnv[key] = new Hidden(swarmEnvRef(svc.name, key), e.slice(key.length + 1));
    else env.push(e);
  }
  const containerSpec = { ...spec, Env: env.length ? env : undefined };
  return { body: { ...body, TaskTemplate: { ...body.TaskTemplate, ContainerSpec: JSON.parse(JSON.stringify(containerSpec)) } }, hiddenEnv };
}

/** Secret and config ids of the service by engine name: observed ones, or the step that creates them. */
function refsOf(d: SwarmDesired, o: SwarmObserved, svc: SwarmDesiredService): Record<string, Ref> {
  const refs: Record<string, Ref> = {};
  for (const [kind, grants, files, observed] of [
    ["secret", svc.spec.secrets, d.secrets, o.secrets],
    ["config", svc.spec.configs, d.configs, o.configs],
  ] as const) {
    for (const g of grants ?? []) {
      const f = files[g.source];
      if (!f) continue;
      const found = observed.find((x) => x.name === f.engineName);
      refs[f.engineName] = found ? found.id : { output: `${kind}:${f.name}/1` };
    }
  }
  return refs;
}

function scalesUp(a: Action): boolean {
  const c = a.changes?.find((x) => x.path === "replicas");
  return c !== undefined && Number(c.after) > Number(c.before ?? 0);
}

function serviceChain(d: SwarmDesired, o: SwarmObserved, a: SwarmDraft): Chain {
  const svc = d.services[a.resource];
  const { body, hiddenEnv } = bodyOf(d, svc);
  const refs = refsOf(d, o, svc);
  const converge: ConvergeSpec = {
    engineName: svc.engineName,
    ...(svc.global ? {} : { replicas: svc.replicas }),
    newTasks: a.verb === "create" || a.rolling !== undefined,
    stableMs: a.verb === "create" || scalesUp(a) ? STABLE_MS : 0,
    ...(a.verb === "create" ? { maxFailures: Math.max(3, 2 * svc.replicas) } : {}),
  };
  const hidden = hiddenEnv && Object.keys(hiddenEnv).length ? { hiddenEnv } : {};
  if (a.verb === "create") {
    const joined = Object.keys(svc.spec.networks ?? { default: {} }).filter((n) => d.networks[n] && !d.networks[n].external);
    const networks = Object.fromEntries(joined.map((n) => [d.networks[n].engineName, networkBody(d, n)]));
    return [
      { op: { op: "service.create", body, ...hidden, refs, networks }, milestone: "created" },
      { op: { op: "wait.converge", service: { output: `${a.id}/1` }, converge }, milestone: "converged" },
    ];
  }
  const s = a.service as SwarmService;
  return [
    { op: { op: "service.update", service: s.id, version: s.version, body, ...hidden, refs }, milestone: "updated" },
    { op: { op: "wait.converge", service: s.id, since: { output: `${a.id}/1` }, converge }, milestone: "converged" },
  ];
}

function fileChain(d: SwarmDesired, a: SwarmDraft): Chain {
  const kind = a.kind as "secret" | "config";
  const f = (kind === "secret" ? d.secrets : d.configs)[a.resource];
  const data = new Hidden(swarmContentRef(kind, f.name), (f.data ?? Buffer.alloc(0)).toString("base64"));
  return [
    {
      op: { op: `${kind}.create`, name: f.engineName, labels: { ...stackLabels(d.stack, f.labels), [StackLabels.logical]: f.name }, data },
      milestone: "created",
    },
  ];
}

function chainOf(d: SwarmDesired | undefined, o: SwarmObserved, a: SwarmDraft): Chain {
  const need = (): SwarmDesired => {
    if (!d) throw new Error(`internal: the plan needs the stack for ${a.id}`);
    return d;
  };
  if (a.id === "wait:tasks-gone") return [{ op: { op: "wait.tasksGone", services: a.waitTasksOf ?? [] } }];
  if (a.id === "wait:networks-gone") return [{ op: { op: "wait.networksGone", names: a.engineName.split(", ") } }];
  switch (a.kind) {
    case "network":
      if (a.verb === "remove")
        return [{ op: { op: "network.remove", network: a.existingId ?? a.engineName, name: a.engineName, timeoutMs: 60_000 }, milestone: "removed" }];
      return [{ op: { op: "network.create", body: networkBody(need(), a.resource) }, milestone: "created" }];
    case "secret":
    case "config":
      if (a.verb === "remove") return [{ op: { op: `${a.kind}.remove`, object: a.existingId ?? a.engineName, name: a.engineName }, milestone: "removed" }];
      return fileChain(need(), a);
    default:
      if (a.verb === "remove") return [{ op: { op: "service.remove", service: a.service?.id ?? a.engineName, name: a.engineName }, milestone: "removed" }];
      return serviceChain(need(), o, a);
  }
}

function actionOf(a: SwarmDraft): Action {
  const { service: _s, existingId: _e, waitTasksOf: _w, ...action } = a;
  return action;
}

/** Every draft's steps, chained, and linked to the steps of the actions it comes after. */
export function expandSwarm(drafts: readonly SwarmDraft[], d: SwarmDesired | undefined, o: SwarmObserved): { actions: Action[]; steps: Step[] } {
  return { actions: drafts.map(actionOf), steps: expandChains(drafts, (a) => chainOf(d, o, a as SwarmDraft)) };
}
