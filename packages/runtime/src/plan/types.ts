/**
 * A plan is data: the steps that take the engine from what it runs to what the stack says,
 * each with its cause and the steps it must wait for. One `formatPlan()` renders it for the
 * preview, `--json` and golden tests; the executor walks it without making decisions.
 */
import type { FieldChange } from "../desired/spec";

export type ResourceKind = "service" | "network" | "volume";

export type StepOp =
  /** Make a missing container / network / volume. */
  | "create"
  /** Replace a container whose spec or image changed (rename old → create → stop old → start new → remove old). */
  | "recreate"
  /** Start a container that exists but is not running (or unpause a paused one). */
  | "start"
  /** Restart a running container whose dependency is recreated (`dependsOn: { restart: true }`). */
  | "restart"
  /** Stop a running container (day-2 `stop`). */
  | "stop"
  /** Remove a container / network / volume. */
  | "remove"
  /** Wait for a service's containers to be healthy / to have completed: not a change. */
  | "wait";

export interface PlanStep {
  /** Unique, stable: `service:web:1`, `network:default`, `volume:pgdata`, `wait:db`. */
  readonly id: string;
  readonly op: StepOp;
  readonly kind: ResourceKind;
  /** Logical name: the service, network or volume name as in the stack. */
  readonly resource: string;
  /** Container number, for container steps. */
  readonly number?: number;
  /** Engine name: `blog-web-1`, `blog_default`, `blog_pgdata`. */
  readonly engineName: string;
  /** For service steps: the image the container runs. */
  readonly image?: string;
  /** Id of the existing container / network this step acts on. */
  readonly existingId?: string;
  /** Why, in a few words: `image nginx:1.25 → nginx:1.27`, `container is exited`, `no longer in stack.ts`. */
  readonly cause: string;
  /** For recreate: every changed field (sensitive values shown as `(sensitive)`). */
  readonly changes?: readonly FieldChange[];
  /** Ids of the steps that must finish first. */
  readonly after: readonly string[];
  /** For wait steps. */
  readonly condition?: "service_healthy" | "service_completed_successfully";
  /** For container steps that stop a container: its stop timeout, and whether PID 1 may ignore SIGTERM (no init). */
  readonly stopTimeoutSeconds?: number;
  readonly mayWaitForStop?: boolean;
}

/** Something that stops the plan from being applied: the message names the object and what to do. */
export interface Blocker {
  readonly message: string;
  readonly resource: string;
}

export interface Plan {
  readonly project: string;
  readonly endpoint: string;
  readonly steps: readonly PlanStep[];
  /** Volumes of the project kept although nothing uses them (removed only with `--volumes`). */
  readonly keptVolumes: readonly string[];
  readonly blockers: readonly Blocker[];
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}
