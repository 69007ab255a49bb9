/**
 * Waiting for a service to converge after a create or update: every task running at the new
 * spec, or a clear failure within a bounded time. A failure names the failing task and its
 * error (`task: non-zero exit (1)`), and says when Swarm paused the update or rolled it back.
 */
import { BerthError } from "@berth/dsl";
import type { Engine, SwarmService, SwarmTask } from "../engine/types";

export interface WaitInput {
  readonly serviceId: string;
  readonly engineName: string;
  /** Replicas wanted; undefined for global services (every desired task running). */
  readonly replicas?: number;
  /** Task ids that existed before the change: a rolling update must replace all of them. */
  readonly before: ReadonlySet<string>;
  /** True when the change replaces tasks (create, rolling update). */
  readonly newTasks: boolean;
  /** `UpdateStatus.StartedAt` before the change: a status with another start is ours. */
  readonly updateStartedBefore?: string;
  /**
   * How long the converged state must hold when no rolling update vouches for the new tasks
   * (a create, a scale-up): a command that exits at once is "running" for an instant.
   */
  readonly stableMs?: number;
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  /** For a service that is created (it has no update status): this many failed tasks and no running one end the wait early. */
  readonly maxFailures?: number;
  readonly onWaiting?: (message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

/** The service did not converge: the message names the task and its error. */
export class ConvergeError extends BerthError {
  constructor(
    message: string,
    readonly service: string,
    readonly rolledBack: boolean,
  ) {
    super(message);
  }
}

const FAILED = new Set(["failed", "rejected"]);

/**
 * Rejections the engine itself recovers from: Swarm reschedules the task, and a later one joins.
 * The kernel frees a removed overlay's VXLAN socket asynchronously, so on a busy node the first
 * tasks of a network whose sandbox was just torn down can be rejected with "error creating vxlan
 * interface: file exists" (moby/libnetwork#1765). They do not end the wait early; the deadline
 * still bounds it, and the error is still named if it never clears.
 */
const TRANSIENT_REJECTION = /network sandbox join failed|error creating vxlan interface/;

function transient(t: SwarmTask): boolean {
  return t.state === "rejected" && TRANSIENT_REJECTION.test(t.error ?? "");
}

function taskName(engineName: string, t: SwarmTask): string {
  return `${engineName}.${t.slot || t.nodeId.slice(0, 12)} (task ${t.id.slice(0, 12)})`;
}

function lastFailure(engineName: string, tasks: readonly SwarmTask[], before: ReadonlySet<string>): { text: string; count: number } | undefined {
  const failed = tasks.filter(
    (t) =>
      !before.has(t.id) &&
      (FAILED.has(t.state) || (t.state === "complete" && t.desiredState === "running") || (t.error !== undefined && t.state !== "running")),
  );
  if (!failed.length) return undefined;
  const t = [...failed].sort((a, b) => (a.timestamp < b.timestamp ? 1 : -1))[0];
  // count: the failures that end the wait early, transient rejections aside.
  return { text: `${taskName(engineName, t)} ${t.state}: ${t.error ?? t.message}`, count: failed.filter((f) => !transient(f)).length };
}

export function converged(input: WaitInput, svc: SwarmService, tasks: readonly SwarmTask[]): boolean {
  const us = svc.updateStatus;
  const ours = us !== undefined && us.startedAt !== input.updateStartedBefore;
  if (ours && us.state !== "completed") return false;
  const active = tasks.filter((t) => t.desiredState === "running");
  if (!active.every((t) => t.state === "running")) return false;
  if (input.replicas !== undefined && active.length !== input.replicas) return false;
  if (input.newTasks && active.some((t) => input.before.has(t.id))) return false;
  return true;
}

/** Resolves when the service has converged; rejects with a {@link ConvergeError} otherwise. */
export async function waitForService(engine: Engine, input: WaitInput, opts: WaitOptions): Promise<void> {
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = opts.now ?? Date.now;
  const deadline = now() + opts.timeoutMs;
  let said = "";
  let stableSince: number | undefined;
  let endedSince: number | undefined;
  for (;;) {
    const svc = await engine.inspectService(input.serviceId);
    if (!svc) throw new ConvergeError(`service ${input.engineName} was removed while Berth waited for it`, input.engineName, false);
    const tasks = await engine.listTasks({ services: [input.serviceId] });
    const failure = lastFailure(input.engineName, tasks, input.before);
    const us = svc.updateStatus;
    const ours = us !== undefined && us.startedAt !== input.updateStartedBefore;
    const why = failure ? `; last task error: ${failure.text}` : "";
    if (ours && (us.state === "paused" || us.state === "rollback_paused")) {
      throw new ConvergeError(
        `service ${input.engineName}: Swarm ${us.state === "paused" ? "paused the update" : "paused the rollback"}: ${us.message}${why}`,
        input.engineName,
        false,
      );
    }
    if (ours && us.state === "rollback_completed") {
      throw new ConvergeError(
        `service ${input.engineName}: the update failed and Swarm rolled back to the previous spec (${us.message})${why}`,
        input.engineName,
        true,
      );
    }
    if (converged(input, svc, tasks)) {
      const vouched = ours && us.state === "completed";
      stableSince ??= now();
      if (vouched || now() - stableSince >= (input.stableMs ?? 0)) return;
    } else stableSince = undefined;
    // Every new task ended and none is coming back (a command that exits 0 under restart condition
    // on-failure or none): waiting longer cannot help.
    const alive = tasks.some((t) => t.desiredState === "running" || t.desiredState === "ready");
    const ended = tasks.filter((t) => !input.before.has(t.id) && ["complete", "failed", "rejected", "shutdown"].includes(t.state));
    if (!ours && !alive && ended.length && (input.replicas ?? 1) > 0) {
      endedSince ??= now();
      if (now() - endedSince >= 2000) {
        const t = ended[0];
        throw new ConvergeError(
          `service ${input.engineName}: its tasks ended and the restart policy does not start them again: ${taskName(input.engineName, t)} ${t.state}${t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ""}${t.error ? `: ${t.error}` : ""}`,
          input.engineName,
          false,
        );
      }
    } else endedSince = undefined;
    if (
      !ours &&
      failure &&
      opts.maxFailures !== undefined &&
      failure.count >= opts.maxFailures &&
      !tasks.some((t) => t.desiredState === "running" && t.state === "running" && !input.before.has(t.id))
    ) {
      throw new ConvergeError(`service ${input.engineName}: tasks keep failing (${failure.count} failed)${why}`, input.engineName, false);
    }
    if (now() >= deadline) {
      const running = tasks.filter((t) => t.desiredState === "running" && t.state === "running").length;
      throw new ConvergeError(
        `service ${input.engineName} did not converge within ${Math.round(opts.timeoutMs / 1000)}s (${running} task${running === 1 ? "" : "s"} running${input.replicas !== undefined ? ` of ${input.replicas}` : ""}${ours ? `, update ${us.state}` : ""})${why}`,
        input.engineName,
        false,
      );
    }
    const status = ours && us.state === "rollback_started" ? `rolling back (${us.message})` : "";
    if (status && status !== said) opts.onWaiting?.(`${input.engineName}: ${status}`);
    said = status || said;
    await sleep(opts.pollMs ?? 500);
  }
}
