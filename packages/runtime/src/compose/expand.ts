/**
 * Actions → engine steps, for the compose target. Each action becomes a chain of steps, one
 * engine call each, carrying everything the call needs (the whole create body); an action's
 * first step waits for the last steps of the actions it comes after.
 *
 * A recreate keeps the old container until the new one runs:
 *   rename old → parked name · create new · connect · write files · stop old (if it ran) ·
 *   start new (the milestone) · remove old
 * and every step before the milestone has an undo, so a failed start puts the old one back.
 */
import { COMPOSE_VERSION_LABEL_VALUE, LABEL_FORMAT, Labels } from "../labels";
import type { DesiredService, DesiredState } from "../desired/resolve";
import { parkedName } from "../internal/names";
import { durationNs } from "../internal/units";
import { expandChains, type Link } from "../target/chain";
import type { Action, ComposeOp, Step } from "../target/types";
import { containerCreateBody, containerPath, contentFiles, hiddenEnv, serviceNetworks } from "./container-config";
import type { ObservedContainer } from "./observed";

/** An action as the planner decides it, with what its steps need from the observed state. */
export interface Draft extends Action {
  /** The existing container the action works on (recreate, start, restart, remove). */
  readonly container?: ObservedContainer;
  /** The existing network's id (removal). */
  readonly networkId?: string;
  /** For waits: the containers waited for. */
  readonly waitFor?: readonly string[];
  /** A recreate (or a rename back) that resumes an interrupted one: the old container, parked under its `_berth-old-` name. */
  readonly parked?: ObservedContainer;
  /** The successor an interrupted recreate made but never started: removed first. */
  readonly successor?: ObservedContainer;
  /** For batches of a rollout after the first: the pause before it (ms). */
  readonly delayMs?: number;
}

type Op = ComposeOp;
/** An action's steps before they get ids and edges. */
export type Chain = (Link & { op: Op; undo?: Op })[];

function resourceLabels(project: string, kind: "network" | "volume", name: string, user?: Readonly<Record<string, string>>) {
  return {
    ...user,
    [Labels.project]: project,
    [kind === "network" ? Labels.network : Labels.volume]: name,
    [Labels.version]: COMPOSE_VERSION_LABEL_VALUE,
    [Labels.format]: String(LABEL_FORMAT),
  };
}

/** `JSON.parse(JSON.stringify(x))`: the engine body without undefined fields. */
const plain = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

function networkBody(desired: DesiredState, name: string): Record<string, unknown> {
  const n = desired.networks[name];
  const ipam = n.ipam && {
    Driver: n.ipam.driver ?? "default",
    Config: (n.ipam.config ?? []).map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ipRange })),
  };
  return plain({
    Name: n.engineName,
    Driver: n.driver ?? "bridge",
    Options: n.driverOpts,
    Internal: n.internal,
    Attachable: n.attachable,
    EnableIPv6: n.enableIpv6,
    IPAM: ipam,
    Labels: resourceLabels(desired.project, "network", n.name, n.labels),
    CheckDuplicate: true,
  });
}

function volumeBody(desired: DesiredState, name: string): Record<string, unknown> {
  const v = desired.volumes[name];
  return plain({
    Name: v.engineName,
    Driver: v.driver ?? "local",
    DriverOpts: v.driverOpts,
    Labels: resourceLabels(desired.project, "volume", v.name, v.labels),
  });
}

/** create → connect to the other networks → write content files: the container made, not started. */
function makeContainer(desired: DesiredState, d: Draft, createIndex: number, old?: ObservedContainer): Chain {
  const svc = desired.services[d.resource];
  const keptVolumes = old ? anonymousVolumesOf(desired, svc, old) : undefined;
  const body = containerCreateBody({ desired, service: svc, number: d.number ?? 1, keptVolumes }) as unknown as Readonly<Record<string, unknown>>;
  return containerChain(desired, svc, body, `${d.id}/${createIndex}`);
}

