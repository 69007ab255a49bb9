/**
 * The library face of `dsl diff / apply / destroy / ps`, for every target: each is observe →
 * pure plan → (confirm) → execute, driven by `converge()`. The CLI only renders and asks;
 * everything a library user needs is here, and `apply` from a library behaves as `dsl apply`.
 *
 *   const stack = await prepare("stack.ts");
 *   const plan = await diff(engine, stack);            // target: the stack's default, else compose
 *   await apply(engine, stack, { confirm: async () => true });
 *   await apply(engine, planFromJson(text, "plan.json"), { stack }); // a saved plan, exactly
 */
import { BerthError, type Graph } from "@berth/dsl";
import { composeTarget } from "./compose/target";
import type { Observed } from "./compose/observed";
import { planCompose, planComposeDestroy, type ComposePlanOptions } from "./compose/plan";
import { projectContainers } from "./day2";
import { resolveDesired, type DesiredState } from "./desired/resolve";
import { onlyServices, scaled, withDependencies } from "./select";
import { waitForServices } from "./compose/wait";
import type { Engine } from "./engine/types";
import { load, type LoadResult } from "./load";
import { swarmTarget } from "./swarm/target";
import type { SwarmDesired } from "./swarm/desired";
import { planSwarm, planSwarmDestroy } from "./swarm/plan";
import { swarmPs, type SwarmStackStatus } from "./swarm/ps";
import type { SwarmObserved } from "./swarm/types";
import { targetName, type Target, type TargetPlanOptions } from "./target/contract";
import { converge, type ConvergeOptions, type ConvergeOutcome } from "./target/converge";
import { applySaved, type ApplySavedOptions } from "./target/saved";
import { listLocks, lockPort, type LockInfo } from "./target/lock";
import type { Plan, TargetName } from "./target/types";
import type { ObservedContainer } from "./compose/observed";

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
  return { graph, file: loaded.file, desired: resolveDesired(graph, { dir: loaded.dir, env: opts.env, profiles: opts.profiles, file: loaded.file }) };
}

/** Which target a call deploys to. */
export interface TargetOption {
  /** @default the stack's own default (`new Stack("x", { target })`), else "compose" */
  readonly target?: TargetName;
}

const TARGETS: Readonly<Record<TargetName, Target<never, never>>> = {
  compose: composeTarget as Target<never, never>,
  swarm: swarmTarget as Target<never, never>,
};

/** The implementation of a target, for code that drives the contract itself. */
export function getTarget(name: TargetName): Target<unknown, unknown> {
  return TARGETS[name] as Target<unknown, unknown>;
}

/** The target a stack deploys to: the one asked for, else the stack's default, else compose. */
export function targetOf(stack: Pick<Prepared, "graph"> | undefined, asked?: TargetName): TargetName {
  return targetName(asked, stack?.graph);
}

/** Naming services (`dsl apply web`): whether the services they depend on come too. */
export interface ServicesOption {
  /** Only these services, and (unless `deps` is false) what they depend on; nothing else is touched, no orphan is removed. */
  readonly services?: readonly string[];
  /** @default true */
  readonly deps?: boolean;
  /** Replicas for some services instead of the stack's (`--scale web=3`), for this apply only. */
  readonly scale?: Readonly<Record<string, number>>;
}

/** The stack and plan options restricted to the named services and their dependencies (compose only). */
function scoped<T extends ServicesOption & TargetOption>(whole: Prepared, options: T): { stack: Prepared; options: T } {
  const stack = options.scale ? scaled(whole, options.scale) : whole;
  if (!options.services?.length) return { stack, options: { ...options, services: undefined } };
  if (targetOf(stack, options.target) === "swarm") throw new BerthError("naming services is for the compose target: a Swarm stack is deployed whole");
  const services = withDependencies(stack.desired, options.services, { deps: options.deps });
  return { stack: onlyServices(stack, services), options: { ...options, services } };
}

/** What `apply` would do, changing nothing (images are not built or pulled: what is there stands in). */
export async function diff(engine: Engine, whole: Prepared, all: TargetPlanOptions & TargetOption & ServicesOption = {}): Promise<Plan> {
  const { stack, options } = scoped(whole, all);
  const target = getTarget(targetOf(stack, options.target));
  const desired = await target.resolve(stack, { engine, fetchImages: false });
  const observed = await target.observe(engine, stack.desired.project, target.query(desired));
  return target.plan(desired, observed, options);
}

