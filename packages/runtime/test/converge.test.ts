/**
 * One test table for the one driver: dry run, a declined confirmation, lock contention, a plan
 * that changed under the lock (refused when confirmed, re-shown and applied with --yes), an
 * abort mid-apply, and a failure — the same tests against the compose target (the private test
 * engine, $DOCKER_HOST) and the Swarm target (the private single-node swarm,
 * $BERTH_SWARM_DOCKER_HOST). Each test deploys its own project and removes it. Wall time ≈ 90 s.
 */
import { randomBytes } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph, ServiceSpec } from "@berth/dsl";
import { apply, destroy, type ApplyOptions, type Prepared } from "../src/deploy";
import { resolveDesired } from "../src/desired/resolve";
import { createEngine, type Engine } from "../src/engine";
import { Labels, StackLabels } from "../src/labels";
import { PlanChangedError } from "../src/target/converge";
import { ApplyError } from "../src/target/execute";
import { acquireLock, LockedError, lockPort } from "../src/target/lock";
import type { Plan, TargetName } from "../src/target/types";
import { BUSYBOX, describeEngine } from "./helpers/engine";

const here = { file: "stack.ts", line: 1, column: 1 };
const dir = path.join(os.tmpdir(), "berth-converge");

interface Row {
  readonly target: TargetName;
  readonly host: () => string | undefined;
  /** What the project has on the engine: containers or services, and networks, by name. */
  inventory(engine: Engine, project: string): Promise<string[]>;
  /** Someone else makes the project's default network, so the plan made before is no longer right. */
  interfere(engine: Engine, project: string): Promise<void>;
  /** A service that cannot run on this target. */
  readonly broken: Partial<ServiceSpec>;
}

const rows: Row[] = [
  {
    target: "compose",
    host: () => process.env.DOCKER_HOST,
    inventory: async (engine, project) => {
      const mine = { labels: { [Labels.project]: project } };
      const [cs, ns] = await Promise.all([engine.listContainers({ ...mine, all: true }), engine.listNetworks(mine)]);
      return [...cs.map((c) => c.name), ...ns.map((n) => n.name)].sort();
    },
    interfere: async (engine, project) =>
      void (await engine.createNetwork({ Name: `${project}_default`, Labels: { [Labels.project]: project, [Labels.network]: "default" } })),
    // The engine refuses to make a container whose bind source is missing (when it must not create it).
    broken: { volumes: [{ type: "bind", source: "/no/such/dir", target: "/x", createHostPath: false }] },
  },
  {
    target: "swarm",
    host: () => process.env.BERTH_SWARM_DOCKER_HOST,
    inventory: async (engine, project) => {
      const mine = { labels: { [StackLabels.namespace]: project } };
      const [ss, ns] = await Promise.all([engine.listServices(mine), engine.listNetworks(mine)]);
      return [...ss.map((s) => s.name), ...ns.map((n) => n.name)].sort();
    },
    interfere: async (engine, project) =>
      void (await engine.createNetwork({ Name: `${project}_default`, Driver: "overlay", Labels: { [StackLabels.namespace]: project } })),
    // Its tasks exit at once and are not restarted.
    broken: { command: ["sh", "-c", "exit 1"], deploy: { restartPolicy: { condition: "none" } } },
  },
];

const sleeper = (patch: Partial<ServiceSpec> = {}): Partial<ServiceSpec> => ({
  image: BUSYBOX,
  command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
  init: true,
  stopGracePeriod: "2s",
  ...patch,
});

function stack(project: string, services: Record<string, Partial<ServiceSpec>> = { a: sleeper(), b: sleeper() }): Prepared {
  const svcs: Record<string, ServiceSpec> = {};
  for (const [name, s] of Object.entries(services)) svcs[name] = { name, location: here, ...s };
  const graph: Graph = { version: 1, project, location: here, services: svcs, networks: {}, volumes: {}, secrets: {}, configs: {} };
  return { graph, desired: resolveDesired(graph, { dir, env: {} }), file: path.join(dir, "stack.ts") };
}