/**
 * What a recreated container takes over from `old`, as docker compose 1.29 does: the volume at each
 * anonymous volume's path (compose would take a named volume of the stack there too; not Berth).
 */
function anonymousVolumesOf(desired: DesiredState, svc: DesiredService, old: ObservedContainer): Record<string, string> | undefined {
  const named = new Set(Object.values(desired.volumes).map((v) => v.engineName));
  const kept = (svc.resolved.volumes ?? [])
    .filter((m) => m.type === "anonymous")
    .map((m) => [containerPath(m.target), old.volumeMounts?.[containerPath(m.target)]] as const)
    .filter((e): e is readonly [string, string] => e[1] !== undefined && !named.has(e[1]));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

/**
 * The steps that make a container of `svc` from `body` (create, connect to every network of the
 * service after the first, write its content files), the create step being `createStep`. A
 * failure after the create removes the container (the create's undo).
 */
export function containerChain(desired: DesiredState, svc: DesiredService, body: Readonly<Record<string, unknown>>, createStep: string): Chain {
  const created = { output: createStep };
  const chain: Chain = [
    { op: { op: "container.create", body, ...(hiddenEnv(svc) ? { hiddenEnv: hiddenEnv(svc) } : {}) }, undo: { op: "container.remove", container: created } },
  ];
  for (const net of serviceNetworks(desired, svc).slice(1))
    chain.push({ op: { op: "network.connect", network: net.engineName, container: created, endpoint: net.endpoint } });
  const files = contentFiles(desired, svc.resolved);
  if (files.length) chain.push({ op: { op: "container.files", container: created, files } });
  return chain;
}

/** Steps that come before any recreate of a replica: the pause between batches, the removal of a successor that never started. */
function prelude(d: Draft): Chain {
  const chain: Chain = [];
  if (d.delayMs) chain.push({ op: { op: "wait.sleep", ms: d.delayMs } });
  if (d.successor) chain.push({ op: { op: "container.remove", container: d.successor.id } });
  return chain;
}

/**
 * Recreate, keeping the old container until the new one runs (stop-first: stop the old, start
 * the new) or is healthy (start-first: start the new beside it, wait, then take the old one out
 * of the service's DNS name before it stops). Every step before the milestone has an undo.
 */
function recreateChain(desired: DesiredState, d: Draft): Chain {
  const old = d.parked ?? required(d.container);
  const original = d.parked ? d.engineName : old.name;
  const chain = prelude(d);
  if (!d.parked)
    chain.push({
      op: { op: "container.rename", container: old.id, to: parkedName(d.engineName, old.id) },
      undo: { op: "container.rename", container: old.id, to: original },
    });
  const created = chain.length + 1;
  const make = makeContainer(desired, d, created, old);
  if (d.rolling?.order === "start-first") {
    // A new container that never gets ready was in the service's DNS name: it leaves it before it is removed.
    const leaveNetworks = serviceNetworks(desired, desired.services[d.resource]).map((n) => n.engineName);
    make[0] = { ...make[0], undo: { op: "container.remove", container: { output: `${d.id}/${created}` }, leaveNetworks } };
  }
  chain.push(...make);
  const startNew: Op = { op: "container.start", container: { output: `${d.id}/${created}` }, name: d.engineName, service: d.resource };
  const timeoutSeconds = d.stopTimeoutSeconds ?? 10;
  const running = old.state === "running";
  const stopOld = {
    op: { op: "container.stop", container: old.id, timeoutSeconds },
    undo: { op: "container.start", container: old.id, name: old.name, service: d.resource },
  } as const;
  if (d.rolling?.order !== "start-first") {
    if (running) chain.push(stopOld);
    chain.push({ op: startNew, milestone: "recreated" });
  } else {
    chain.push({ op: startNew });
    // Without a healthcheck, "ready" is running for the update's monitor time (Swarm's default: 5 s).
    const stableMs = (durationNs(desired.services[d.resource].resolved.deploy?.updateConfig?.monitor) ?? 5e9) / 1e6;
    chain.push({ op: { op: "wait.containers", service: d.resource, containers: [d.engineName], condition: "ready", stableMs }, milestone: "recreated" });
    // Out of DNS first, then the stop: a request resolved from now on reaches the new container only.
    if (running) for (const net of old.networks) chain.push({ op: { op: "network.disconnect", network: net, container: old.id } });
    if (running) chain.push({ op: stopOld.op });
  }
  chain.push({ op: { op: "container.remove", container: old.id } });
  return chain;
}

/** An interrupted recreate whose old container is still what the stack wants: it gets its name back, and runs. */
function renameBackChain(d: Draft, parked: ObservedContainer): Chain {
  const chain = prelude(d);
  chain.push({ op: { op: "container.rename", container: parked.id, to: d.engineName }, ...(parked.state === "running" ? { milestone: "started" } : {}) });
  if (parked.state !== "running")
    chain.push({ op: { op: "container.start", container: parked.id, name: d.engineName, service: d.resource }, milestone: "started" });
  return chain;
}

function serviceChain(desired: DesiredState | undefined, d: Draft): Chain {
  const c = d.container;
  const timeoutSeconds = d.stopTimeoutSeconds ?? 10;
  switch (d.verb) {
    case "create": {
      const chain = makeContainer(required(desired), d, 1);
      return [...chain, { op: { op: "container.start", container: { output: `${d.id}/1` }, name: d.engineName, service: d.resource }, milestone: "created" }];
    }
    case "recreate":
      return recreateChain(required(desired), d);
    case "start": {
      const old = required(c);
      if (d.parked) return renameBackChain(d, d.parked);
      return [
        {
          op: { op: "container.start", container: old.id, name: old.name, service: d.resource, ...(old.state === "paused" ? { unpause: true } : {}) },
          milestone: "started",
        },
      ];
    }
    case "restart":
      return [{ op: { op: "container.restart", container: required(c).id, timeoutSeconds }, milestone: "restarted" }];
    case "remove":
      return [
        { op: { op: "container.stop", container: required(c).id, timeoutSeconds } },
        { op: { op: "container.remove", container: required(c).id }, milestone: "removed" },
      ];
    case "wait":
      return [
        { op: { op: "wait.containers", service: d.resource, containers: d.waitFor ?? [], condition: d.condition ?? "service_healthy" }, milestone: "ready" },
      ];
    default:
      throw new Error(`internal: no compose steps for ${d.verb} ${d.id}`);
  }
}

function chainOf(desired: DesiredState | undefined, d: Draft): Chain {
  if (d.kind === "service") return serviceChain(desired, d);
  if (d.kind === "network") {
    if (d.verb === "remove") return [{ op: { op: "network.remove", network: d.networkId ?? d.engineName, name: d.engineName }, milestone: "removed" }];
    return [{ op: { op: "network.create", body: networkBody(required(desired), d.resource) }, milestone: "created" }];
  }
  if (d.verb === "remove") return [{ op: { op: "volume.remove", name: d.engineName }, milestone: "removed" }];
  return [{ op: { op: "volume.create", body: volumeBody(required(desired), d.resource) }, milestone: "created" }];
}

function required<T>(x: T | undefined): T {
  if (x === undefined) throw new Error("internal: the plan needs the stack (or an observed container) for this action");
  return x;
}

/** The public action (the draft without what only its steps needed). */
function actionOf(d: Draft): Action {
  const { container: _c, networkId: _n, waitFor: _w, parked: _p, successor: _s, delayMs: _d, ...action } = d;
  return action;
}

/** Every draft's steps, chained, and linked to the steps of the actions it comes after. */
export function expandActions(drafts: readonly Draft[], desired: DesiredState | undefined): { actions: Action[]; steps: Step[] } {
  return { actions: drafts.map(actionOf), steps: expandChains(drafts, (d) => chainOf(desired, d as Draft)) };
}
