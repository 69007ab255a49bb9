/**
 * The executor and the compose target's steps, against a fake engine that records every call
 * (any call the test did not expect throws, so an unexpected engine call fails the test).
 */
import type { Graph } from "@berth/dsl";
import { planCompose, planComposeDestroy } from "../src/compose/plan";
import { composeOps } from "../src/compose/ops";
import type { Observed, ObservedContainer } from "../src/compose/observed";
import { resolveDesired } from "../src/desired/resolve";
import type { ContainerDetails, Engine } from "../src/engine/types";
import { acquireLock, LockedError, type LockEngine } from "../src/target/lock";
import { ApplyError, execute, type ProgressEvent } from "../src/target/execute";

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
const defaultNetwork = { id: "n", name: "p_default", logicalName: "default", driver: "bridge", labels: {} };

/** A fake engine that records calls (`name <first argument>`); any method not given throws. */
function fakeEngine(overrides: Partial<Engine>, calls: string[]): Engine {
  return new Proxy({ endpoint: "fake" } as Engine, {
    get(target, name: string) {
      if (name === "endpoint") return target.endpoint;
      if (name === "then") return undefined;
      const impl = (overrides as Record<string, ((...a: unknown[]) => unknown) | undefined>)[name];
      return async (...args: unknown[]) => {
        const first = args[0] as string | { name?: string; Name?: string };
        calls.push(`${name} ${typeof first === "string" ? first : (first?.name ?? first?.Name)}`);
        if (!impl) throw new Error(`unexpected engine call: ${name}`);
        return impl(...args);
      };
    },
  });
}

const instantClock = { now: () => 0, sleep: async () => undefined };
const healthy = (name: string): ContainerDetails => ({ id: name, name, status: "running", exitCode: 0, health: "healthy" }) as ContainerDetails;

function running(service: string, id: string): ObservedContainer {
  return {
    id,
    name: `p-${service}-1`,
    service,
    number: 1,
    oneoff: false,
    state: "running",
    status: "Up",
    image: `${service}:1`,
    imageId: "i",
    labels: {},
    networks: [],
  };
}

