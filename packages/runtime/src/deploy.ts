/**
 * The library face of `dsl diff / apply / destroy`: each is observe → pure plan → (confirm)
 * → execute. The CLI only renders and asks; everything a library user needs is here.
 */
import { BerthError } from "@berth/dsl";
import type { Graph } from "@berth/dsl";
import { applyPort } from "./apply/adapter";
import { execute, type ProgressEvent } from "./apply/executor";
import { ensureImages, type EnsureImagesOptions, type ImageProgress } from "./apply/images";
import { acquireLock } from "./apply/lock";
import { resolveDesired, type DesiredState } from "./desired/resolve";
import type { Engine } from "./engine/types";
import { load, type LoadResult } from "./load";
import { observe } from "./observe";
import type { Observed } from "./observed";
import { isEmptyPlan, plan, type PlanOptions } from "./plan";
import type { Plan, PlanStep } from "./plan/types";

export interface Prepared {
  readonly graph: Graph;
  readonly desired: DesiredState;
  /** Absolute path of the stack file. */
  readonly file: string;
}

export interface PrepareOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly profiles?: readonly string[];
  /** Override the project name (`-p`). */
  readonly project?: string;
  /** The stack, when the caller has loaded it already (saves running it twice). */
  readonly loaded?: LoadResult;
}

/** load + resolve: the stack as this machine will deploy it. */
export async function prepare(file: string, opts: PrepareOptions = {}): Promise<Prepared> {
  const loaded = opts.loaded ?? (await load(file, { cwd: opts.cwd }));
  const graph = opts.project ? { ...loaded.graph, project: opts.project } : loaded.graph;
  return { graph, file: loaded.file, desired: resolveDesired(graph, { dir: loaded.dir, env: opts.env, profiles: opts.profiles }) };
}

/** A plan cannot be applied: the message lists every blocker. */
export class PlanBlockedError extends BerthError {
  constructor(readonly plan: Plan) {
    super(`cannot apply:\n${plan.blockers.map((b) => `  ${b.message}`).join("\n")}`);
  }
}

/** The engine changed between the confirmed preview and the lock: nothing was done. */
export class PlanChangedError extends BerthError {
  constructor(readonly plan: Plan) {
    super("the project changed on the engine while the plan was being confirmed; nothing was done: run the command again to see the new plan");
  }
}

export async function diff(engine: Engine, prepared: Prepared, options: PlanOptions = {}): Promise<{ plan: Plan; observed: Observed }> {
  const observed = await observe(engine, prepared.desired.project, prepared.graph);
  return { plan: plan(prepared.desired, observed, options), observed };
}

export interface ApplyOptions extends PlanOptions, EnsureImagesOptions {
  /** Called with the plan before anything changes; resolve false to stop. Not called for an empty plan. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  /** Called once with the plan to show (also for an empty plan). */
  readonly onPlan?: (plan: Plan) => void;
  readonly onStep?: (e: ProgressEvent) => void;
  readonly onImage?: (p: ImageProgress) => void;
  /** Stop after the preview. */
  readonly dryRun?: boolean;
  readonly parallel?: number;
  readonly lockTimeoutMs?: number;
  readonly waitTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly toolVersion?: string;
}

export interface ApplyOutcome {
  readonly plan: Plan;
  /** "no-changes": nothing to do (no mutating call was made); "declined": the user said no; "dry-run"; "applied". */
  readonly result: "no-changes" | "declined" | "dry-run" | "applied";
}

function sameSteps(a: Plan, b: Plan): boolean {
  const key = (s: PlanStep) => `${s.op} ${s.id} ${s.existingId ?? ""}`;
  return JSON.stringify(a.steps.map(key).sort()) === JSON.stringify(b.steps.map(key).sort());
}

