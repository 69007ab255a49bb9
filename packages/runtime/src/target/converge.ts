/**
 * `converge()`: the one driver of every apply and destroy, for every target.
 *
 *   resolve → observe → plan → preview → (dry run | confirm) → lock → observe → plan again
 *   → (same plan? execute : refuse or show the new one) → unlock
 *
 * A plan that changed between the preview and the lock (someone else acted in between) is
 * refused when a person confirmed the first one; with no confirmation asked (`--yes`), the new
 * plan is shown and applied, since nobody approved the old one in particular.
 */
import { BerthError } from "@berth/dsl";
import type { Prepared } from "../deploy";
import type { ImageProgress } from "../compose/images";
import type { Engine } from "../engine/types";
import { stableJson } from "../internal/sort";
import type { Target, TargetPlanOptions } from "./contract";
import { execute, type Clock, type ProgressEvent } from "./execute";
import { isEmptyPlan } from "./format";
import { acquireLock, clearStaleLocks, lockPort } from "./lock";
import type { Plan } from "./types";

/** A plan cannot be applied: the message lists every blocker. */
export class PlanBlockedError extends BerthError {
  constructor(readonly plan: Plan) {
    super(`cannot apply${plan.target === "swarm" ? " to the swarm" : ""}:\n${plan.blockers.map((b) => `  ${b.message}`).join("\n")}`);
  }
}

/** The engine changed between the confirmed preview and the lock: nothing was done. */
export class PlanChangedError extends BerthError {
  constructor(readonly plan: Plan) {
    super(
      `the ${plan.target === "swarm" ? "stack" : "project"} changed on the engine while the plan was being confirmed; nothing was done: run the command again to see the new plan`,
    );
  }
}

export interface ConvergeOptions extends TargetPlanOptions {
  /** Called with the plan before anything changes; resolve false to stop. Not called for an empty plan. */
  readonly confirm?: (plan: Plan) => Promise<boolean>;
  /** Called with the plan to show (also for an empty plan), and again with `replanned` when the plan changed under the lock. */
  readonly onPlan?: (plan: Plan, why: "preview" | "replanned") => unknown;
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly onImage?: (p: ImageProgress) => void;
  /** Stop after the preview. */
  readonly dryRun?: boolean;
  /** Build every built service even when its image exists. */
  readonly build?: boolean;
  /** Override every service's pull policy. */
  readonly pull?: "always" | "missing" | "never";
  readonly parallel?: number;
  readonly lockTimeoutMs?: number;
  readonly waitTimeoutMs?: number;
  /** How often waits look again (ms). @default each wait's own */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Who holds the lock, for whoever waits for it. @default "dsl apply" / "dsl destroy" */
  readonly purpose?: string;
}

export interface ConvergeOutcome {
  readonly plan: Plan;
  /** "no-changes": nothing to do (no mutating call was made); "declined": the user said no; "dry-run"; "applied". */
  readonly result: "no-changes" | "declined" | "dry-run" | "applied";
}

/** The executor's options among the converge options. */
export function executeOptions(o: ConvergeOptions) {
  return { parallel: o.parallel, onProgress: o.onProgress, waitTimeoutMs: o.waitTimeoutMs, pollMs: o.pollMs, signal: o.signal, clock: o.clock };
}

/** The steps of a plan, as one comparable text: two plans with the same text do the same engine calls. */
export function planKey(plan: Plan): string {
  return stableJson(plan.steps.map((s) => ({ ...s, after: [...s.after].sort() })));
}

/** Runs `fn` holding the project's lock. */
export async function withLock<T>(
  engine: Engine,
  project: string,
  options: { timeoutMs?: number; purpose: string; clock?: Clock },
  fn: () => Promise<T>,
): Promise<T> {
  const lock = await acquireLock(lockPort(engine), project, { timeoutMs: options.timeoutMs, purpose: options.purpose, clock: options.clock });
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** What converge works on: the project, and for an apply the stack (a destroy needs only the project's name). */
export type ConvergeInput = { readonly mode: "apply"; readonly stack: Prepared } | { readonly mode: "destroy"; readonly project: string };

export async function converge<D, O>(engine: Engine, target: Target<D, O>, input: ConvergeInput, options: ConvergeOptions = {}): Promise<ConvergeOutcome> {
  const mode = input.mode;
  const project = input.mode === "apply" ? input.stack.desired.project : input.project;
  const ctx = { engine, fetchImages: !options.dryRun, build: options.build, pull: options.pull, onImage: options.onImage };
  const desired = input.mode === "apply" ? await target.resolve(input.stack, ctx) : undefined;
  const query = desired !== undefined ? target.query(desired) : undefined;
  const makePlan = async () => {
    const observed = await target.observe(engine, project, query);
    return desired !== undefined ? target.plan(desired, observed, options) : target.planDestroy(observed, options);
  };
  const first = await makePlan();
  await options.onPlan?.(first, "preview");
  if (first.blockers.length) throw new PlanBlockedError(first);
  if (isEmptyPlan(first)) {
    // A killed apply whose work was done leaves only its lock: the next command, even one with nothing to do, removes it.
    if (!options.dryRun) await clearStaleLocks(lockPort(engine), project);
    return { plan: first, result: "no-changes" };
  }
  if (options.dryRun) return { plan: first, result: "dry-run" };
  if (options.confirm && !(await options.confirm(first))) return { plan: first, result: "declined" };
  const purpose = options.purpose ?? `dsl ${mode}${target.name === "swarm" ? " (swarm)" : ""}`;
  return withLock(engine, project, { timeoutMs: options.lockTimeoutMs, purpose, clock: options.clock }, async () => {
    const current = await makePlan();
    // Whoever held the lock may have done the work already (e.g. a concurrent apply of the same stack).
    if (isEmptyPlan(current)) return { plan: current, result: "no-changes" };
    if (planKey(first) !== planKey(current)) {
      if (options.confirm) throw new PlanChangedError(current);
      await options.onPlan?.(current, "replanned");
      if (current.blockers.length) throw new PlanBlockedError(current);
    }
    await execute(current, { ...executeOptions(options), engine, ops: target.ops });
    return { plan: current, result: "applied" };
  });
}
