/**
 * One plan model for every target (compose on one engine, Swarm).
 *
 * A plan is self-contained data. Its **actions** are what the preview shows, one per changed
 * object (`recreate service:web:1`, `update service:web`, `create network:default`), each with
 * its cause and the fields that changed. Its **steps** are what the executor runs: each one
 * engine operation with everything it needs (a container-create step carries the whole create
 * body), with explicit `after` edges; an action is a group of steps (a recreate is rename →
 * create → connect → stop → start → remove, with an undo for each step that must be rolled back
 * on failure). The executor makes no decision and reads nothing but the plan, so a plan can be
 * saved, reviewed and applied exactly, later (see `saved.ts`).
 */
import type { FieldChange } from "../desired/spec";
import type { HiddenValue } from "./hidden";

/** The format of a plan's JSON; a plan of another format is refused. */
export const PLAN_FORMAT = 1;

/** Where a stack deploys: a compose project on one engine, or a Docker Swarm stack. */
export type TargetName = "compose" | "swarm";

export type ResourceKind = "service" | "network" | "volume" | "secret" | "config";

/** What an action does to its object, as the preview says it. */
export type ActionVerb = "create" | "recreate" | "update" | "start" | "restart" | "remove" | "wait";

/** How a Swarm service update (or, on one engine, a start-first rollout) rolls out. */
export interface RollingUpdate {
  /** Tasks replaced (replicas; 0 for a global service: every task). */
  readonly tasks: number;
  readonly parallelism: number;
  readonly order: "stop-first" | "start-first";
  readonly failureAction: "pause" | "continue" | "rollback";
  /** Nanoseconds between batches. */
  readonly delay?: number;
  /** Start-first on one engine: what a new container must be before the old one leaves (`healthy`, `running for 5s`). */
  readonly waitsFor?: string;
}

/** One changed object: a line (or part of a line) of the preview, and a unit of progress. */
export interface Action {
  /** Unique and stable: `service:web:1`, `network:default`, `wait:db`, `service:web` (Swarm), `secret:pw:shop_pw_1a2b3c4d`. */
  readonly id: string;
  readonly verb: ActionVerb;
  readonly kind: ResourceKind;
  /** Logical name, as in the stack. */
  readonly resource: string;
  /** Engine name: `blog-web-1`, `blog_default`, `shop_web`. */
  readonly engineName: string;
  /** Why, in a few words: `image nginx:1.25 → nginx:1.27`, `container blog-web-1 is exited`, `no longer in the stack`. */
  readonly cause: string;
  /** Ids of the actions that must finish first. */
  readonly after: readonly string[];
  /** Container number (compose). */
  readonly number?: number;
  /** The image the object runs (service creates). */
  readonly image?: string;
  /** Every changed field (sensitive values shown as `(sensitive)`). */
  readonly changes?: readonly FieldChange[];
  /** For waits: what is waited for. */
  readonly condition?: "service_healthy" | "service_completed_successfully";
  /** For actions that stop a container: its stop timeout, and whether PID 1 may ignore SIGTERM (no init). */
  readonly stopTimeoutSeconds?: number;
  readonly mayWaitForStop?: boolean;
  /** Swarm: replicas wanted (absent for global services). */
  readonly replicas?: number;
  /** How an update that replaces tasks (Swarm) or containers (`deploy.updateConfig` on one engine) rolls out. */
  readonly rolling?: RollingUpdate;
  /** What the plan found left by an interrupted apply, that this action recovers from: `an interrupted recreate of blog-web-1`. */
  readonly recovery?: string;
}

/** The result of an earlier step of the same plan (the id the engine gave a created object). */
export interface StepOutput {
  readonly output: string;
}

/** A value known when planning, or the output of an earlier step. */
export type Ref = string | StepOutput;

/** A file written into a created container before it starts (secrets and configs given as content). */
export interface ContainerFile {
  /** Absolute path in the container. */
  readonly path: string;
  readonly content: HiddenValue;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
}

