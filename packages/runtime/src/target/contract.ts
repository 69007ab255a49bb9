/**
 * The contract every target implements (compose on one engine, Docker Swarm): one loop,
 * several engines. `converge()` drives it for every target, so dry-run, confirmation, the
 * lock, re-planning under the lock, progress and the outcome behave the same everywhere.
 *
 *   resolve(stack) → desired      the stack as this target deploys it (may build images)
 *   observe(engine) → observed    one snapshot of what the engine runs for the project
 *   plan(desired, observed)       pure: the actions and steps that converge them
 *   format(plan)                  the preview (shared renderer, see format.ts)
 *   execute(plan)                 the shared executor with the target's operations
 */
import type { Graph } from "@berth/dsl";
import type { Prepared } from "../deploy";
import type { ImageProgress } from "../compose/images";
import type { Engine } from "../engine/types";
import type { OpHandlers } from "./execute";
import type { Hidden } from "./hidden";
import type { Plan, TargetName } from "./types";

export interface ResolveContext {
  readonly engine: Engine;
  /** Build or pull what is missing (apply), or only look at what is there (diff, dry run). */
  readonly fetchImages: boolean;
  /** Build every built service, even when its image exists. */
  readonly build?: boolean;
  /** Override every service's pull policy. */
  readonly pull?: "always" | "missing" | "never";
  readonly onImage?: (p: ImageProgress) => void;
}

export interface TargetPlanOptions {
  /** Recreate every container even when nothing changed (compose). */
  readonly forceRecreate?: boolean;
  /** Remove volumes the stack no longer declares (apply), or every volume of the project (destroy). */
  readonly volumes?: boolean;
  /** Only these services (compose). */
  readonly services?: readonly string[];
}

/** Everything a saved plan's fingerprint query holds: what observe looks up besides the project's own objects. */
export type ObserveQuery = Readonly<Record<string, readonly string[]>>;

export interface Target<D = unknown, O = unknown> {
  readonly name: TargetName;
  /** The stack as this target deploys it. */
  resolve(stack: Prepared, ctx: ResolveContext): Promise<D>;
  /** What observe must look up for this stack besides the project's own objects (foreign names, images). */
  query(desired: D): ObserveQuery;
  /** One snapshot of the project on the engine. */
  observe(engine: Engine, project: string, query: ObserveQuery | undefined): Promise<O>;
  /** Pure: the plan that takes `observed` to `desired`. */
  plan(desired: D, observed: O, options: TargetPlanOptions): Plan;
  /** Pure: the plan that removes everything the project owns (volumes only when asked). */
  planDestroy(observed: O, options: TargetPlanOptions): Plan;
  /** What a plan depends on in `observed`, one digest per object (see {@link Plan.fingerprint}). */
  fingerprintOf(observed: O): Record<string, string>;
  /** The sensitive values a plan of this stack may hold, by reference: a saved plan gets its values back from them. */
  hidden(desired: D): Map<string, Hidden>;
  /** The target's operations, for the executor. */
  readonly ops: OpHandlers;
  /** Before a saved plan runs: what it needs that is not there yet (images). */
  prepareSaved?(engine: Engine, plan: Plan, onImage?: (p: ImageProgress) => void): Promise<void>;
}

/** The target of a command: the one asked for, else the stack's own default, else compose. */
export function targetName(asked: TargetName | undefined, graph: Pick<Graph, "target"> | undefined): TargetName {
  return asked ?? graph?.target ?? "compose";
}
