/**
 * Upgrades keep running projects: a project applied by the CLI as it was before the target
 * contract (the pinned bundle in ../fixtures/previous, see its README) is planned by the current
 * code with no change at all, on both targets: no recreate, no rolling update, nothing.
 * Against the private test engines (compose: $DOCKER_HOST; Swarm: $BERTH_SWARM_DOCKER_HOST).
 * Wall time ≈ 40 s.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, type CliResult, useE2E, writeStack } from "./helpers";

const PREVIOUS = path.resolve(__dirname, "../fixtures/previous/cli-6300165.js");

/** The previous CLI, run as its own `dsl` would run it. */
function previous(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): CliResult {
  const res = spawnSync(process.execPath, [PREVIOUS, ...args], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: "1", ...opts.env },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { code: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Everything the previous CLI applied that a label or the spec records: env (sensitive too), mounts, networks, secrets, configs, health, ports, replicas. */
function composeStack(project: string, port: number): string {
  return `import { Config, Network, Secret, Service, Stack, Volume, sensitive } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const data = new Volume("data", { labels: { tier: "db" } });
const back = new Network("back");
const pw = new Secret("pw", { file: "./pw.txt" });
const token = new Secret("token", { environment: "UPGRADE_TOKEN" });
const conf = new Config("conf", { content: "a=1\\n" });
const db = new Service("db", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "touch /tmp/ok; exec sleep 3600"],
  init: true,
  environment: { MODE: "primary", PASSWORD: sensitive("upgrade-s3cret") },
  volumes: [{ source: data, target: "/data" }, { type: "bind", source: "./files", target: "/files", readOnly: true }, { type: "tmpfs", target: "/scratch" }],
  networks: [{ network: back, aliases: ["database"] }],
  healthcheck: { test: ["CMD", "test", "-f", "/tmp/ok"], interval: "1s", retries: 5 },
  secrets: [pw, { secret: token, target: "tok", mode: 0o400 }],
  configs: [{ config: conf, target: "/etc/app.conf" }],
  labels: { team: "data" },
  restart: "unless-stopped",
});
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  command: "sleep 3600",
  init: true,
  ports: ["127.0.0.1:${port}:80"],
  networks: [back],
  dependsOn: [{ service: db, condition: "healthy", restart: true }],
  stopGracePeriod: "3s",
});
new Service("worker", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, deploy: { replicas: 2 } });
export default stack;
`;
}

describeEngine("a project applied by the previous Berth", () => {
  const fx = useE2E();
  const env = { UPGRADE_TOKEN: "t0k3n" };

  test("is taken over by the current code with no change: diff is empty, apply does nothing", async () => {
    const project = fx.project("upgrade");
    const file = writeStack(composeStack(project, 18310));
    const dir = path.dirname(file);
    fs.writeFileSync(path.join(dir, "pw.txt"), "pw");
    fs.mkdirSync(path.join(dir, "files"));
    const old = previous(["apply", "--yes", file], { cwd: dir, env });
    expect(old.stderr).toBe("");
    expect(old.code).toBe(0);

    const d = dsl(["diff", "--exit-code", file], { cwd: dir, env });
    expect(d.stdout).toContain("No changes.");
    expect(d.code).toBe(0);
    const again = dsl(["apply", "--yes", file], { cwd: dir, env });
    expect(again.stdout).toContain(`No changes: "${project}"`);
    expect(dsl(["destroy", "--yes", "--volumes", file], { cwd: dir, env }).code).toBe(0);
  }, 180_000);
});

describeEngine("a Swarm stack applied by the previous Berth", () => {
  const HOST = process.env.BERTH_SWARM_DOCKER_HOST;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-upgrade-swarm-"));
  const stack = `bup-${randomBytes(3).toString("hex")}`;
  const env = () => ({ DOCKER_HOST: HOST, UPGRADE_KEY: "k3y" });

  beforeAll(() => {
    if (!HOST) throw new Error("BERTH_SWARM_DOCKER_HOST is not set: run `npm test` (it starts the private swarm engine), or BERTH_SKIP_ENGINE_TESTS=1");
  });
  afterAll(() => {
    if (HOST) dsl(["destroy", "--yes", "--target", "swarm", "-p", stack], { cwd: dir, env: env() });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("is taken over by the current code with no change", () => {
    fs.writeFileSync(path.join(dir, "pw.txt"), "swarm-pw");
    fs.writeFileSync(
      path.join(dir, "stack.ts"),
      `import { Network, Secret, Service, Stack, sensitive } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(stack)}, { target: "swarm" });
const pw = new Secret("pw", { file: "./pw.txt" });
const front = new Network("front", { attachable: true });
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
  environment: { GREETING: "hello", KEY: sensitive(process.env.UPGRADE_KEY ?? "") },
  secrets: [{ secret: pw, target: "pw", mode: 0o400 }],
  networks: [front],
  stopGracePeriod: "2s",
  deploy: { replicas: 2, updateConfig: { order: "start-first", parallelism: 1 }, labels: { tier: "web" } },
});
export default stack;
`,
    );
    const old = previous(["apply", "--yes"], { cwd: dir, env: env() });
    expect(old.stderr).toBe("");
    expect(old.code).toBe(0);
    const d = dsl(["diff", "--exit-code"], { cwd: dir, env: env() });
    expect(d.stdout).toContain("No changes.");
    expect(d.code).toBe(0);
  }, 180_000);
});