export interface ApplyOptions extends ConvergeOptions, TargetOption, ServicesOption {
  /** Return only once every service (of those applied) is ready: healthy when it has a healthcheck, else running; bounded by `waitTimeoutMs`. Compose only. */
  readonly wait?: boolean;
  /** For a saved plan that refers to sensitive values: the stack it was made from, to take them from. */
  readonly stack?: Prepared;
}

function isPlan(x: Prepared | Plan): x is Plan {
  return Array.isArray((x as Plan).steps);
}

/**
 * Converges the engine to the stack, or runs a saved plan exactly (after checking, under the
 * lock, that the engine still matches what it was made from).
 */
export async function apply(engine: Engine, source: Prepared | Plan, options: ApplyOptions = {}): Promise<ConvergeOutcome> {
  if (!isPlan(source)) {
    const { stack, options: scopedOptions } = scoped(source, options);
    const name = targetOf(stack, options.target);
    if (options.wait && name === "swarm") throw new BerthError("waiting for the services to be ready is for the compose target");
    const outcome = await converge(engine, getTarget(name), { mode: "apply", stack }, scopedOptions);
    if (options.wait && (outcome.result === "applied" || outcome.result === "no-changes"))
      await waitForServices(engine, stack.desired, { timeoutMs: options.waitTimeoutMs, onProgress: options.onProgress, signal: options.signal });
    return outcome;
  }
  const target = getTarget(source.target);
  const saved: ApplySavedOptions = options;
  const hidden = options.stack ? target.hidden(await target.resolve(options.stack, { engine, fetchImages: false })) : undefined;
  return applySaved(engine, target, source, { ...saved, ...(hidden ? { hidden } : {}) });
}

export interface DestroyOptions extends Omit<ConvergeOptions, "forceRecreate" | "services" | "build" | "pull">, TargetOption {
  /** Also remove the project's named volumes (user data). */
  readonly volumes?: boolean;
  /** Only the containers of these services (never their dependencies); networks and volumes stay. Compose only. */
  readonly services?: readonly string[];
}

/** Removes everything the project owns on the engine (volumes only with `volumes`). Needs only the project's name. */
export async function destroy(engine: Engine, stack: Prepared | { readonly project: string }, options: DestroyOptions = {}): Promise<ConvergeOutcome> {
  const prepared = "desired" in stack ? stack : undefined;
  const project = prepared ? prepared.desired.project : (stack as { project: string }).project;
  if (options.services?.length) {
    if (targetOf(prepared, options.target) === "swarm") throw new BerthError("naming services is for the compose target: a Swarm stack is destroyed whole");
    if (prepared) withDependencies(prepared.desired, options.services, { deps: false });
  }
  const services = options.services?.length ? options.services : undefined;
  return converge(engine, getTarget(targetOf(prepared, options.target)), { mode: "destroy", project }, { ...options, services });
}

/** Pure planning, for either target: `desired` from `resolveDesired` (compose) or `resolveSwarm` (swarm). */
export function plan(desired: DesiredState, observed: Observed, options?: ComposePlanOptions): Plan;
export function plan(desired: SwarmDesired, observed: SwarmObserved): Plan;
export function plan(desired: DesiredState | SwarmDesired, observed: Observed | SwarmObserved, options: ComposePlanOptions = {}): Plan {
  return "stack" in desired ? planSwarm(desired, observed as SwarmObserved) : planCompose(desired, observed as Observed, options);
}

/** Pure planning of a destroy, for either target. */
export function planDestroy(observed: Observed | SwarmObserved, options: { readonly volumes?: boolean } = {}): Plan {
  return "stack" in observed ? planSwarmDestroy(observed) : planComposeDestroy(observed, options);
}

/** What a project runs: containers (compose), or services and their tasks (swarm); and who holds its lock, if anyone. */
export type ProjectStatus = (
  | { readonly target: "compose"; readonly project: string; readonly endpoint: string; readonly containers: readonly ObservedContainer[] }
  | ({ readonly target: "swarm" } & SwarmStackStatus)
) & { readonly locks: readonly LockInfo[] };

/** `dsl ps`: the project's containers, or the stack's services and tasks. */
export async function ps(
  engine: Engine,
  project: string,
  options: TargetOption & { readonly services?: readonly string[]; readonly deps?: boolean } = {},
): Promise<ProjectStatus> {
  const locks = listLocks(lockPort(engine), project);
  if ((options.target ?? "compose") === "swarm") return { target: "swarm", ...(await swarmPs(engine, project)), locks: await locks };
  return {
    target: "compose",
    project,
    endpoint: engine.endpoint,
    containers: await projectContainers(engine, project, options.services, { deps: options.deps }),
    locks: await locks,
  };
}