describe("execute", () => {
  test("runs networks first, then the dependency, waits until it is healthy, then its dependent; a created container's id flows to its start", async () => {
    const calls: string[] = [];
    const engine = fakeEngine(
      {
        createNetwork: async () => "net",
        createContainer: async (body) => `id-${(body as { name: string }).name}`,
        startContainer: async () => undefined,
        inspectContainer: async (name) => healthy(name),
      },
      calls,
    );
    const desired = resolveDesired(g, { dir: "/s", env: {} });
    const events: ProgressEvent[] = [];
    await execute(planCompose(desired, observedNothing), { engine, ops: composeOps, clock: instantClock, onProgress: (e) => events.push(e) });
    expect(calls).toEqual([
      "createNetwork p_default",
      "createContainer p-db-1",
      "startContainer id-p-db-1",
      "inspectContainer p-db-1",
      "createContainer p-web-1",
      "startContainer id-p-web-1",
    ]);
    const done = events.filter((e) => e.type === "action" && e.status === "done").map((e) => e.action.id);
    expect(done).toEqual(["network:default", "service:db:1", "wait:db", "service:web:1"]);
  });

  test("a recreate whose new container cannot start puts the old one back, running, under its name, and names service and port", async () => {
    const calls: string[] = [];
    const desired = resolveDesired(g, { dir: "/s", env: {} });
    const observed: Observed = { ...observedNothing, networks: [defaultNetwork], containers: [running("web", "old0000000000000")] };
    const engine = fakeEngine(
      {
        inspectContainer: async (name) => healthy(name),
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
    const run = execute(planCompose(desired, observed, { services: ["web"] }), { engine, ops: composeOps, clock: instantClock });
    await expect(run).rejects.toThrow(ApplyError);
    await expect(run).rejects.toThrow(
      /service "web": container p-web-1 failed to start: host port 127.0.0.1:8080 is already in use.*\(rolled back: the previous container p-web-1 is running again\)/,
    );
    expect(calls).toEqual([
      "inspectContainer p-db-1",
      "renameContainer old0000000000000",
      "createContainer p-web-1",
      "stopContainer old0000000000000",
      "startContainer new",
      // the undo, newest first: the old one runs again, the new one goes, the old one gets its name back
      "startContainer old0000000000000",
      "removeContainer new",
      "renameContainer old0000000000000",
    ]);
  });

  test("a failure after the new container started (removing the old one) is reported, and nothing is rolled back", async () => {
    const calls: string[] = [];
    const desired = resolveDesired(g, { dir: "/s", env: {} });
    const observed: Observed = { ...observedNothing, networks: [defaultNetwork], containers: [running("db", "olddb00000000000")] };
    const engine = fakeEngine(
      {
        renameContainer: async () => undefined,
        createContainer: async () => "newdb",
        stopContainer: async () => undefined,
        startContainer: async () => undefined,
        removeContainer: async () => {
          throw new Error("removal of container olddb in progress");
        },
      },
      calls,
    );
    const err = (await execute(planCompose(desired, observed, { services: ["db"] }), { engine, ops: composeOps, clock: instantClock }).catch(
      (e: unknown) => e,
    )) as ApplyError;
    expect(err.message).toContain("removal of container olddb in progress");
    expect(err.message).not.toContain("rolled back");
    expect(calls.slice(-2)).toEqual(["startContainer newdb", "removeContainer olddb00000000000"]);
  });

  test("after an abort no new action starts, and an action under way runs to its end (a recreate is never left half done)", async () => {
    const calls: string[] = [];
    const ctl = new AbortController();
    const desired = resolveDesired({ ...g, services: { db: g.services.db, other: { name: "other", location: here, image: "o:1" } } }, { dir: "/s", env: {} });
    const observed: Observed = {
      ...observedNothing,
      networks: [defaultNetwork],
      containers: [running("db", "olddb00000000000"), running("other", "oldother00000000")],
    };
    const engine = fakeEngine(
      {
        renameContainer: async () => ctl.abort(), // Ctrl-C right after the first step of the first recreate
        createContainer: async (body) => `new-${(body as { name: string }).name}`,
        stopContainer: async () => undefined,
        startContainer: async () => undefined,
        removeContainer: async () => undefined,
      },
      calls,
    );
    const run = execute(planCompose(desired, observed, { forceRecreate: true }), {
      engine,
      ops: composeOps,
      clock: instantClock,
      signal: ctl.signal,
      parallel: 1,
    });
    await expect(run).rejects.toThrow(/not done: service:other:1/);
    expect(calls).toEqual([
      "renameContainer olddb00000000000",
      "createContainer p-db-1",
      "stopContainer olddb00000000000",
      "startContainer new-p-db-1",
      "removeContainer olddb00000000000",
    ]);
  });

  test("a container whose second network cannot be attached is removed again, not left under the service's name", async () => {
    const calls: string[] = [];
    const two: Graph = {
      ...g,
      networks: { front: { name: "front", location: here }, back: { name: "back", location: here } },
      services: { web: { ...g.services.web, dependsOn: undefined, networks: { front: {}, back: {} } } },
    };
    const desired = resolveDesired(two, { dir: "/s", env: {} });
    const nets = ["front", "back"].map((n) => ({ id: n, name: `p_${n}`, logicalName: n, driver: "bridge", labels: {} }));
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
    await expect(execute(planCompose(desired, { ...observedNothing, networks: nets }), { engine, ops: composeOps, clock: instantClock })).rejects.toThrow(
      /no such network/,
    );
    expect(calls).toEqual(["createContainer p-web-1", "connectNetwork p_back", "removeContainer new0"]);
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

describe("removing a network", () => {
  const removal = planComposeDestroy({
    ...observedNothing,
    networks: [{ id: "abc", name: "p_default", logicalName: "default", driver: "bridge", labels: {} }],
  });
  const refusal = () => new Error('cannot remove network "p_default": error while removing network: network p_default id abc has active endpoints');
  const fakeClock = () => {
    const c = { t: 0, now: () => c.t, sleep: async (ms: number) => void (c.t += ms) };
    return c;
  };

  test("the engine still reports active endpoints on is removed once they are gone", async () => {
    const calls: string[] = [];
    let refusals = 2;
    const engine = fakeEngine(
      {
        removeNetwork: async () => {
          if (refusals-- > 0) throw refusal();
        },
      },
      calls,
    );
    await execute(removal, { engine, ops: composeOps, clock: fakeClock() });
    expect(calls).toEqual(["removeNetwork abc", "removeNetwork abc", "removeNetwork abc"]);
  });

  test("whose endpoint's container is gone (Docker 20.10's stale endpoint) is force-disconnected after 2 s of refusals, then removed", async () => {
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
    const clock = fakeClock();
    await execute(removal, { engine, ops: composeOps, clock });
    expect(calls.filter((c) => !c.startsWith("removeNetwork"))).toEqual(["networkEndpoints abc", "inspectContainer gone0", "disconnectNetwork abc"]);
    expect(calls[calls.length - 1]).toBe("removeNetwork abc");
    expect(clock.t).toBe(2_000);
  });

  test("that the engine counts but does not list (its count is wrong) fails after 2 s, saying that only an engine restart clears it", async () => {
    const engine = fakeEngine({ removeNetwork: async () => Promise.reject(refusal()), networkEndpoints: async () => [] }, []);
    const clock = fakeClock();
    const err = await execute(removal, { engine, ops: composeOps, clock }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(
      'cannot remove network "p_default": the engine says it has active endpoints but lists none (a Docker Engine bug that lasts until the engine restarts); restart dockerd',
    );
    expect(clock.t).toBe(2_000);
  });

  test("of a container that still exists is left alone, and the error names that container", async () => {
    const calls: string[] = [];
    const engine = fakeEngine(
      {
        removeNetwork: async () => Promise.reject(refusal()),
        networkEndpoints: async () => [{ containerId: "live0", name: "intruder" }],
        inspectContainer: async () => healthy("intruder"),
      },
      calls,
    );
    const err = await execute(removal, { engine, ops: composeOps, clock: fakeClock() }).catch((e: unknown) => e);
    expect(String((err as Error).message)).toContain(
      'cannot remove network "p_default": container intruder outside the plan is still attached to it; disconnect or remove it, then run the command again',
    );
    expect(calls.some((c) => c.startsWith("disconnectNetwork"))).toBe(false);
  });
});