/** Steps of the compose target: one engine call each (waits poll). */
export type ComposeOp =
  | { readonly op: "network.create"; readonly body: Readonly<Record<string, unknown>> }
  /** Retries while the engine still tears endpoints down; force-disconnects endpoints of containers that are gone. */
  | { readonly op: "network.remove"; readonly network: string; readonly name: string; readonly timeoutMs?: number }
  | { readonly op: "network.connect"; readonly network: string; readonly container: Ref; readonly endpoint: Readonly<Record<string, unknown>> }
  | { readonly op: "volume.create"; readonly body: Readonly<Record<string, unknown>> }
  | { readonly op: "volume.remove"; readonly name: string }
  /** The whole create body; sensitive variables apart, added to `Env` only for the call. Output: the container id. */
  | { readonly op: "container.create"; readonly body: Readonly<Record<string, unknown>>; readonly hiddenEnv?: Readonly<Record<string, HiddenValue>> }
  | { readonly op: "container.files"; readonly container: Ref; readonly files: readonly ContainerFile[] }
  /** `service` and `name` make a failure say which port is taken by whom. */
  | { readonly op: "container.start"; readonly container: Ref; readonly name: string; readonly service: string; readonly unpause?: boolean }
  | { readonly op: "container.stop"; readonly container: Ref; readonly timeoutSeconds: number }
  | { readonly op: "container.restart"; readonly container: Ref; readonly timeoutSeconds: number }
  | { readonly op: "container.rename"; readonly container: Ref; readonly to: string }
  /** `leaveNetworks`: disconnect from these first, so that a running container leaves DNS before it dies. */
  | { readonly op: "container.remove"; readonly container: Ref; readonly leaveNetworks?: readonly string[] }
  /**
   * Polls until every named container is healthy / has exited 0 / is ready (healthy when it has a
   * healthcheck, else running for `stableMs`), bounded by the apply's wait timeout.
   */
  | {
      readonly op: "wait.containers";
      readonly service: string;
      readonly containers: readonly string[];
      readonly condition: "service_healthy" | "service_completed_successfully" | "ready";
      readonly stableMs?: number;
    }
  | { readonly op: "network.disconnect"; readonly network: string; readonly container: Ref }
  /** A pause between the batches of a rollout. */
  | { readonly op: "wait.sleep"; readonly ms: number };

/** What a Swarm service wait needs to know of the service (the rest it reads when the update is sent). */
export interface ConvergeSpec {
  readonly engineName: string;
  /** Replicas wanted; absent for global services. */
  readonly replicas?: number;
  /** True when the change replaces tasks (create, rolling update). */
  readonly newTasks: boolean;
  /** How long the converged state must hold when no rolling update vouches for the new tasks (a create, a scale-up). */
  readonly stableMs: number;
  /** For a created service: this many failed tasks and none running end the wait. */
  readonly maxFailures?: number;
}

/** What `service.update` saw just before it sent the update: the tasks then, and the update status then. */
export interface UpdateRecord {
  readonly tasksBefore: readonly string[];
  readonly updateStartedBefore?: string;
}

