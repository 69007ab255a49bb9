/**
 * Waiting for convergence, against a scripted engine and a fake clock: what counts as done,
 * what fails at once, and that every wait ends within its bound with the task's error.
 */
import type { Engine, SwarmService, SwarmTask } from "../src/engine/types";
import { ConvergeError, waitForService, type WaitInput } from "../src/swarm";

function task(id: string, patch: Partial<SwarmTask> = {}): SwarmTask {
  return {
    id,
    serviceId: "s1",
    nodeId: "node1",
    slot: 1,
    desiredState: "running",
    state: "running",
    message: "started",
    image: "app:2",
    createdAt: "",
    timestamp: "2026-01-01T00:00:00Z",
    ...patch,
  };
}

function service(updateStatus?: SwarmService["updateStatus"]): SwarmService {
  return { id: "s1", name: "shop_web", version: 7, labels: {}, spec: {}, createdAt: "", updatedAt: "", ...(updateStatus ? { updateStatus } : {}) };
}

/** Each poll returns the next frame (the last one repeats). Every other engine call throws. */
function scripted(frames: { svc: SwarmService; tasks: SwarmTask[] }[]): Engine {
  let i = 0;
  let j = 0;
  const engine = {
    inspectService: async () => frames[Math.min(i++, frames.length - 1)].svc,
    listTasks: async () => frames[Math.min(j++, frames.length - 1)].tasks,
  };
  return new Proxy(engine, {
    get: (t, k) => (k in t ? t[k as keyof typeof t] : () => Promise.reject(new Error(`unexpected engine call ${String(k)}`))),
  }) as unknown as Engine;
}

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const update: WaitInput = {
  serviceId: "s1",
  engineName: "shop_web",
  replicas: 2,
  before: new Set(["old1", "old2"]),
  newTasks: true,
  updateStartedBefore: "T0",
};

test("a rolling update is done when Swarm says completed and every running task is a new one", async () => {
  const engine = scripted([
    { svc: service({ state: "updating", message: "", startedAt: "T1" }), tasks: [task("old1"), task("new2", { slot: 2 })] },
    {
      svc: service({ state: "completed", message: "update completed", startedAt: "T1" }),
      tasks: [task("new1"), task("new2", { slot: 2 }), task("old1", { desiredState: "shutdown", state: "shutdown" })],
    },
  ]);
  await expect(waitForService(engine, update, { timeoutMs: 10_000, ...clock() })).resolves.toBeUndefined();
});

test("an old 'completed' status from an earlier update does not count: the wait goes on until the new tasks run", async () => {
  const c = clock();
  const engine = scripted([{ svc: service({ state: "completed", message: "", startedAt: "T0" }), tasks: [task("old1"), task("old2", { slot: 2 })] }]);
  await expect(waitForService(engine, update, { timeoutMs: 5_000, ...c })).rejects.toThrow(
    "service shop_web did not converge within 5s (2 tasks running of 2)",
  );
  expect(c.now()).toBeGreaterThanOrEqual(5_000);
});

test("a paused update fails at once with the failing task's error", async () => {
  const engine = scripted([
    {
      svc: service({ state: "paused", message: "update paused due to failure or early termination of task abc", startedAt: "T1" }),
      tasks: [
        task("old1"),
        task("old2", { slot: 2 }),
        task("new1", { desiredState: "shutdown", state: "failed", error: "task: non-zero exit (1)", exitCode: 1 }),
      ],
    },
  ]);
  const err = await waitForService(engine, update, { timeoutMs: 60_000, ...clock() }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConvergeError);
  expect((err as Error).message).toBe(
    "service shop_web: Swarm paused the update: update paused due to failure or early termination of task abc; last task error: shop_web.1 (task new1) failed: task: non-zero exit (1)",
  );
});

