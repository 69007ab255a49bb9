/**
 * The executor: walks a plan's dependency graph with bounded parallelism and performs each
 * step. It makes no decisions (the plan made them); it only reports progress, rolls back a
 * failed recreate, and stops starting new steps after the first failure.
 */
import { BerthError } from "@berth/dsl";
import type { DesiredState } from "../desired/resolve";
import type { Plan, PlanStep } from "../plan/types";
import { runStep } from "./steps";
import type { ApplyEngine } from "./ports";

export type StepStatus = "started" | "done" | "failed" | "skipped";

export interface ProgressEvent {
  readonly step: PlanStep;
  readonly status: StepStatus;
  /** For `failed`: the reason; for `done`: optional detail. */
  readonly message?: string;
  readonly elapsedMs?: number;
}

export interface ExecuteOptions {
  readonly engine: ApplyEngine;
  readonly desired: DesiredState;
  /** At most this many steps at once. Default 8 (best on 2 cores: the engine is the bottleneck). */
  readonly parallel?: number;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Give up waiting for healthy / completed after this long. Default 300 s. */
  readonly waitTimeoutMs?: number;
  readonly stackFile?: string;
  readonly toolVersion?: string;
  /** Aborting stops scheduling new steps (running ones finish). */
  readonly signal?: AbortSignal;
  readonly clock?: { now(): number; sleep(ms: number): Promise<void> };
}

export interface StepFailure {
  readonly step: PlanStep;
  readonly message: string;
}

/** A step failed: the message lists each failure (service, container, reason) and what was left undone. */
export class ApplyError extends BerthError {
  constructor(
    readonly failures: readonly StepFailure[],
    readonly skipped: readonly PlanStep[],
  ) {
    const lines = failures.map((f) => `  ${f.step.kind} "${f.step.resource}" (${f.step.engineName}): ${f.message}`);
    const tail = skipped.length ? `\n  not done: ${skipped.map((s) => s.id).join(", ")}` : "";
    super(`apply failed:\n${lines.join("\n")}${tail}`);
  }
}

export const realClock = { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

export async function execute(plan: Plan, options: ExecuteOptions): Promise<void> {
  const limit = Math.max(1, options.parallel ?? 8);
  const clock = options.clock ?? realClock;
  const pending = new Map(plan.steps.map((s) => [s.id, s]));
  const inPlan = new Set(pending.keys());
  const done = new Set<string>();
  const failures: StepFailure[] = [];
  const running = new Map<string, Promise<void>>();
  const emit = (e: ProgressEvent) => options.onProgress?.(e);
  const stopped = () => failures.length > 0 || options.signal?.aborted === true;

  const launch = (step: PlanStep) => {
    pending.delete(step.id);
    const started = clock.now();
    emit({ step, status: "started" });
    const p = runStep(step, { ...options, clock })
      .then((detail) => {
        done.add(step.id);
        emit({ step, status: "done", message: detail, elapsedMs: clock.now() - started });
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        failures.push({ step, message });
        emit({ step, status: "failed", message, elapsedMs: clock.now() - started });
      })
      .finally(() => running.delete(step.id));
    running.set(step.id, p);
  };

  while (pending.size || running.size) {
    if (!stopped()) {
      for (const step of pending.values()) {
        if (running.size >= limit) break;
        // An `after` that is not part of this plan is already satisfied.
        if (step.after.every((a) => done.has(a) || !inPlan.has(a))) launch(step);
      }
    }
    if (running.size === 0) break; // nothing runnable: failure, abort, or a cycle (validation forbids those)
    await Promise.race(running.values());
  }
  const skipped = [...pending.values()];
  for (const step of skipped) emit({ step, status: "skipped" });
  if (failures.length) throw new ApplyError(failures, skipped);
  if (skipped.length) throw new ApplyError([{ step: skipped[0], message: options.signal?.aborted ? "interrupted" : "never became runnable" }], skipped);
}
