/**
 * The one executor, for plans of every target: it walks the plan's steps by their `after`
 * edges with bounded parallelism and performs each through its target's operation handler.
 * It makes no decisions (the planner made them) and reads nothing but the plan.
 *
 * - An action (a group of steps) that has started always runs to its end: after a failure or
 *   an abort (Ctrl-C) no new action starts, but none is left half-done (an old container
 *   parked without its successor).
 * - A step that fails before its action's first milestone (the step that achieves the action:
 *   the new container started) undoes the finished steps of that action, newest first, so a
 *   failed recreate leaves the old container as it was.
 */
import { BerthError, errorKind, type ErrorKind } from "@berth/dsl";
import type { Engine } from "../engine/types";
import type { Action, Plan, Ref, Step } from "./types";

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = { now: () => Date.now(), sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)) };

/** Progress of an apply: actions as the preview names them, and the steps within them. */
export type ProgressEvent =
  | {
      readonly type: "action";
      readonly action: Action;
      readonly status: "started" | "done" | "failed" | "skipped";
      readonly message?: string;
      readonly elapsedMs?: number;
    }
  /** `elapsedMs` counts from the start of the step's action. */
  | {
      readonly type: "step";
      readonly action: Action;
      readonly step: Step;
      readonly status: "started" | "done" | "failed";
      readonly message?: string;
      readonly elapsedMs?: number;
    }
  /** A long step says what it is waiting for (`shop_web: rolling back (…)`). */
  | { readonly type: "waiting"; readonly action: Action; readonly step: Step; readonly message: string };

/** What an operation handler gets besides its step. */
export interface OpContext {
  readonly engine: Engine;
  readonly plan: Plan;
  readonly clock: Clock;
  /** How long a wait step may wait. */
  readonly waitTimeoutMs: number;
  /** How often a wait step looks again (ms); undefined: the step's own default. */
  readonly pollMs?: number;
  /** The id (or the output) of an earlier step, or the value known when planning. */
  ref(r: Ref): string;
  /** The output an earlier step returned. */
  output(stepId: string): unknown;
  /** Reports what a long step is waiting for. */
  waiting(message: string): void;
}

/** What a handler returns: an output later steps may refer to, and/or a detail for progress. */
export interface OpResult {
  readonly output?: unknown;
  readonly message?: string;
}

export type OpHandler = (step: Step, ctx: OpContext) => Promise<OpResult | void>;

/** The handlers of the operations a target's plans use, by `op`. */
export type OpHandlers = Readonly<Record<string, OpHandler>>;

export interface ExecuteOptions {
  readonly engine: Engine;
  readonly ops: OpHandlers;
  /** At most this many steps at once. Default 8 (best on 2 cores: the engine is the bottleneck). */
  readonly parallel?: number;
  readonly onProgress?: (e: ProgressEvent) => void;
  /** Give up a wait (healthy, completed, converged) after this long. Default 300 s. */
  readonly waitTimeoutMs?: number;
  /** How often waits look again (ms). Default: each wait's own (250 ms for containers, 500 ms for Swarm services). */
  readonly pollMs?: number;
  /** Aborting starts no new action (started ones finish). */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
}

export interface ActionFailure {
  readonly action: Action;
  readonly message: string;
  /** Whose the failure is: the engine's (it refused, or did not answer), or the stack's. */
  readonly kind?: ErrorKind;
}

/**
 * Some actions failed: the message lists each (object, engine name, reason) and what was left
 * undone. It is the engine's (exit 3) when every failure was the engine's, else the user's.
 */
export class ApplyError extends BerthError {
  constructor(
    readonly failures: readonly ActionFailure[],
    readonly skipped: readonly Action[],
  ) {
    const lines = failures.map((f) => `  ${f.action.kind} "${f.action.resource}" (${f.action.engineName}): ${f.message}`);
    const tail = skipped.length ? `\n  not done: ${skipped.map((a) => a.id).join(", ")}` : "";
    super(`apply failed:\n${lines.join("\n")}${tail}`, { kind: failures.length && failures.every((f) => f.kind === "engine") ? "engine" : "user" });
  }
}

interface ActionState {
  readonly action: Action;
  readonly steps: Step[];
  readonly started: number;
  readonly done: Step[];
  committed: boolean;
  failed?: string;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs the plan; resolves to the steps' outputs (created objects' ids, by step id). */
