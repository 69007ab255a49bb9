/**
 * Crash safety: a `dsl apply` (or destroy) killed at any moment leaves a project the next one
 * converges. Deterministic first: the test-only hook BERTH_FAULT_KILL_AFTER=N (see
 * runtime/src/engine/faults.ts) makes the process SIGKILL itself right after its Nth engine call,
 * and each scenario walks N = 1 … (the calls it makes): a cold apply, a recreate of every
 * service, a scale 3 → 1, a start-first rollout (the old container serves until the new one is
 * ready, whenever the kill comes), a destroy. After each death the next command must converge: exactly
 * the desired containers, running, none parked, no lock left, the volume's data intact, and a
 * diff after it empty. Then 20 SIGKILLs at random times, an engine restart in the middle of an
 * apply, and engine errors injected by a proxy on the socket.
 *
 * It runs on an engine of its own (scripts/test.sh starts it: $BERTH_FAULT_DOCKER_HOST, state in
 * $BERTH_FAULT_ENGINE_DIR), which it restarts. Wall time ≈ 9 min.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DSL } from "../helpers";
import { BUSYBOX, REPO, describeEngine, type CliResult } from "./helpers";
import { faultProxy, type FaultProxy } from "./fault-proxy";

const HOST = process.env.BERTH_FAULT_DOCKER_HOST ?? "";
const ENGINE_DIR = process.env.BERTH_FAULT_ENGINE_DIR ?? "";
const project = `bft-${randomBytes(3).toString("hex")}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-faults-"));

interface Want {
  readonly level: string;
  readonly replicas: number;
}

/** s0 holds the volume; s1 scales (and rolls out start-first when ROLL is set); all three change with LEVEL. s2 ignores SIGTERM when SLOW is set (a long stop, for the engine restart). */
const STACK = `import { Service, Stack, Volume } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const data = new Volume("data");
const env = { LEVEL: process.env.LEVEL ?? "info" };
const base = { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, stopGracePeriod: "1s", environment: env };
new Service("s0", { ...base, volumes: [{ source: data, target: "/data" }] });
const rolling = process.env.ROLL ? { healthcheck: { test: "true", interval: "200ms" }, updateConfig: { order: "start-first" as const } } : undefined;
new Service("s1", { ...base, healthcheck: rolling?.healthcheck, deploy: { replicas: Number(process.env.REPLICAS ?? 1), updateConfig: rolling?.updateConfig } });
new Service("s2", process.env.SLOW ? { ...base, init: false, command: ["sh", "-c", "trap '' TERM; sleep 3600"], stopGracePeriod: "4s" } : base);
export default stack;
`;

function envOf(want: Want, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, NO_COLOR: "1", DOCKER_HOST: HOST, LEVEL: want.level, REPLICAS: String(want.replicas), ...extra };
}