/** Steps of the Swarm target. */
export type SwarmOp =
  | { readonly op: "secret.create" | "config.create"; readonly name: string; readonly labels: Readonly<Record<string, string>>; readonly data: HiddenValue }
  | { readonly op: "secret.remove" | "config.remove"; readonly object: string; readonly name: string }
  /**
   * `refs` fill `SecretID`/`ConfigID` of the body by engine name (objects made earlier in the plan).
   * `networks` are the create bodies of the stack's networks it joins: one removed just before
   * (`docker stack rm`) may still have been listed when the plan was made, and is made again.
   * Output: the service id.
   */
  | {
      readonly op: "service.create";
      readonly body: Readonly<Record<string, unknown>>;
      readonly hiddenEnv?: Readonly<Record<string, HiddenValue>>;
      readonly refs: Readonly<Record<string, Ref>>;
      readonly networks: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    }
  /** Names the version the plan read: the engine refuses it when the service changed since. */
  | {
      readonly op: "service.update";
      /** The service's id. */
      readonly service: string;
      readonly version: number;
      readonly body: Readonly<Record<string, unknown>>;
      readonly hiddenEnv?: Readonly<Record<string, HiddenValue>>;
      readonly refs: Readonly<Record<string, Ref>>;
    }
  | { readonly op: "service.remove"; readonly service: string; readonly name: string }
  /** `since` is the update step whose {@link UpdateRecord} tells this update's tasks from older ones. */
  | { readonly op: "wait.converge"; readonly service: Ref; readonly since?: StepOutput; readonly converge: ConvergeSpec }
  /** Until the removed services' tasks and containers are gone (they hold their networks). */
  | { readonly op: "wait.tasksGone"; readonly services: readonly string[] }
  /** Until removed overlay networks are no longer listed (a new one of the name could not be made before). */
  | { readonly op: "wait.networksGone"; readonly names: readonly string[] };

/** One engine operation of a plan. */
export type Step = (ComposeOp | SwarmOp) & {
  /** Unique within the plan: `<action id>/<n>`. */
  readonly id: string;
  /** The action it belongs to. */
  readonly action: string;
  /** Ids of the steps that must finish first. */
  readonly after: readonly string[];
  /** Run when a later step of the same action fails and this one had finished: puts things back. */
  readonly undo?: ComposeOp | SwarmOp;
  /** For progress: the past-tense word that step completes its action with (`created`, `converged`). */
  readonly milestone?: string;
};

/** Something that stops the plan from being applied: the message names the object and what to do. */
export interface Blocker {
  readonly message: string;
  readonly resource: string;
}

/** The state a plan was made from, for a saved plan to check before it runs (see `saved.ts`). */
export interface Fingerprint {
  /** A digest per observed object: `container:blog-web-1` → `<id> <state> <config-hash> <image id>`. */
  readonly objects: Readonly<Record<string, string>>;
  /** What the target's observe looked for beyond the project's own objects (names it needs, images). */
  readonly query: Readonly<Record<string, readonly string[]>>;
}

export interface Plan {
  /** {@link PLAN_FORMAT}. */
  readonly format: number;
  readonly target: TargetName;
  /** `apply` or `destroy`. */
  readonly mode: "apply" | "destroy";
  /** The compose project, or the Swarm stack. */
  readonly project: string;
  /** Where the engine answers, e.g. `unix:///var/run/docker.sock`. */
  readonly endpoint: string;
  readonly actions: readonly Action[];
  readonly steps: readonly Step[];
  readonly blockers: readonly Blocker[];
  /** Options the target ignores, each with its source line. */
  readonly warnings: readonly string[];
  /** Volumes of the project kept although nothing uses them (removed only when asked). */
  readonly keptVolumes: readonly string[];
  /** What the plan was made from. */
  readonly fingerprint: Fingerprint;
  /** The stack file the plan was made from (for a saved plan's sensitive values). */
  readonly stackFile?: string;
  /** Images the plan's creates need that were not present (a saved plan's apply fetches them first). */
  readonly images?: readonly ImageSource[];
}

/** How to get an image that is not present: pull it, or build it. */
export interface ImageSource {
  readonly service: string;
  readonly image: string;
  readonly pull?: boolean;
  readonly build?: { readonly context: string; readonly dockerfile?: string; readonly args?: Readonly<Record<string, string>>; readonly target?: string };
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly remove: number;
}

/** The fields a step adds to its operation: no operation may use them for its own data (they would be overwritten). */
type StepField = "id" | "action" | "after" | "undo" | "milestone";
type Clash<T> = T extends unknown ? Extract<keyof T, StepField> : never;
/** Compile-time check: `never` unless an operation declares a field of {@link StepField}. */
export type OpFieldClash = Clash<ComposeOp | SwarmOp>;
const _noClash: [OpFieldClash] extends [never] ? true : never = true;
void _noClash;