export async function execute(plan: Plan, options: ExecuteOptions): Promise<ReadonlyMap<string, unknown>> {
  const limit = Math.max(1, options.parallel ?? 8);
  const clock = options.clock ?? realClock;
  const emit = (e: ProgressEvent) => options.onProgress?.(e);
  const actions = new Map(plan.actions.map((a) => [a.id, a]));
  const stepsOf = new Map<string, Step[]>();
  for (const s of plan.steps) {
    const list = stepsOf.get(s.action);
    if (list) list.push(s);
    else stepsOf.set(s.action, [s]);
  }
  const inPlan = new Set(plan.steps.map((s) => s.id));
  const pending = new Map(plan.steps.map((s) => [s.id, s]));
  const finished = new Set<string>();
  const outputs = new Map<string, unknown>();
  const states = new Map<string, ActionState>();
  const failures: ActionFailure[] = [];
  const running = new Map<string, Promise<void>>();
  const stopped = () => failures.length > 0 || options.signal?.aborted === true;

  const ctxFor = (step: Step, action: Action): OpContext => ({
    engine: options.engine,
    plan,
    clock,
    waitTimeoutMs: options.waitTimeoutMs ?? 300_000,
    pollMs: options.pollMs,
    ref: (r) => (typeof r === "string" ? r : String(outputs.get(r.output))),
    output: (id) => outputs.get(id),
    waiting: (m) => emit({ type: "waiting", action, step, message: m }),
  });

  const actionOf = (step: Step): ActionState => {
    let st = states.get(step.action);
    if (!st) {
      const action = actions.get(step.action) ?? internalAction(step.action);
      st = { action, steps: stepsOf.get(step.action) ?? [], started: clock.now(), done: [], committed: false };
      states.set(step.action, st);
      emit({ type: "action", action, status: "started" });
    }
    return st;
  };

  const finishAction = (st: ActionState) => {
    if (st.failed !== undefined || st.done.length < st.steps.length) return;
    emit({ type: "action", action: st.action, status: "done", elapsedMs: clock.now() - st.started });
  };

  const fail = async (st: ActionState, step: Step, err: unknown) => {
    let text = message(err);
    emit({ type: "step", action: st.action, step, status: "failed", message: text, elapsedMs: clock.now() - st.started });
    if (!st.committed) text += await undo(st, ctxFor(step, st.action), options.ops);
    st.failed = text;
    // The rest of this action will not run.
    for (const s of st.steps) pending.delete(s.id);
    failures.push({ action: st.action, message: text, kind: errorKind(err) });
    emit({ type: "action", action: st.action, status: "failed", message: text, elapsedMs: clock.now() - st.started });
  };

  const launch = (step: Step) => {
    pending.delete(step.id);
    const st = actionOf(step);
    emit({ type: "step", action: st.action, step, status: "started", elapsedMs: clock.now() - st.started });
    const handler = options.ops[step.op];
    const p = (handler ? handler(step, ctxFor(step, st.action)) : Promise.reject(new BerthError(`no handler for step ${step.op}`, { kind: "internal" })))
      .then(async (result) => {
        if (result?.output !== undefined) outputs.set(step.id, result.output);
        finished.add(step.id);
        st.done.push(step);
        if (step.milestone) st.committed = true;
        emit({ type: "step", action: st.action, step, status: "done", message: result?.message, elapsedMs: clock.now() - st.started });
        finishAction(st);
      })
      .catch((err: unknown) => fail(st, step, err))
      .finally(() => running.delete(step.id));
    running.set(step.id, p);
  };

  const ready = (step: Step) => step.after.every((a) => finished.has(a) || !inPlan.has(a));
  while (pending.size || running.size) {
    for (const step of pending.values()) {
      if (running.size >= limit) break;
      // After a failure or an abort, only actions already under way go on.
      if (stopped() && !states.has(step.action)) continue;
      if (ready(step)) launch(step);
    }
    if (running.size === 0) break; // nothing runnable: failure, abort, or a cycle (validation forbids those)
    await Promise.race(running.values());
  }
  const skipped = [...new Set([...pending.values()].map((s) => s.action))].map((id) => actions.get(id) ?? internalAction(id));
  for (const action of skipped) emit({ type: "action", action, status: "skipped" });
  if (failures.length) throw new ApplyError(failures, skipped);
  if (skipped.length) throw new ApplyError([{ action: skipped[0], message: options.signal?.aborted ? "interrupted" : "never became runnable" }], skipped);
  return outputs;
}

/** Undoes the finished steps of a failed action, newest first; says what was put back, or what could not be. */
async function undo(st: ActionState, ctx: OpContext, ops: OpHandlers): Promise<string> {
  const undos = [...st.done].reverse().filter((s) => s.undo);
  if (!undos.length) return "";
  for (const s of undos) {
    const u = { ...s, ...s.undo, undo: undefined } as Step;
    try {
      await ops[u.op](u, ctx);
    } catch (err) {
      return ` (rolling back failed too: ${message(err)})`;
    }
  }
  if (st.action.verb !== "recreate") return " (rolled back)";
  const restarted = undos.some((s) => s.op === "container.stop");
  return ` (rolled back: the previous container ${st.action.engineName} is ${restarted ? "running again" : "back"})`;
}

/** An action id the plan's actions do not list (a plan made by hand): progress still names it. */
function internalAction(id: string): Action {
  const [kind, resource] = id.split(":");
  return { id, verb: "wait", kind: (kind as Action["kind"]) ?? "service", resource: resource ?? id, engineName: resource ?? id, cause: "", after: [] };
}