test("a rolled-back update fails once the rollback completes, and says so", async () => {
  const failed = task("new1", { desiredState: "shutdown", state: "failed", error: "task: non-zero exit (1)" });
  const engine = scripted([
    { svc: service({ state: "rollback_started", message: "update rolled back due to failure", startedAt: "T1" }), tasks: [task("old2", { slot: 2 }), failed] },
    {
      svc: service({ state: "rollback_completed", message: "rollback completed", startedAt: "T1" }),
      tasks: [task("old2", { slot: 2 }), task("back1"), failed],
    },
  ]);
  const seen: string[] = [];
  const err = (await waitForService(engine, update, { timeoutMs: 60_000, onWaiting: (m) => seen.push(m), ...clock() }).catch(
    (e: unknown) => e,
  )) as ConvergeError;
  expect(err.rolledBack).toBe(true);
  expect(err.message).toContain(
    "the update failed and Swarm rolled back to the previous spec (rollback completed); last task error: shop_web.1 (task new1) failed: task: non-zero exit (1)",
  );
  expect(seen).toEqual(["shop_web: rolling back (update rolled back due to failure)"]);
});

test("a new service must stay running for the stable time: a task that runs for an instant and exits does not count", async () => {
  const c = clock();
  const flap = { svc: service(), tasks: [task("t1")] };
  const dead = {
    svc: service(),
    tasks: [task("t1", { desiredState: "shutdown", state: "failed", error: "task: non-zero exit (1)" }), task("t2", { state: "starting" })],
  };
  const engine = scripted([flap, dead, dead, dead]);
  const input: WaitInput = { serviceId: "s1", engineName: "shop_web", replicas: 1, before: new Set(), newTasks: true, stableMs: 3000 };
  await expect(waitForService(engine, input, { timeoutMs: 4_000, ...c })).rejects.toThrow(
    /did not converge within 4s .*last task error: shop_web\.1 \(task t1\) failed: task: non-zero exit \(1\)/,
  );
});

const created: WaitInput = { serviceId: "s1", engineName: "shop_web", replicas: 1, before: new Set(), newTasks: true };

test("a new service whose tasks keep failing ends early, naming the last task's error", async () => {
  const failing = [1, 2, 3].map((n) =>
    task(`t${n}`, { state: "failed", desiredState: "shutdown", error: "task: non-zero exit (1)", timestamp: `2026-01-01T00:00:0${n}Z` }),
  );
  const engine = scripted([{ svc: service(), tasks: failing }]);
  const c = clock();
  await expect(waitForService(engine, created, { timeoutMs: 120_000, maxFailures: 3, ...c })).rejects.toThrow(
    "service shop_web: tasks keep failing (3 failed); last task error: shop_web.1 (task t3) failed: task: non-zero exit (1)",
  );
  expect(c.now()).toBeLessThan(5_000);
});

test("tasks rejected because the overlay sandbox could not be joined yet do not end the wait: Swarm retries them and the service converges", async () => {
  const vxlan = 'network sandbox join failed: subnet sandbox join failed for "10.0.1.0/24": error creating vxlan interface: file exists';
  const rejected = [1, 2, 3, 4].map((n) => task(`r${n}`, { state: "rejected", desiredState: "shutdown", error: vxlan, timestamp: `2026-01-01T00:00:0${n}Z` }));
  const engine = scripted([
    { svc: service(), tasks: rejected.slice(0, 3) },
    { svc: service(), tasks: rejected },
    { svc: service(), tasks: [...rejected, task("ok")] },
  ]);
  await expect(waitForService(engine, created, { timeoutMs: 120_000, maxFailures: 3, ...clock() })).resolves.toBeUndefined();
});

test("a transient rejection that never clears still ends at the deadline, with the engine's error", async () => {
  const vxlan = "network sandbox join failed: error creating vxlan interface: file exists";
  const engine = scripted([
    {
      svc: service(),
      tasks: [...[1, 2, 3, 4, 5].map((n) => task(`r${n}`, { state: "rejected", desiredState: "shutdown", error: vxlan })), task("next", { state: "pending" })],
    },
  ]);
  await expect(waitForService(engine, created, { timeoutMs: 30_000, maxFailures: 3, ...clock() })).rejects.toThrow(
    /did not converge within 30s \(0 tasks running of 1\); last task error: .*error creating vxlan interface: file exists/,
  );
});
