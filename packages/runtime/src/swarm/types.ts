/**
 * A Swarm plan is data, like the compose plan: steps with their cause and the steps they wait
 * for. One `formatSwarmPlan()` renders it for the preview, `--json` and golden tests; the
 * executor walks it without making decisions. No step ever holds a secret's content.
 */
import type { FieldChange } from "../desired/spec";
import type { NetworkSummary, SwarmFileObject, SwarmInfo, SwarmService } from "../engine/types";

export type SwarmKind = "network" | "secret" | "config" | "service";

/** How Swarm will roll a service update out. */
export interface RollingUpdate {
  /** Tasks replaced (replicas; for global services, the tasks running now). */
  readonly tasks: number;
  readonly parallelism: number;
  readonly order: "stop-first" | "start-first";
  readonly failureAction: "pause" | "continue" | "rollback";
  /** Nanoseconds between batches. */
  readonly delay?: number;
}

export interface SwarmStep {
  /** `service:web`, `network:default`, `secret:db_password:<engine name>`. */
  readonly id: string;
  readonly op: "create" | "update" | "remove";
  readonly kind: SwarmKind;
  /** Logical name as in the stack. */
  readonly resource: string;
  /** Engine name: `blog_web`, `blog_default`, `blog_db_password_1a2b3c4d`. */
  readonly engineName: string;
  readonly existingId?: string;
  /** For updates: the service version the plan was made from (the update names it). */
  readonly version?: number;
  readonly cause: string;
  /** For service creates: the image. */
  readonly image?: string;
  /** For service creates and updates: replicas wanted (absent for global services). */
  readonly replicas?: number;
  /** For service updates: every changed field (sensitive values shown as `(sensitive)`). */
  readonly changes?: readonly FieldChange[];
  /** For service updates that replace tasks. */
  readonly rolling?: RollingUpdate;
  readonly after: readonly string[];
}

export interface SwarmPlan {
  readonly stack: string;
  readonly endpoint: string;
  readonly steps: readonly SwarmStep[];
  /** Problems that stop the plan from being applied. */
  readonly blockers: readonly string[];
  /** Options Swarm ignores, each with its source line. */
  readonly warnings: readonly string[];
}

/** One snapshot of the engine, as far as one stack is concerned. */
export interface SwarmObserved {
  readonly stack: string;
  readonly endpoint: string;
  /** Undefined when the engine is not a swarm manager. */
  readonly swarm?: SwarmInfo;
  /** Services labelled with the stack (`com.docker.stack.namespace`). */
  readonly services: readonly SwarmService[];
  /** Names of every other service: a name Berth wants that is taken by one of them is a clash. */
  readonly foreignServices: readonly string[];
  /** Every network of the engine (external ones are looked up by name, ids are mapped back to names). */
  readonly networks: readonly NetworkSummary[];
  readonly secrets: readonly SwarmFileObject[];
  readonly configs: readonly SwarmFileObject[];
}