describe.each(rows)("converge on the $target target", (row) => {
  const run = describeEngine;
  run("", () => {
    let engine: Engine;
    const projects: string[] = [];
    const project = (what: string) => {
      const p = `bcv${row.target[0]}-${what}-${randomBytes(3).toString("hex")}`;
      projects.push(p);
      return p;
    };
    const opts = (o: ApplyOptions = {}): ApplyOptions => ({ target: row.target, pollMs: 200, waitTimeoutMs: 60_000, ...o });

    beforeAll(async () => {
      const host = row.host();
      if (!host) throw new Error(`no engine for the ${row.target} target: run \`npm test\` (it starts the private engines), or BERTH_SKIP_ENGINE_TESTS=1`);
      engine = createEngine({ host });
      await engine.version();
    }, 30_000);
    afterAll(async () => {
      for (const p of projects) await destroy(engine, { project: p }, { target: row.target }).catch(() => undefined);
    }, 120_000);

    test("a dry run shows the plan and changes nothing", async () => {
      const p = project("dry");
      const shown: Plan[] = [];
      const out = await apply(engine, stack(p), opts({ dryRun: true, onPlan: (plan) => shown.push(plan) }));
      expect(out.result).toBe("dry-run");
      expect(shown.map((x) => x.actions.filter((a) => a.kind === "service").map((a) => a.resource))).toEqual([expect.arrayContaining(["a", "b"])]);
      expect(await row.inventory(engine, p)).toEqual([]);
    });

    test("a declined confirmation changes nothing and leaves no lock", async () => {
      const p = project("no");
      const out = await apply(engine, stack(p), opts({ confirm: async () => false }));
      expect(out.result).toBe("declined");
      expect(await row.inventory(engine, p)).toEqual([]);
      expect(await engine.listVolumes({ labels: { "dev.berth.lock.project": p } })).toEqual([]);
    });

    test("a project locked by a live holder is refused, naming the holder, and nothing changes", async () => {
      const p = project("lock");
      const held = await acquireLock(lockPort(engine), p, { purpose: "another apply" });
      try {
        await expect(apply(engine, stack(p), opts())).rejects.toThrow(LockedError);
        await expect(apply(engine, stack(p), opts())).rejects.toThrow(new RegExp(`"${p}" is locked by another apply \\(pid ${process.pid}`));
        expect(await row.inventory(engine, p)).toEqual([]);
      } finally {
        await held.release();
      }
    });

    test("a confirmed plan that changed before the lock was taken is refused: nothing is done", async () => {
      const p = project("moved");
      const confirm = async () => (await row.interfere(engine, p), true);
      await expect(apply(engine, stack(p), opts({ confirm }))).rejects.toThrow(PlanChangedError);
      expect(await row.inventory(engine, p)).toEqual([`${p}_default`]);
    });

    test("with nothing confirmed (--yes), a plan that changed before the lock is shown again and applied", async () => {
      const p = project("yes");
      const seen: string[] = [];
      const onPlan = async (plan: Plan, why: string) => {
        seen.push(`${why}: ${plan.actions.filter((a) => a.verb !== "wait").length} actions`);
        if (why === "preview") await row.interfere(engine, p); // between the preview and the lock
      };
      const out = await apply(engine, stack(p), opts({ onPlan }));
      expect(out.result).toBe("applied");
      expect(seen).toEqual(["preview: 3 actions", "replanned: 2 actions"]);
      expect(await row.inventory(engine, p)).toEqual(
        row.target === "compose" ? [`${p}-a-1`, `${p}-b-1`, `${p}_default`] : [`${p}_a`, `${p}_b`, `${p}_default`],
      );
    }, 60_000);

    test("an abort mid-apply starts no new action, finishes the one under way, and the next apply converges", async () => {
      const p = project("abort");
      const ctl = new AbortController();
      const run1 = apply(
        engine,
        stack(p),
        opts({ parallel: 1, signal: ctl.signal, onProgress: (e) => e.type === "action" && e.status === "done" && ctl.abort() }),
      );
      await expect(run1).rejects.toThrow(/not done: /);
      const after = await row.inventory(engine, p);
      expect(after).toEqual([`${p}_default`]); // the network finished; no service started after the abort
      expect((await apply(engine, stack(p), opts())).result).toBe("applied");
      expect(await row.inventory(engine, p)).toHaveLength(3);
    }, 90_000);

    test("a service that cannot start fails the apply with an error naming it; the rest is reported as not done or done", async () => {
      const p = project("fail");
      const broken = { a: sleeper(), bad: sleeper(row.broken) };
      const err = (await apply(engine, stack(p, broken), opts({ waitTimeoutMs: 45_000 })).catch((e: unknown) => e)) as ApplyError;
      expect(err).toBeInstanceOf(ApplyError);
      expect(err.failures.map((f) => f.action.resource)).toEqual(["bad"]);
      expect(err.message).toMatch(/\/no\/such\/dir|non-zero exit|keep failing|ended/);
      // A good stack applies over the failed one.
      expect((await apply(engine, stack(p), opts())).result).toBe("applied");
    }, 90_000);
  });
});
