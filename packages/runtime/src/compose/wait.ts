/**
 * `dsl apply --wait` (compose's `up --wait`): after the plan has run, wait until every service's
 * containers are ready: healthy when they have a healthcheck, else running. The waits are plan
 * steps run by the shared executor, so they report progress and time out like a dependency's.
 */
import type { Engine } from "../engine/types";
import type { DesiredState } from "../desired/resolve";
import { containerName } from "../internal/names";
import { execute, type ProgressEvent } from "../target/execute";
import { PLAN_FORMAT, type Action, type Plan, type Step } from "../target/types";
import { composeOps } from "./ops";
import { jobServices } from "./plan-service";

export interface WaitOptions {
  /** Give up after this long. Default 300 s. */
  readonly timeoutMs?: number;
  readonly onProgress?: (e: ProgressEvent) => void;
  readonly signal?: AbortSignal;
}

/** The plan that waits for every service of `desired` with containers (one-shot jobs: until they completed successfully). */
export function waitPlan(desired: DesiredState, endpoint: string, jobs: ReadonlySet<string> = new Set()): Plan {
  const services = Object.values(desired.services).filter((s) => s.replicas > 0);
  const actions: Action[] = services.map((s) => ({
    id: `wait:${s.name}`,
    verb: "wait",
    kind: "service",
    resource: s.name,
    engineName: s.name,
    cause: jobs.has(s.name) ? "completed successfully" : "ready",
    after: [],
  }));
  const steps: Step[] = services.map((s) => ({
    op: "wait.containers",
    service: s.name,
    containers: Array.from({ length: s.replicas }, (_, i) => containerName(desired.project, s.name, i + 1, s.resolved.containerName)),
    condition: jobs.has(s.name) ? "service_completed_successfully" : "ready",
    id: `wait:${s.name}/1`,
    action: `wait:${s.name}`,
    after: [],
  }));
  return {
    format: PLAN_FORMAT,
    target: "compose",
    mode: "apply",
    project: desired.project,
    endpoint,
    actions,
    steps,
    blockers: [],
    warnings: [],
    keptVolumes: [],
    fingerprint: { objects: {}, query: {} },
  };
}

/** Resolves once every service of `desired` is ready; rejects naming the services that failed or timed out. */
export async function waitForServices(engine: Engine, desired: DesiredState, options: WaitOptions = {}): Promise<void> {
  await execute(waitPlan(desired, engine.endpoint, jobServices(desired)), {
    engine,
    ops: composeOps,
    waitTimeoutMs: options.timeoutMs,
    onProgress: options.onProgress,
    signal: options.signal,
  });
}
