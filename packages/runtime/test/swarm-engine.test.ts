/**
 * The Swarm target against a real single-node swarm: the private engine that `npm test` starts
 * with `BERTH_TEST_ENGINE_SWARM=1` in its own state folder (never the shared test engine) and
 * exports as BERTH_SWARM_DOCKER_HOST. Not answering fails the suite, unless BERTH_SKIP_ENGINE_TESTS=1.
 * Each test deploys its own stack (`bts-<name>-<random>`) and everything is removed afterwards.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Graph, ServiceSpec } from "@berth/dsl";
import { apply, destroy, diff, type Prepared } from "../src/deploy";
import { resolveDesired } from "../src/desired/resolve";
import { createEngine, type Engine } from "../src/engine";
import { synthSwarm } from "../src/swarm";
import { swarmPs } from "../src/swarm/ps";
import { swarmTarget } from "../src/swarm/target";
import { execute } from "../src/target/execute";
import { formatPlan as formatSwarmPlan } from "../src/target/format";
import type { Plan } from "../src/target/types";
import { hash8 } from "../src/internal/hash";
import { BUSYBOX, describeEngine } from "./helpers/engine";

const HOST = process.env.BERTH_SWARM_DOCKER_HOST;
const BUSYBOX_2 = "berth-test/busybox:swarm-2";
const here = { file: "stack.ts", line: 4, column: 1 };

function docker(args: readonly string[], cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile("docker", [...args], { cwd, env: { ...process.env, DOCKER_HOST: HOST }, timeout: 120_000 }, (err, stdout, stderr) =>
      err ? reject(Object.assign(new Error(`docker ${args.join(" ")}: ${err.message}\n${stderr}`), { stdout, stderr })) : resolve({ stdout, stderr }),
    );
  });
}

describeEngine("Swarm target on a single-node swarm", () => {
  let engine: Engine;
  const stacks: string[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-swarm-"));

  beforeAll(async () => {
    if (!HOST)
      throw new Error(
        "BERTH_SWARM_DOCKER_HOST is not set: run the tests with `npm test` (it starts a private single-node swarm engine), or set BERTH_SKIP_ENGINE_TESTS=1 to skip them",
      );
    engine = createEngine({ host: HOST });
    try {
      await engine.version();
    } catch (err) {
      throw new Error(
        `no Docker engine answers at BERTH_SWARM_DOCKER_HOST=${HOST}: start it with\n  BERTH_TEST_ENGINE_DIR=$PWD/.test-engine-swarm BERTH_TEST_ENGINE_PRIVATE=1 BERTH_TEST_ENGINE_SWARM=1 bash scripts/test-engine.sh start\n${(err as Error).message}`,
        { cause: err },
      );
    }
    if (!(await engine.inspectSwarm())) throw new Error(`the engine at ${HOST} is not a swarm manager (the test engine should have run docker swarm init)`);
    const bb = await engine.inspectImage(BUSYBOX);
    if (!bb) throw new Error(`${BUSYBOX} is missing on ${HOST} (scripts/test-engine.sh start imports it)`);
    await engine.tagImage(BUSYBOX, "berth-test/busybox", "swarm-2");
  }, 60_000);

  afterAll(async () => {
    if (!engine) return;
    for (const s of stacks) await destroy(engine, { project: s }, { target: "swarm" }).catch(() => undefined);
    await docker(["image", "rm", BUSYBOX_2]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  function stackName(prefix: string): string {
    const name = `bts-${prefix}-${randomBytes(3).toString("hex")}`;
    stacks.push(name);
    return name;
  }

  function prepared(project: string, services: Record<string, Partial<ServiceSpec>>, extra: Partial<Graph> = {}): Prepared {
    const svcs: Record<string, ServiceSpec> = {};
    for (const [name, s] of Object.entries(services)) svcs[name] = { name, location: here, ...s };
    const graph: Graph = { version: 1, project, location: here, services: svcs, networks: {}, volumes: {}, secrets: {}, configs: {}, ...extra };
    return { graph, desired: resolveDesired(graph, { dir, env: {} }), file: path.join(dir, "stack.ts") };
  }

  const sleeper = (patch: Partial<ServiceSpec> = {}): Partial<ServiceSpec> => ({
    image: BUSYBOX,
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
    environment: { GREETING: "hello" },
    stopGracePeriod: "2s",
    ...patch,
  });

  async function running(stack: string, service: string): Promise<{ image: string }[]> {
    const ps = await swarmPs(engine, stack);
    const s = ps.services.find((x) => x.service === service);
    return (s?.tasks ?? []).filter((t) => t.desiredState === "running" && t.currentState === "running").map((t) => ({ image: t.image }));
  }

  test("replicas: 3 → all tasks running; a second apply plans nothing; an image tag or env change is a rolling update naming the field; scale 3 → 1 changes replicas only", async () => {
    const stack = stackName("web");
    const deploy = { replicas: 3, updateConfig: { parallelism: 2, order: "start-first" as const } };
    const first = await apply(engine, prepared(stack, { web: sleeper({ deploy }) }), { target: "swarm", pollMs: 200 });
    expect(first.result).toBe("applied");
    expect(await running(stack, "web")).toHaveLength(3);

    const again = await apply(engine, prepared(stack, { web: sleeper({ deploy }) }), { target: "swarm" });
    expect(again.result).toBe("no-changes");

    let shown = "";
    const retag = await apply(engine, prepared(stack, { web: sleeper({ deploy, image: BUSYBOX_2 }) }), {
      target: "swarm",
      onPlan: (p) => (shown = formatSwarmPlan(p)),
      pollMs: 200,
    });
    expect(retag.result).toBe("applied");
    expect(shown).toContain(`rolling update of 3 tasks (2 at a time, start-first, on failure pause): image "${BUSYBOX}" → "${BUSYBOX_2}"`);
    expect((await running(stack, "web")).map((t) => t.image)).toEqual([BUSYBOX_2, BUSYBOX_2, BUSYBOX_2]);

    const env = await apply(engine, prepared(stack, { web: sleeper({ deploy, image: BUSYBOX_2, environment: { GREETING: "hi" } }) }), {
      target: "swarm",
      onPlan: (p) => (shown = formatSwarmPlan(p)),
      pollMs: 200,
    });
    expect(env.result).toBe("applied");
    expect(shown).toContain('environment.GREETING "hello" → "hi"');

    const scaled = await apply(
      engine,
      prepared(stack, { web: sleeper({ deploy: { ...deploy, replicas: 1 }, image: BUSYBOX_2, environment: { GREETING: "hi" } }) }),
      { target: "swarm", pollMs: 200 },
    );
    expect(scaled.plan.actions.map((s) => s.changes)).toEqual([[{ path: "replicas", before: 3, after: 1, sensitive: false }]]);
    expect(scaled.plan.actions[0].rolling).toBeUndefined();
    expect(await running(stack, "web")).toHaveLength(1);
  }, 240_000);

  test("an update names the version it was planned from: a service changed by someone else in between is not overwritten", async () => {
    const stack = stackName("seq");
    await apply(engine, prepared(stack, { web: sleeper() }), { target: "swarm", pollMs: 200 });
    const plan = await diff(engine, prepared(stack, { web: sleeper({ environment: { GREETING: "mine" } }) }), { target: "swarm" });
    expect(plan.actions.map((s) => s.verb)).toEqual(["update"]);
    await docker(["service", "update", "--detach", "--env-add", "THEIRS=1", `${stack}_web`]);
    await expect(execute(plan, { engine, ops: swarmTarget.ops, pollMs: 200 })).rejects.toThrow(/update out of sequence/);
    const env = ((await engine.inspectService(`${stack}_web`))?.spec.TaskTemplate as { ContainerSpec: { Env: string[] } }).ContainerSpec.Env;
    expect(env).toEqual(expect.arrayContaining(["GREETING=hello", "THEIRS=1"]));
  }, 120_000);

  test("a command that exits 1 fails the apply within a bounded time with the task's error, and Swarm's rollback restores the previous spec", async () => {
    const stack = stackName("fail");
    const deploy = { replicas: 2, updateConfig: { failureAction: "rollback" as const, monitor: "3s" } };
    await apply(engine, prepared(stack, { app: sleeper({ deploy }) }), { target: "swarm", pollMs: 200 });
    const t0 = Date.now();
    const failing = apply(engine, prepared(stack, { app: sleeper({ deploy, command: ["sh", "-c", "echo boom; exit 1"] }) }), {
      target: "swarm",
      pollMs: 200,
      waitTimeoutMs: 90_000,
    });
    await expect(failing).rejects.toThrow(/the update failed and Swarm rolled back to the previous spec.*task: non-zero exit \(1\)/s);
    expect(Date.now() - t0).toBeLessThan(90_000);
    const svc = await engine.inspectService(`${stack}_app`);
    expect((svc?.spec.TaskTemplate as { ContainerSpec: { Args: string[] } }).ContainerSpec.Args).toEqual(sleeper().command);
    expect(svc?.updateStatus?.state).toBe("rollback_completed");
  }, 180_000);

  test("a new service whose tasks cannot start fails the apply with the task error instead of waiting forever", async () => {
    const stack = stackName("crash");
    const failing = apply(engine, prepared(stack, { app: sleeper({ command: ["sh", "-c", "exit 1"], deploy: { restartPolicy: { delay: "1s" } } }) }), {
      target: "swarm",
      pollMs: 200,
      waitTimeoutMs: 60_000,
    });
    await expect(failing).rejects.toThrow(/bts-crash-\w+_app: tasks keep failing .*task: non-zero exit \(1\)/);
  }, 120_000);

  test("a built service runs its image under a content tag: a rebuild with the same output changes nothing, a new output rolls the service", async () => {
    const stack = stackName("build");
    const ctx = path.join(dir, stack);
    fs.mkdirSync(ctx);
    fs.writeFileSync(
      path.join(ctx, "Dockerfile"),
      `FROM ${BUSYBOX}\nCOPY msg /msg\nCMD ["sh", "-c", "trap 'exit 0' TERM; cat /msg; while true; do sleep 1; done"]\n`,
    );
    fs.writeFileSync(path.join(ctx, "msg"), "one\n");
    const image = `${stack}-app:1`;
    const p = () => prepared(stack, { app: { image, build: { context: `./${stack}` }, stopGracePeriod: "2s" } });
    try {
      const first = await apply(engine, p(), { target: "swarm", pollMs: 200 });
      const tag1 = first.plan.actions.find((s) => s.kind === "service")?.image;
      expect(tag1).toMatch(new RegExp(`^${stack}-app:berth-[0-9a-f]{12}$`));
      expect((await apply(engine, p(), { target: "swarm" })).result).toBe("no-changes");
      fs.writeFileSync(path.join(ctx, "msg"), "two\n");
      const second = await apply(engine, p(), { target: "swarm", pollMs: 200 });
      const change = second.plan.actions[0].changes?.find((c) => c.path === "image");
      expect(change).toMatchObject({ before: tag1, after: expect.stringMatching(/:berth-[0-9a-f]{12}$/) });
      expect(change?.after).not.toBe(tag1);
      expect(second.plan.actions[0].rolling).toBeDefined();
    } finally {
      await destroy(engine, { project: stack }, { target: "swarm" });
      const imgs = await engine.listImages({ references: [`${stack}-app`] });
      for (const i of imgs) await docker(["image", "rm", "--force", ...i.repoTags]).catch(() => undefined);
    }
  }, 180_000);

  test("docker stack ps lists the tasks Berth created, and docker stack rm removes them", async () => {
    const stack = stackName("cli");
    await apply(engine, prepared(stack, { web: sleeper({ deploy: { replicas: 2 } }) }), { target: "swarm", pollMs: 200 });
    const ps = await docker(["stack", "ps", stack, "--format", "{{.Name}} {{.DesiredState}} {{.CurrentState}}"]);
    expect(
      ps.stdout
        .trim()
        .split("\n")
        .map((l) => l.split(" ").slice(0, 2).join(" "))
        .sort(),
    ).toEqual([`${stack}_web.1 Running`, `${stack}_web.2 Running`]);
    await docker(["stack", "rm", stack]);
    expect(await engine.listServices({ labels: { "com.docker.stack.namespace": stack } })).toEqual([]);
    // Right away again: the removed overlay network still lingers on the node for a moment.
    const again = await apply(engine, prepared(stack, { web: sleeper({ deploy: { replicas: 2 } }) }), { target: "swarm", pollMs: 200 });
    expect(again.result).toBe("applied");
    expect(await running(stack, "web")).toHaveLength(2);
  }, 120_000);

  test("a stack deployed with docker stack deploy -c <our stack file> is adopted with no change", async () => {
    const stack = stackName("adopt");
    fs.writeFileSync(path.join(dir, "pw.txt"), "adopt-s3cret");
    const p = prepared(
      stack,
      {
        web: sleeper({
          secrets: [{ source: "pw", target: "pw", mode: 0o400 }],
          labels: { team: "a" },
          healthcheck: { test: ["CMD", "true"], interval: "2s", retries: 3 },
          capAdd: ["NET_ADMIN"],
          extraHosts: ["db.local:10.0.0.5"],
          init: true,
          volumes: [{ type: "tmpfs", target: "/scratch", size: 1 << 20 }],
          // Host settings docker stack deploy's file can say (not groupAdd, dnsOpt: an apply by Berth sets those).
          sysctls: { "net.core.somaxconn": 1024 },
          ulimits: { nofile: { soft: 1024, hard: 2048 } },
          dnsSearch: ["example.test"],
          logging: { driver: "json-file", options: { "max-size": "1m" } },
          deploy: {
            replicas: 2,
            resources: { limits: { cpus: "0.5", memory: 64 << 20 } },
            restartPolicy: { condition: "on-failure", delay: "1s", maxAttempts: 3 },
            updateConfig: { order: "start-first", delay: "1s" },
            placement: { constraints: ["node.role == manager"], preferences: [{ spread: "node.id" }] },
            labels: { tier: "web" },
          },
        }),
      },
      { secrets: { pw: { name: "pw", location: here, file: "./pw.txt" } } },
    );
    const file = path.join(dir, `${stack}.yml`);
    fs.writeFileSync(file, synthSwarm(p.graph, { contentHash: () => hash8("adopt-s3cret") }).yaml);
    await docker(["stack", "deploy", "-c", file, stack], dir);
    const plan = await diff(engine, p, { target: "swarm" });
    expect(formatSwarmPlan(plan)).toContain("No changes.");
    expect(plan.actions).toEqual([]);
    expect(plan.steps).toEqual([]);
  }, 120_000);

  test("host settings Swarm supports (sysctls, ulimits, groupAdd, dnsSearch, dnsOpt, logging), typed or in extra, reach docker service inspect; a second apply plans nothing", async () => {
    const stack = stackName("host");
    const web = sleeper({
      ulimits: { nofile: { soft: 1024, hard: 2048 } },
      groupAdd: ["100"],
      dnsSearch: ["example.test"],
      dnsOpt: ["ndots:2"],
      // The escape hatch, in compose's spelling: read as the typed props are.
      extra: { sysctls: { "net.core.somaxconn": 1024 }, logging: { driver: "json-file", options: { "max-size": "1m" } } },
    });
    const first = await apply(engine, prepared(stack, { web }), { target: "swarm", pollMs: 200 });
    expect(first.result).toBe("applied");
    expect(await running(stack, "web")).toHaveLength(1);
    const [inspected] = JSON.parse((await docker(["service", "inspect", `${stack}_web`])).stdout);
    const task = inspected.Spec.TaskTemplate;
    expect({
      sysctls: task.ContainerSpec.Sysctls,
      ulimits: task.ContainerSpec.Ulimits,
      groups: task.ContainerSpec.Groups,
      dns: task.ContainerSpec.DNSConfig,
      log: task.LogDriver,
    }).toEqual({
      sysctls: { "net.core.somaxconn": "1024" },
      ulimits: [{ Name: "nofile", Soft: 1024, Hard: 2048 }],
      groups: ["100"],
      dns: { Search: ["example.test"], Options: ["ndots:2"] },
      log: { Name: "json-file", Options: { "max-size": "1m" } },
    });
    const again = await apply(engine, prepared(stack, { web }), { target: "swarm" });
    expect(again.result).toBe("no-changes");
  }, 120_000);

  test("secrets and sensitive values never appear in the preview, the progress or the --json plan", async () => {
    const stack = stackName("secret");
    fs.writeFileSync(path.join(dir, "token.txt"), "t0ps3cret-file");
    const p = prepared(
      stack,
      { app: sleeper({ environment: { API_KEY: "t0ps3cret-env" }, sensitive: ["environment.API_KEY"], secrets: [{ source: "token" }] }) },
      { secrets: { token: { name: "token", location: here, file: "./token.txt" } } },
    );
    const out: string[] = [];
    let plan: Plan | undefined;
    await apply(engine, p, {
      target: "swarm",
      onPlan: (x) => {
        plan = x;
        out.push(formatSwarmPlan(x));
      },
      onProgress: (e) => out.push(JSON.stringify(e)),
      pollMs: 200,
    });
    const p2 = prepared(
      stack,
      { app: sleeper({ environment: { API_KEY: "n3w-t0ps3cret" }, sensitive: ["environment.API_KEY"], secrets: [{ source: "token" }] }) },
      { secrets: p.graph.secrets },
    );
    await apply(engine, p2, {
      target: "swarm",
      onPlan: (x) => out.push(formatSwarmPlan(x), JSON.stringify(x)),
      onProgress: (e) => out.push(JSON.stringify(e)),
      pollMs: 200,
    });
    const all = [...out, JSON.stringify(plan)].join("\n");
    expect(all).toContain("environment.API_KEY (sensitive) changed");
    for (const secret of ["t0ps3cret-file", "t0ps3cret-env", "n3w-t0ps3cret"]) expect(all).not.toContain(secret);
  }, 120_000);
});
