/**
 * One apply per project at a time, across processes and machines that share an engine.
 *
 * The lock lives where the state lives, on the engine: a network named `berth-lock-<project>`,
 * whose labels say who holds it. It carries no compose label, so observe never sees it as part
 * of the project. A holder on this host whose process is gone is stale, and the lock is taken over.
 *
 * The engine's duplicate-name check is not atomic (Docker 20.10 lets two simultaneous creates
 * of one name both succeed), so creating is not enough: after creating its network, a process
 * holds the lock only if its network is the only one of that name. Mutual exclusion follows:
 * each of two holders would have listed before the other's network existed, which cannot be
 * true of both. When both see both, both step back and try again after a random pause.
 */
import * as os from "node:os";

export const LOCK_HOLDER_LABEL = "dev.berth.lock.holder";
export const LOCK_PID_LABEL = "dev.berth.lock.pid";
export const LOCK_HOST_LABEL = "dev.berth.lock.host";

export interface LockEngine {
  createNetwork(body: Record<string, unknown>): Promise<string>;
  removeNetwork(idOrName: string): Promise<void>;
  /** Every network of exactly this name (ids and labels). */
  networksNamed(name: string): Promise<readonly { readonly id: string; readonly labels: Readonly<Record<string, string>> }[]>;
}

/** Someone else holds the lock: the message says who and since when. */
export class LockedError extends Error {
  readonly userError = true;
  constructor(
    readonly project: string,
    readonly holder: string,
  ) {
    super(`project "${project}" is locked by ${holder}; wait for it to finish (or pass --lock-timeout 60s to wait here)`);
    this.name = "LockedError";
  }
}

export interface Lock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** What the holder is doing, shown to whoever waits: `dsl apply`. */
  readonly purpose?: string;
  /** Wait this long for the lock before failing. Default 0: fail at once. */
  readonly timeoutMs?: number;
  readonly pid?: number;
  readonly hostname?: string;
  readonly isAlive?: (pid: number) => boolean;
  readonly clock?: { now(): number; sleep(ms: number): Promise<void> };
}

export function lockName(project: string): string {
  return `berth-lock-${project}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isConflict(err: unknown): boolean {
  const e = err as { statusCode?: number; message?: string };
  return e.statusCode === 409 || /already exists/i.test(e.message ?? "");
}

export async function acquireLock(engine: LockEngine, project: string, options: LockOptions = {}): Promise<Lock> {
  const pid = options.pid ?? process.pid;
  const hostname = options.hostname ?? os.hostname();
  const clock = options.clock ?? { now: () => Date.now(), sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };
  const deadline = clock.now() + (options.timeoutMs ?? 0);
  const holder = `${options.purpose ?? "dsl apply"} (pid ${pid} on ${hostname}, since ${new Date(clock.now()).toISOString()})`;
  const name = lockName(project);
  const body = { Name: name, Driver: "bridge", Internal: true, CheckDuplicate: true, Labels: { [LOCK_HOLDER_LABEL]: holder, [LOCK_PID_LABEL]: String(pid), [LOCK_HOST_LABEL]: hostname } };
  for (let collisions = 0; ; ) {
    let mine: string | undefined;
    try {
      mine = await engine.createNetwork(body);
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
    const all = await engine.networksNamed(name);
    const others = all.filter((n) => n.id !== mine);
    if (mine !== undefined && others.length === 0) {
      const id = mine;
      return { release: () => engine.removeNetwork(id).catch(() => undefined) };
    }
    if (mine !== undefined) await engine.removeNetwork(mine).catch(() => undefined); // both created at once: step back
    if (others.length === 0) continue; // released between our calls
    const labels = others[0].labels;
    const theirPid = Number(labels[LOCK_PID_LABEL]);
    if (labels[LOCK_HOST_LABEL] === hostname && theirPid && theirPid !== pid && !(options.isAlive ?? alive)(theirPid)) {
      await engine.removeNetwork(others[0].id).catch(() => undefined); // stale: its holder died
      continue;
    }
    // A simultaneous create where each saw the other: retry a few times after a random pause, whatever the timeout.
    if (mine !== undefined && collisions++ < 5) {
      await clock.sleep(20 + Math.floor(Math.random() * 200));
      continue;
    }
    if (clock.now() >= deadline) throw new LockedError(project, labels[LOCK_HOLDER_LABEL] ?? "another process");
    await clock.sleep(500);
  }
}
