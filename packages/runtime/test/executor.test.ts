import type { Graph } from "@berth/dsl";
import { containerCreateBody } from "../src/apply/container-config";
import { execute, ApplyError, type ProgressEvent } from "../src/apply/executor";
import { createServiceContainer } from "../src/apply/steps";
import type { ApplyEngine, ContainerStateView } from "../src/apply/ports";
import { acquireLock, LockedError, type LockEngine } from "../src/apply/lock";
import { resolveDesired } from "../src/desired/resolve";
import type { Observed } from "../src/observed";
import { plan } from "../src/plan";

const here = { file: "stack.ts", line: 1, column: 1 };
const g: Graph = {
  version: 1,
  project: "p",
  location: here,
  services: {
    db: { name: "db", location: here, image: "db:1", healthcheck: { test: ["CMD", "true"] } },
    web: {
      name: "web",
      location: here,
      image: "web:1",
      dependsOn: { db: { condition: "service_healthy" } },
      ports: [{ target: 80, published: 8080, hostIp: "127.0.0.1", protocol: "tcp" }],
    },
  },
  networks: {},
  volumes: {},
  secrets: {},
  configs: {},
};
const observedNothing: Observed = {
  project: "p",
  endpoint: "fake",
  containers: [],
  networks: [],
  volumes: [],
  foreign: [],
  foreignNetworks: [],
  foreignVolumes: [],
  images: {},
};

/** A fake engine that records calls; any method not given throws, so unexpected calls fail the test. */
function fakeEngine(overrides: Partial<ApplyEngine>, calls: string[]): ApplyEngine {
  const unexpected = (name: string) => () => {
    throw new Error(`unexpected engine call: ${name}`);
  };
  const names = [
    "createNetwork",
    "removeNetwork",
    "connectNetwork",
    "disconnectNetwork",
    "networkEndpoints",
    "createVolume",
    "removeVolume",
    "createContainer",
    "startContainer",
    "unpauseContainer",
    "stopContainer",
    "removeContainer",
    "renameContainer",
    "inspectContainer",
  ] as const;
  const engine: Record<string, unknown> = { endpoint: "fake" };
  for (const n of names) {
    const impl = (overrides[n] as ((...a: unknown[]) => unknown) | undefined) ?? unexpected(n);
    engine[n] = async (...args: unknown[]) => {
      calls.push(`${n} ${typeof args[0] === "string" ? args[0] : ((args[0] as { name?: string; Name?: string }).name ?? (args[0] as { Name?: string }).Name)}`);
      return impl(...args);
    };
  }
  return engine as unknown as ApplyEngine;
}

const instantClock = { now: () => 0, sleep: async () => undefined };

describe("execute", () => {
  test("runs networks first, then the dependency, waits until it is healthy, then its dependent", async () => {
    const calls: string[] = [];
    const healthy: ContainerStateView = { id: "x", name: "p-db-1", status: "running", exitCode: 0, health: "healthy" };
    const engine = fakeEngine(
      {
        createNetwork: async () => "net",
        createContainer: async (body) => `id-${body.name}`,
        startContainer: async () => undefined,
        inspectContainer: async () => healthy,
      },
      calls,
    );
    const desired = resolveDesired(g, { dir: "/s", env: {} });
    const events: ProgressEvent[] = [];
    await execute(plan(desired, observedNothing), { engine, desired, clock: instantClock, onProgress: (e) => events.push(e) });
    expect(calls).toEqual([
      "createNetwork p_default",
      "createContainer p-db-1",
      "startContainer id-p-db-1",
      "inspectContainer p-db-1",
      "createContainer p-web-1",
      "startContainer id-p-web-1",
    ]);
    expect(events.filter((e) => e.status === "done").map((e) => e.step.id)).toEqual(["network:default", "service:db:1", "wait:db", "service:web:1"]);
  });

  test("a recreate whose new container cannot start puts the old one back and names service and port", async () => {
    const calls: string[] = [];
    const desired = resolveDesired(g, { dir: "/s", env: {} });
    const observed: Observed = {
      ...observedNothing,
      networks: [{ id: "n", name: "p_default", logicalName: "default", driver: "bridge", labels: {} }],
      containers: [
        {
          id: "old0000000000000",
          name: "p-web-1",
          service: "web",
          number: 1,
          oneoff: false,
          state: "running",
          status: "Up",
          image: "web:1",
          imageId: "i",
          labels: {},
          networks: [],
        },
      ],
    };
    const engine = fakeEngine(
      {
        inspectContainer: async (name) => ({ id: name, name, status: "running", exitCode: 0, health: "healthy" }),
        renameContainer: async () => undefined,
        createContainer: async () => "new",
        stopContainer: async () => undefined,
        startContainer: async (id) => {
          if (id === "new")
            throw new Error(
              "driver failed programming external connectivity: Error starting userland proxy: listen tcp4 127.0.0.1:8080: bind: address already in use",
            );
        },
        removeContainer: async () => undefined,
      },
      calls,
    );
    const p = plan(desired, observed, { services: ["web"] });
    const run = execute(p, { engine, desired, clock: instantClock });
    await expect(run).rejects.toThrow(ApplyError);
    await expect(run).rejects.toThrow(/service "web": container p-web-1 failed to start: host port 127.0.0.1:8080 is already in use/);
    expect(calls).toEqual([
      "inspectContainer p-db-1",
      "inspectContainer old0000000000000",
      "renameContainer old0000000000000",
      "createContainer p-web-1",
      "stopContainer old0000000000000",
      "startContainer new",
      "removeContainer new",
      "renameContainer old0000000000000",
      "startContainer old0000000000000",
    ]);
  });
});