function dsl(args: readonly string[], env: NodeJS.ProcessEnv): CliResult & { signal: NodeJS.Signals | null } {
  const res = spawnSync(process.execPath, [DSL, ...args], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  return { code: res.status, signal: res.signal, stdout: res.stdout, stderr: res.stderr };
}

function dslAsync(args: readonly string[], env: NodeJS.ProcessEnv): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DSL, ...args], { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function docker(args: readonly string[]): string {
  const res = spawnSync("docker", [...args], { env: { ...process.env, DOCKER_HOST: HOST }, encoding: "utf8", timeout: 60_000 });
  if (res.status !== 0) throw new Error(`docker ${args.join(" ")}: ${res.stderr}`);
  return res.stdout.trim();
}

/** The project's containers: `name state LEVEL=…`, sorted. */
function containers(): string[] {
  const ids = docker(["ps", "-aq", "--filter", `label=com.docker.compose.project=${project}`])
    .split("\n")
    .filter(Boolean);
  if (!ids.length) return [];
  const rows = JSON.parse(docker(["inspect", ...ids])) as { Name: string; State: { Status: string }; Config: { Env: string[] } }[];
  return rows.map((r) => `${r.Name.slice(1)} ${r.State.Status} ${r.Config.Env.find((e) => e.startsWith("LEVEL=")) ?? ""}`).sort();
}

const locks = () =>
  docker(["volume", "ls", "-q", "--filter", `label=dev.berth.lock.project=${project}`])
    .split("\n")
    .filter(Boolean);
const marker = () => docker(["run", "--rm", "-v", `${project}_data:/data`, BUSYBOX, "cat", "/data/marker"]);

function expectConverged(want: Want): void {
  const names = ["s0-1", ...Array.from({ length: want.replicas }, (_, i) => `s1-${i + 1}`), "s2-1"].map((n) => `${project}-${n} running LEVEL=${want.level}`);
  expect(containers()).toEqual(names.sort());
  expect(locks()).toEqual([]);
  expect(marker()).toBe("keep");
  const d = dsl(["diff", "--exit-code"], envOf(want));
  expect(d.stdout).toContain("No changes.");
  expect(d.code).toBe(0);
}

function expectDestroyed(): void {
  expect(containers()).toEqual([]);
  expect(docker(["network", "ls", "-q", "--filter", `label=com.docker.compose.project=${project}`])).toBe("");
  expect(locks()).toEqual([]);
  expect(marker()).toBe("keep");
}

/** Converges to `want` (unkilled), so that a trial starts from a known state. */
function reach(want: Want): void {
  const res = dsl(["apply", "--yes"], envOf(want));
  if (res.code !== 0) throw new Error(`apply to reach ${JSON.stringify(want)} failed:\n${res.stdout}${res.stderr}`);
}

/** How many engine calls the command makes from the state it starts in (then the state is put back by the caller). */
function callsOf(args: readonly string[], want: Want): number {
  const file = path.join(dir, "calls");
  const res = dsl(args, envOf(want, { BERTH_FAULT_CALLS: file }));
  if (res.code !== 0) throw new Error(`${args.join(" ")} failed:\n${res.stdout}${res.stderr}`);
  return Number(fs.readFileSync(file, "utf8"));
}

/** Kills `args` after its Nth engine call, for every N; after each death, `recover` must converge. */
function walk(name: string, args: readonly string[], from: () => void, to: Want, recover: () => void): void {
  from();
  const calls = callsOf(args, to);
  expect(calls).toBeGreaterThan(5);
  for (let n = 1; n < calls; n++) {
    from();
    const res = dsl(args, envOf(to, { BERTH_FAULT_KILL_AFTER: String(n) }));
    if (res.signal !== "SIGKILL") throw new Error(`${name}: expected a death after call ${n} of ${calls}, got exit ${res.code}:\n${res.stdout}${res.stderr}`);
    try {
      recover();
    } catch (err) {
      throw new Error(`${name}: killed after engine call ${n} of ${calls}, the next run did not converge: ${(err as Error).message}`, { cause: err });
    }
  }
}

describeEngine("crash safety: a kill at any moment, and the next apply converges", () => {
  const start: Want = { level: "info", replicas: 1 };

  beforeAll(() => {
    if (!HOST || !ENGINE_DIR)
      throw new Error(
        "BERTH_FAULT_DOCKER_HOST / BERTH_FAULT_ENGINE_DIR are not set: run `npm test` (it starts the crash-safety suite's own engine), or BERTH_SKIP_ENGINE_TESTS=1",
      );
    fs.writeFileSync(path.join(dir, "stack.ts"), STACK);
    docker(["volume", "create", "--label", `com.docker.compose.project=${project}`, "--label", "com.docker.compose.volume=data", `${project}_data`]);
    docker(["run", "--rm", "-v", `${project}_data:/data`, BUSYBOX, "sh", "-c", "echo keep > /data/marker"]);
  }, 60_000);

  afterAll(() => {
    if (!HOST) return;
    dsl(["destroy", "--yes", "--volumes"], envOf(start));
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  const recoverTo = (want: Want) => () => {
    const res = dsl(["apply", "--yes"], envOf(want));
    if (res.code !== 0) throw new Error(`exit ${res.code}:\n${res.stdout}${res.stderr}`);
    expectConverged(want);
  };
  const destroyed = () => expect(dsl(["destroy", "--yes"], envOf(start)).code).toBe(0);

  test("a cold apply killed after any engine call", () => {
    walk("cold apply", ["apply", "--yes"], destroyed, start, recoverTo(start));
  }, 300_000);

  test("a recreate of every service killed after any engine call", () => {
    const changed = { level: "debug", replicas: 1 };
    walk("recreate all", ["apply", "--yes"], () => reach(start), changed, recoverTo(changed));
  }, 300_000);

  test("a scale 3 → 1 killed after any engine call", () => {
    const one = { level: "info", replicas: 1 };
    walk("scale 3 → 1", ["apply", "--yes"], () => reach({ level: "info", replicas: 3 }), one, recoverTo(one));
  }, 300_000);

  test("a start-first rollout killed after any engine call: a container of s1 is in its network and running at every kill, and the next apply converges", () => {
    const roll = { ROLL: "1" };
    const to = { level: "rolled", replicas: 1 };
    const from = () => expect(dsl(["apply", "--yes"], envOf(start, roll)).code).toBe(0);
    from();
    const file = path.join(dir, "calls");
    expect(dsl(["apply", "--yes"], envOf(to, { ...roll, BERTH_FAULT_CALLS: file })).code).toBe(0);
    const calls = Number(fs.readFileSync(file, "utf8"));
    expect(calls).toBeGreaterThan(5);
    for (let n = 1; n < calls; n++) {
      from();
      const res = dsl(["apply", "--yes"], envOf(to, { ...roll, BERTH_FAULT_KILL_AFTER: String(n) }));
      if (res.signal !== "SIGKILL")
        throw new Error(`start-first: expected a death after call ${n} of ${calls}, got exit ${res.code}:\n${res.stdout}${res.stderr}`);
      const serving = docker([
        "ps",
        "--filter",
        `label=com.docker.compose.project=${project}`,
        "--filter",
        "label=com.docker.compose.service=s1",
        "--filter",
        `network=${project}_default`,
        "--format",
        "{{.Names}}",
      ]);
      if (!serving) throw new Error(`start-first: killed after engine call ${n} of ${calls}, no container of s1 was running in the network`);
      const again = dsl(["apply", "--yes"], envOf(to, roll));
      if (again.code !== 0) throw new Error(`start-first: killed after call ${n} of ${calls}, the next apply failed:\n${again.stdout}${again.stderr}`);
      expect(containers()).toEqual([`${project}-s0-1 running LEVEL=rolled`, `${project}-s1-1 running LEVEL=rolled`, `${project}-s2-1 running LEVEL=rolled`]);
      expect(locks()).toEqual([]);
    }
  }, 400_000);

  test("a destroy killed after any engine call: the next destroy removes the rest, the volume stays", () => {
    walk(
      "destroy",
      ["destroy", "--yes"],
      () => reach(start),
      start,
      () => {
        expect(dsl(["destroy", "--yes"], envOf(start)).code).toBe(0);
        expectDestroyed();
      },
    );
  }, 300_000);

  test("20 SIGKILLs at random moments of a recreate: every next apply converges", async () => {
    reach(start);
    for (let i = 0; i < 20; i++) {
      const want = { level: i % 2 ? "info" : `random-${i}`, replicas: 1 + (i % 3) };
      const child = spawn(process.execPath, [DSL, "apply", "--yes"], { cwd: dir, env: envOf(want), stdio: "ignore" });
      const delay = 50 + Math.floor(Math.random() * 700);
      const timer = setTimeout(() => child.kill("SIGKILL"), delay);
      await new Promise((r) => child.on("exit", r));
      clearTimeout(timer);
      recoverTo(want)();
    }
  }, 300_000);

  test("an engine restart in the middle of an apply: exit 3 with the engine's words; the rerun converges", async () => {
    const slow = { SLOW: "1" };
    const was = dsl(["apply", "--yes"], envOf(start, slow));
    expect(was.code).toBe(0);
    const want = { level: "restarted", replicas: 1 };
    const child = spawn(process.execPath, [DSL, "apply", "--yes"], { cwd: dir, env: envOf(want, slow), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    // s2 ignores SIGTERM for 4 s: the engine dies (SIGKILL, a crash) while its recreate waits for the stop.
    await new Promise((r) => setTimeout(r, 1500));
    const pidFile = path.join(path.dirname(HOST.replace(/^unix:\/\//, "")), "dockerd.pid");
    process.kill(Number(fs.readFileSync(pidFile, "utf8")), "SIGKILL");
    const code = await new Promise((r) => child.on("exit", r));
    const env = { ...process.env, BERTH_TEST_ENGINE_DIR: ENGINE_DIR, BERTH_TEST_ENGINE_PRIVATE: "1" };
    expect(spawnSync("bash", [path.join(REPO, "scripts/test-engine.sh"), "start"], { env, encoding: "utf8" }).status).toBe(0);
    expect(code).toBe(3);
    expect(out).toMatch(/error: .*(does not answer|socket hang up|ECONNRESET)/is);
    const res = dsl(["apply", "--yes"], envOf(want, slow));
    expect(res.code).toBe(0);
    expect(containers().every((c) => c.endsWith("running LEVEL=restarted"))).toBe(true);
    expect(locks()).toEqual([]);
    expect(marker()).toBe("keep");
    expect(dsl(["apply", "--yes"], envOf(start)).code).toBe(0);
  }, 180_000);

  describe("engine errors injected on the socket", () => {
    let proxy: FaultProxy;
    beforeAll(async () => {
      proxy = await faultProxy(HOST.replace(/^unix:\/\//, ""), path.join(dir, "proxy.sock"));
    });
    afterAll(() => proxy?.close());

    test.each([
      ["a 500 on the third container create", "fail" as const, /injected engine failure/],
      ["the connection closed after the third create reached the engine", "drop" as const, /does not answer|socket hang up|ECONNRESET/],
    ])(
      "%s: a clear error (exit 3), nothing lost, and the rerun converges",
      async (_what, fault, message) => {
        const want = { level: `proxy-${fault}`, replicas: 1 };
        expect(dsl(["destroy", "--yes"], envOf(start)).code).toBe(0);
        proxy.inject({ method: "POST", path: /^\/(v[\d.]+\/)?containers\/create/, nth: 3, fault });
        // Not spawnSync: the proxy answers from this process's event loop.
        const res = await dslAsync(["apply", "--yes"], envOf(want, { DOCKER_HOST: `unix://${proxy.socket}` }));
        expect(res.code).toBe(3);
        expect(res.stderr).toMatch(message);
        expect(marker()).toBe("keep");
        recoverTo(want)();
      },
      120_000,
    );
  });
});
