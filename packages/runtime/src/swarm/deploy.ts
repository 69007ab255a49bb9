/**
 * The library face of `dsl diff / apply / destroy / ps --target swarm`: observe → pure plan →
 * (confirm) → execute, as for compose. The CLI only renders and asks.
 */
import { BerthError } from "@berth/dsl";
import type { Prepared } from "../deploy";
import { acquireLock } from "../apply/lock";
import { applyPort } from "../apply/adapter";
import type { ImageProgress } from "../apply/images";
import type { Engine } from "../engine/types";
import { executeSwarm, type SwarmProgressEvent } from "./apply";
import { resolveSwarm, type SwarmDesired } from "./desired";
import { swarmImages } from "./images";
import { StackLabels } from "./names";
import { observeSwarm } from "./observe";
import { isEmptySwarmPlan, planSwarm } from "./plan";
import type { SwarmObserved, SwarmPlan, SwarmStep } from "./types";

/** A plan cannot be applied: the message lists every blocker. */
export class SwarmPlanBlockedError extends BerthError {
  constructor(readonly plan: SwarmPlan) {
    super(`cannot apply to the swarm:\n${plan.blockers.map((b) => `  ${b}`).join("\n")}`);
  }
}

export interface SwarmDiffOptions {
  readonly readFile?: (file: string) => Buffer;
}

/** What `apply --target swarm` would do; built images are not built (an existing local image stands in). */
export async function diffSwarm(
  engine: Engine,
  prepared: Prepared,
  opts: SwarmDiffOptions & { images?: Record<string, string> } = {},
): Promise<{ plan: SwarmPlan; desired: SwarmDesired; observed: SwarmObserved }> {
  const images = opts.images ?? (await swarmImages(engine, prepared.desired, { build: false }));
  const desired = resolveSwarm(prepared.graph, prepared.desired, { images, readFile: opts.readFile });
  const observed = await observeSwarm(engine, desired.stack);
  return { plan: planSwarm(desired, observed), desired, observed };
}

export interface SwarmApplyOptions extends SwarmDiffOptions {
  readonly confirm?: (plan: SwarmPlan) => Promise<boolean>;
  readonly onPlan?: (plan: SwarmPlan) => void;
  readonly onStep?: (e: SwarmProgressEvent) => void;
  readonly onImage?: (p: ImageProgress) => void;
  readonly dryRun?: boolean;
  readonly waitTimeoutMs?: number;
  readonly lockTimeoutMs?: number;
  readonly pollMs?: number;
}

export interface SwarmApplyOutcome {
  readonly plan: SwarmPlan;
  readonly result: "no-changes" | "declined" | "dry-run" | "applied";
}

function sameSteps(a: SwarmPlan, b: SwarmPlan): boolean {
  const key = (s: SwarmStep) => `${s.op} ${s.id} ${s.version ?? ""}`;
  return JSON.stringify(a.steps.map(key).sort()) === JSON.stringify(b.steps.map(key).sort());
}

async function locked<T>(engine: Engine, stack: string, purpose: string, timeoutMs: number | undefined, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(applyPort(engine), stack, { timeoutMs, purpose });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Builds built services (content tags), plans, confirms, executes, waits for convergence. */
export async function applySwarm(engine: Engine, prepared: Prepared, options: SwarmApplyOptions = {}): Promise<SwarmApplyOutcome> {
  const images = await swarmImages(engine, prepared.desired, { build: !options.dryRun, onProgress: options.onImage });
  const first = (await diffSwarm(engine, prepared, { ...options, images })).plan;
  options.onPlan?.(first);
  if (first.blockers.length) throw new SwarmPlanBlockedError(first);
  if (isEmptySwarmPlan(first)) return { plan: first, result: "no-changes" };
  if (options.dryRun) return { plan: first, result: "dry-run" };
  if (options.confirm && !(await options.confirm(first))) return { plan: first, result: "declined" };
  return locked(engine, prepared.graph.project, "dsl apply --target swarm", options.lockTimeoutMs, async () => {
    const { plan, desired } = await diffSwarm(engine, prepared, { ...options, images });
    if (!sameSteps(first, plan))
      throw new BerthError("the stack changed on the swarm while the plan was being confirmed; nothing was done: run the command again to see the new plan");
    await executeSwarm(plan, { engine, desired, onProgress: options.onStep, waitTimeoutMs: options.waitTimeoutMs, pollMs: options.pollMs });
    return { plan, result: "applied" as const };
  });
}

/** Everything labelled with the stack: services, then networks, secrets and configs (as `docker stack rm`). */
export function planSwarmDestroy(observed: SwarmObserved): SwarmPlan {
  const stack = observed.stack;
  const logical = (name: string) => (name.startsWith(`${stack}_`) ? name.slice(stack.length + 1) : name);
  const services: SwarmStep[] = observed.services.map((s) => ({
    id: `service:${logical(s.name)}`,
    op: "remove",
    kind: "service",
    resource: logical(s.name),
    engineName: s.name,
    existingId: s.id,
    cause: "destroy",
    after: [],
  }));
  const after = services.map((s) => s.id);
  const owned = <T extends { name: string; labels: Readonly<Record<string, string>> }>(xs: readonly T[]) =>
    xs.filter((x) => x.labels[StackLabels.namespace] === stack);
  const rest: SwarmStep[] = [
    ...owned(observed.networks).map((n) => ({
      id: `network:${logical(n.name)}`,
      op: "remove" as const,
      kind: "network" as const,
      resource: logical(n.name),
      engineName: n.name,
      existingId: n.id,
      cause: "destroy",
      after,
    })),
    ...owned(observed.secrets).map((x) => ({
      id: `secret:${x.name}`,
      op: "remove" as const,
      kind: "secret" as const,
      resource: x.labels[StackLabels.logical] ?? logical(x.name),
      engineName: x.name,
      existingId: x.id,
      cause: "destroy",
      after,
    })),
    ...owned(observed.configs).map((x) => ({
      id: `config:${x.name}`,
      op: "remove" as const,
      kind: "config" as const,
      resource: x.labels[StackLabels.logical] ?? logical(x.name),
      engineName: x.name,
      existingId: x.id,
      cause: "destroy",
      after,
    })),
  ];
  return { stack, endpoint: observed.endpoint, steps: [...services, ...rest], blockers: [], warnings: [] };
}

export async function destroySwarm(engine: Engine, stack: string, options: Omit<SwarmApplyOptions, "onImage"> = {}): Promise<SwarmApplyOutcome> {
  const first = planSwarmDestroy(await observeSwarm(engine, stack));
  options.onPlan?.(first);
  if (isEmptySwarmPlan(first)) return { plan: first, result: "no-changes" };
  if (options.dryRun) return { plan: first, result: "dry-run" };
  if (options.confirm && !(await options.confirm(first))) return { plan: first, result: "declined" };
  return locked(engine, stack, "dsl destroy --target swarm", options.lockTimeoutMs, async () => {
    const plan = planSwarmDestroy(await observeSwarm(engine, stack));
    const empty: SwarmDesired = { stack, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {}, diagnostics: [] };
    await executeSwarm(plan, { engine, desired: empty, onProgress: options.onStep });
    return { plan, result: "applied" as const };
  });
}