describe("acquireLock", () => {
  /** Volumes by name, as the engine keeps them; `onList` runs after each list (another process acting in between). */
  function lockEngine(onList?: (vols: Map<string, Record<string, string>>) => void): LockEngine & { vols: Map<string, Record<string, string>> } {
    const vols = new Map<string, Record<string, string>>();
    return {
      vols,
      createVolume: async (body) => void (vols.has(body.Name as string) || vols.set(body.Name as string, body.Labels as Record<string, string>)),
      removeVolume: async (name) => void vols.delete(name),
      volumesLabelled: async (key, value) => {
        const out = [...vols].filter(([, l]) => l[key] === value).map(([name, labels]) => ({ name, labels }));
        onList?.(vols);
        return out;
      },
    };
  }
  const instant = { now: () => 0, sleep: async () => undefined };

  test("a second holder is refused with who holds the lock; the lock is one volume per holder, gone after release", async () => {
    const engine = lockEngine();
    const first = await acquireLock(engine, "blog", { pid: 100, hostname: "h", isAlive: () => true });
    expect([...engine.vols.keys()]).toEqual([expect.stringMatching(/^berth-lock-blog\.[0-9a-f]{12}$/)]);
    await expect(acquireLock(engine, "blog", { pid: 200, hostname: "h", isAlive: () => true, clock: instant })).rejects.toThrow(
      /project "blog" is locked by dsl apply \(pid 100 on h, since /,
    );
    expect(engine.vols.size).toBe(1);
    expect(await acquireLock(engine, "other", { pid: 200, hostname: "h", isAlive: () => true })).toBeDefined(); // another project is free
    await first.release();
    const again = await acquireLock(engine, "blog", { pid: 200, hostname: "h", isAlive: () => true });
    await again.release();
    expect([...engine.vols.values()].map((l) => l["dev.berth.lock.project"])).toEqual(["other"]);
  });

  test("a lock whose holder died on this host is taken over", async () => {
    const engine = lockEngine();
    await acquireLock(engine, "blog", { pid: 100, hostname: "h" });
    const lock = await acquireLock(engine, "blog", { pid: 200, hostname: "h", isAlive: (pid) => pid !== 100 });
    expect([...engine.vols.values()].map((l) => l["dev.berth.lock.pid"])).toEqual(["200"]);
    await lock.release();
  });

  test("two processes that list at the same moment both step back, and then exactly one holds the lock", async () => {
    // Process B creates its volume just after A's, so that A's first list sees both; B, having seen A's too, steps back.
    const b = "berth-lock-blog.bbbbbbbbbbbb";
    const engine = lockEngine((vols) => void vols.delete(b));
    let creates = 0;
    engine.createVolume = async (body) => {
      engine.vols.set(body.Name as string, body.Labels as Record<string, string>);
      if (creates++ === 0) engine.vols.set(b, { "dev.berth.lock.project": "blog", "dev.berth.lock.pid": "200", "dev.berth.lock.host": "h" });
    };
    const sleeps: number[] = [];
    const lock = await acquireLock(engine, "blog", {
      pid: 100,
      hostname: "h",
      isAlive: () => true,
      clock: { now: () => 0, sleep: async (ms) => void sleeps.push(ms) },
    });
    expect(sleeps).toHaveLength(1); // one random pause, then it held
    expect([...engine.vols.values()].map((l) => l["dev.berth.lock.pid"])).toEqual(["100"]);
    await lock.release();
    expect(engine.vols.size).toBe(0);
  });

  test("LockedError is a user error", () => {
    expect(new LockedError("p", "x").kind).toBe("user");
  });
});

test("a network the engine still reports active endpoints on is removed once they are gone", async () => {
  const calls: string[] = [];
  let refusals = 2;
  const engine = fakeEngine(
    {
      removeNetwork: async () => {
        if (refusals-- > 0) throw new Error('cannot remove network "p_default": error while removing network: network p_default id abc has active endpoints');
      },
    },
    calls,
  );
  const desired = resolveDesired(g, { dir: "/s", env: {} });
  const p = {
    project: "p",
    endpoint: "fake",
    keptVolumes: [],
    blockers: [],
    steps: [
      {
        id: "network:default",
        op: "remove" as const,
        kind: "network" as const,
        resource: "default",
        engineName: "p_default",
        existingId: "abc",
        cause: "destroy",
        after: [],
      },
    ],
  };
  let t = 0;
  await execute(p, { engine, desired, clock: { now: () => t, sleep: async (ms) => void (t += ms) } });
  expect(calls).toEqual(["removeNetwork abc", "removeNetwork abc", "removeNetwork abc"]);
});

describe("a network that keeps an endpoint", () => {
  const removal = {
    project: "p",
    endpoint: "fake",
    keptVolumes: [],
    blockers: [],
    steps: [
      {
        id: "network:default",
        op: "remove" as const,
        kind: "network" as const,
        resource: "default",
        engineName: "p_default",
        existingId: "abc",
        cause: "destroy",
        after: [],
      },
    ],
  };
  const refusal = () => new Error('cannot remove network "p_default": error while removing network: network p_default id abc has active endpoints');

  test("whose container is gone (Docker 20.10's stale endpoint) is force-disconnected after 2 s of refusals, then removed", async () => {
    const calls: string[] = [];
    let stale = true;
    const engine = fakeEngine(
      {
        removeNetwork: async () => {
          if (stale) throw refusal();
        },
        networkEndpoints: async () => (stale ? [{ containerId: "gone0", name: "p-web-1" }] : []),
        inspectContainer: async () => undefined,
        disconnectNetwork: async (_net, name, force) => void (stale = !(name === "p-web-1" && force)),
      },
      calls,
    );
    let t = 0;
    await execute(removal, { engine, desired: resolveDesired(g, { dir: "/s", env: {} }), clock: { now: () => t, sleep: async (ms) => void (t += ms) } });
    expect(calls.filter((c) => !c.startsWith("removeNetwork"))).toEqual(["networkEndpoints abc", "inspectContainer gone0", "disconnectNetwork abc"]);
    expect(calls[calls.length - 1]).toBe("removeNetwork abc");
    expect(t).toBe(2_000);
  });

  test("that the engine counts but does not list (its count is wrong) fails after 2 s, saying that only an engine restart clears it", async () => {
    const calls: string[] = [];
    const engine = fakeEngine(
      {
        removeNetwork: async () => {
          throw refusal();
        },
        networkEndpoints: async () => [],
      },
      calls,
    );
    let t = 0;
    const err = await execute(removal, {
      engine,
      desired: resolveDesired(g, { dir: "/s", env: {} }),
      clock: { now: () => t, sleep: async (ms) => void (t += ms) },
    }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(
      'cannot remove network "p_default": the engine says it has active endpoints but lists none (a Docker Engine bug that lasts until the engine restarts); restart dockerd',
    );
    expect(t).toBe(2_000);
  });

  test("of a container that still exists is left alone, and the error names that container", async () => {
    const calls: string[] = [];
    const engine = fakeEngine(
      {
        removeNetwork: async () => {
          throw refusal();
        },
        networkEndpoints: async () => [{ containerId: "live0", name: "intruder" }],
        inspectContainer: async () => ({ id: "live0", name: "intruder", status: "running", exitCode: 0 }),
      },
      calls,
    );
    let t = 0;
    const err = await execute(removal, {
      engine,
      desired: resolveDesired(g, { dir: "/s", env: {} }),
      clock: { now: () => t, sleep: async (ms) => void (t += ms) },
    }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(
      'cannot remove network "p_default": container intruder outside the plan is still attached to it; disconnect or remove it, then run the command again',
    );
    expect(calls.some((c) => c.startsWith("disconnectNetwork"))).toBe(false);
  });
});

test("a container whose second network cannot be attached is removed again, not left under the service's name", async () => {
  const calls: string[] = [];
  const two: Graph = {
    ...g,
    networks: { front: { name: "front", location: here }, back: { name: "back", location: here } },
    services: { web: { ...g.services.web, dependsOn: undefined, networks: { front: {}, back: {} } } },
  };
  const desired = resolveDesired(two, { dir: "/s", env: {} });
  const engine = fakeEngine(
    {
      createContainer: async () => "new0",
      connectNetwork: async () => {
        throw new Error('cannot connect "new0" to network "p_back": no such network');
      },
      removeContainer: async () => undefined,
    },
    calls,
  );
  const body = containerCreateBody({ desired, service: desired.services.web, number: 1 });
  await expect(createServiceContainer(engine, desired, desired.services.web, body)).rejects.toThrow(/no such network/);
  expect(calls).toEqual(["createContainer p-web-1", "connectNetwork p_back", "removeContainer new0"]);
});