export async function apply(engine: Engine, prepared: Prepared, options: ApplyOptions = {}): Promise<ApplyOutcome> {
  if (!options.dryRun) await ensureImages(engine, prepared.desired, { ...options, onProgress: options.onImage });
  const first = (await diff(engine, prepared, options)).plan;
  options.onPlan?.(first);
  if (first.blockers.length) throw new PlanBlockedError(first);
  if (isEmptyPlan(first)) return { plan: first, result: "no-changes" };
  if (options.dryRun) return { plan: first, result: "dry-run" };
  if (options.confirm && !(await options.confirm(first))) return { plan: first, result: "declined" };
  const port = applyPort(engine);
  const lock = await acquireLock(port, prepared.desired.project, { timeoutMs: options.lockTimeoutMs });
  try {
    const current = (await diff(engine, prepared, options)).plan;
    // Whoever held the lock may have done the work already (e.g. a concurrent apply of the same stack).
    if (isEmptyPlan(current)) return { plan: current, result: "no-changes" };
    if (!sameSteps(first, current)) throw new PlanChangedError(current);
    await execute(current, {
      engine: port,
      desired: prepared.desired,
      parallel: options.parallel,
      onProgress: options.onStep,
      waitTimeoutMs: options.waitTimeoutMs,
      stackFile: prepared.file,
      toolVersion: options.toolVersion,
      signal: options.signal,
    });
    return { plan: current, result: "applied" };
  } finally {
    await lock.release();
  }
}

export interface DestroyOptions extends Omit<ApplyOptions, keyof PlanOptions | "build" | "pull" | "onImage"> {
  /** Also remove the project's named volumes (user data). */
  readonly volumes?: boolean;
}

/** Everything the project owns on the engine (by label), one-off containers included; volumes only with `volumes`. */
export function planDestroy(observed: Observed, volumes: boolean): Plan {
  const containerSteps: PlanStep[] = observed.containers.map((c) => ({
    id: `service:${c.service}:${c.number}:${c.id.slice(0, 12)}`,
    op: "remove",
    kind: "service",
    resource: c.service,
    number: c.number,
    engineName: c.name,
    existingId: c.id,
    cause: "destroy",
    after: [],
  }));
  const after = containerSteps.map((s) => s.id);
  const networkSteps: PlanStep[] = observed.networks.map((n) => ({
    id: `network:${n.logicalName}`,
    op: "remove",
    kind: "network",
    resource: n.logicalName,
    engineName: n.name,
    existingId: n.id,
    cause: "destroy",
    after,
  }));
  const volumeSteps: PlanStep[] = volumes
    ? observed.volumes.map((v) => ({
        id: `volume:${v.logicalName}`,
        op: "remove",
        kind: "volume",
        resource: v.logicalName,
        engineName: v.name,
        cause: "destroy (--volumes)",
        after,
      }))
    : [];
  return {
    project: observed.project,
    endpoint: observed.endpoint,
    steps: [...containerSteps, ...networkSteps, ...volumeSteps],
    keptVolumes: volumes ? [] : observed.volumes.map((v) => v.name),
    blockers: [],
  };
}

export async function destroy(engine: Engine, prepared: Prepared, options: DestroyOptions = {}): Promise<ApplyOutcome> {
  const project = prepared.desired.project;
  const first = planDestroy(await observe(engine, project), options.volumes === true);
  options.onPlan?.(first);
  if (isEmptyPlan(first)) return { plan: first, result: "no-changes" };
  if (options.dryRun) return { plan: first, result: "dry-run" };
  if (options.confirm && !(await options.confirm(first))) return { plan: first, result: "declined" };
  const port = applyPort(engine);
  const lock = await acquireLock(port, project, { timeoutMs: options.lockTimeoutMs, purpose: "dsl destroy" });
  try {
    const current = planDestroy(await observe(engine, project), options.volumes === true);
    await execute(current, { engine: port, desired: prepared.desired, parallel: options.parallel, onProgress: options.onStep, signal: options.signal });
    return { plan: current, result: "applied" };
  } finally {
    await lock.release();
  }
}
