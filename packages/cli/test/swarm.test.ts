/**
 * `--target swarm` through the real `dsl` binary. The stack file's oracle is the docker CLI's
 * own stack loader (`docker stack config -c`, which validates against the stack schema without
 * an engine); the engine part runs against the private single-node swarm (BERTH_SWARM_DOCKER_HOST).
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse } from "yaml";
import { dsl } from "./helpers";

const SKIP_ENGINE = process.env.BERTH_SKIP_ENGINE_TESTS === "1";
const HOST = process.env.BERTH_SWARM_DOCKER_HOST;

const RICH = `import { Stack, Service, Secret, Config, Network, Volume, sensitive } from "@berth/dsl";
const stack = new Stack("rich");
const pw = new Secret("db_password", { file: "./pw.txt" });
const cfg = new Config("app_conf", { file: "./app.conf" });
const back = new Network("back", { attachable: true });
const data = new Volume("data");
new Service("api", {
  image: "berth-test/busybox:1",
  command: "sleep 100000",
  environment: { GREETING: "hello $USER", TOKEN: sensitive("t0k3n") },
  ports: [{ target: 8080, published: 18080, mode: "host" }],
  volumes: [{ source: data, target: "/data" }, { type: "tmpfs", target: "/tmp", size: "64m" }],
  secrets: [{ secret: pw, target: "pw", mode: 0o400 }],
  configs: [{ config: cfg, target: "/etc/app.conf" }],
  networks: [back],
  healthcheck: { test: ["CMD", "true"], interval: "10s", retries: 3 },
  init: true,
  capAdd: ["NET_ADMIN"],
  restart: "always",
  deploy: {
    replicas: 2,
    resources: { limits: { cpus: "0.5", memory: "128M" } },
    restartPolicy: { condition: "on-failure", delay: "2s", maxAttempts: 3 },
    updateConfig: { parallelism: 1, delay: "1s", failureAction: "rollback", order: "start-first" },
    rollbackConfig: { parallelism: 2 },
    placement: { constraints: ["node.role == manager"], preferences: [{ spread: "node.id" }] },
  },
});
new Service("agent", { image: "berth-test/busybox:1", command: ["sleep", "1000"], deploy: { mode: "global" } });
export default stack;
`;

describe("dsl synth --target swarm", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-swarm-cli-"));
    fs.writeFileSync(path.join(dir, "stack.ts"), RICH);
    fs.writeFileSync(path.join(dir, "pw.txt"), "pw");
    fs.writeFileSync(path.join(dir, "app.conf"), "a=1\n");
    fs.writeFileSync(
      path.join(dir, "local.ts"),
      `import { Stack, Service } from "@berth/dsl";\nconst s = new Stack("loc");\nnew Service("web", { image: "nginx:1.27",\n  ports: ["127.0.0.1:8080:80"] });\nexport default s;\n`,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test("writes a stack file that docker stack config accepts and reads back with the same deploy keys, and warns about what Swarm ignores at the user's line", () => {
    const res = dsl(["synth", "--target", "swarm", "-o", "out.yml"], { cwd: dir });
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('warning: stack.ts:7:1: service "api": restart is ignored by Swarm and left out: use deploy.restartPolicy');
    // The sensitive TOKEN is a reference the deployer's environment fills in.
    expect(fs.readFileSync(path.join(dir, "out.yml"), "utf8")).not.toContain("t0k3n");
    const back = parse(execFileSync("docker", ["stack", "config", "-c", "out.yml"], { cwd: dir, encoding: "utf8", env: { ...process.env, TOKEN: "t0k3n" } }));
    const api = back.services.api;
    expect(api.deploy).toMatchObject({
      replicas: 2,
      update_config: { parallelism: 1, delay: "1s", failure_action: "rollback", order: "start-first" },
      rollback_config: { parallelism: 2 },
      restart_policy: { condition: "on-failure", delay: "2s", max_attempts: 3 },
      placement: { constraints: ["node.role == manager"], preferences: [{ spread: "node.id" }] },
    });
    expect(back.services.agent.deploy.mode).toBe("global");
    expect(api.environment.GREETING).toBe("hello $USER");
    expect(api.environment.TOKEN).toBe("t0k3n");
    expect(api.ports).toEqual([{ mode: "host", target: 8080, published: 18080, protocol: "tcp" }]);
    expect(back.networks.back).toMatchObject({ driver: "overlay", attachable: true });
    expect(back.secrets.db_password.name).toMatch(/^rich_db_password_[0-9a-f]{8}$/);
    expect(back.configs.app_conf.name).toMatch(/^rich_app_conf_[0-9a-f]{8}$/);
  });

  test('a stack declared with target: "swarm" synthesizes a stack file without --target; --target compose still wins', () => {
    fs.writeFileSync(
      path.join(dir, "target.ts"),
      `import { Stack, Service } from "@berth/dsl";\nconst s = new Stack("tgt", { target: "swarm" });\nnew Service("web", { image: "berth-test/busybox:1", deploy: { replicas: 2 } });\nexport default s;\n`,
    );
    const swarm = dsl(["synth", "target.ts"], { cwd: dir });
    expect(swarm.code).toBe(0);
    expect(swarm.stdout).toMatch(/^# stack: tgt .*\nversion: "3\.8"\n/);
    expect(dsl(["synth", "--target", "compose", "target.ts"], { cwd: dir }).stdout).toMatch(/^# project: tgt\nservices:/);
  });

  test("a port bound to 127.0.0.1 is an error at the user's line, and nothing is written", () => {
    const res = dsl(["synth", "--target", "swarm", "local.ts"], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/local\.ts:3:1: service "web": ports\[0\] binds 127\.0\.0\.1, but Swarm publishes on every interface/);
  });
});

(SKIP_ENGINE ? describe.skip : describe)("dsl apply / ps / destroy --target swarm", () => {
  let dir: string;
  const stack = `btc-${randomBytes(3).toString("hex")}`;
  const env = () => ({ DOCKER_HOST: HOST });

  beforeAll(() => {
    if (!HOST) throw new Error("BERTH_SWARM_DOCKER_HOST is not set: run `npm test` (it starts the private swarm engine), or BERTH_SKIP_ENGINE_TESTS=1");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-swarm-cli-"));
    fs.writeFileSync(path.join(dir, "token.txt"), "file-s3cret-value");
    fs.writeFileSync(
      path.join(dir, "stack.ts"),
      `import { Stack, Service, Secret, sensitive } from "@berth/dsl";
const s = new Stack("${stack}");
const token = new Secret("token", { file: "./token.txt" });
new Service("app", { image: "berth-test/busybox:1", command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
  environment: { API_KEY: sensitive(process.env.KEY ?? "env-s3cret-one") }, secrets: [token], deploy: { replicas: 2 } });
export default s;
`,
    );
  });
  afterAll(() => {
    if (dir && HOST) dsl(["destroy", "--yes", "--target", "swarm"], { cwd: dir, env: env() });
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  test("apply converges and --json holds no secret; ps shows stack → service → tasks; a second apply changes nothing; destroy removes it all", () => {
    const apply = dsl(["--json", "apply", "--yes", "--target", "swarm"], { cwd: dir, env: env() });
    expect(apply.stderr).toBe("");
    expect(apply.code).toBe(0);
    // --json: progress events, one per line, then the result.
    const out = JSON.parse(apply.stdout.trim().split("\n").pop() ?? "");
    expect(out.event).toBe("result");
    expect(out.result).toBe("applied");
    expect(out.summary).toEqual({ add: 3, change: 0, remove: 0 });
    const change = dsl(["--json", "apply", "--yes", "--target", "swarm"], { cwd: dir, env: { ...env(), KEY: "env-s3cret-two" } });
    expect(change.code).toBe(0);
    expect(change.stdout).toContain("environment.API_KEY");
    for (const text of [apply.stdout, change.stdout, change.stderr]) {
      for (const secret of ["file-s3cret-value", "env-s3cret-one", "env-s3cret-two"]) expect(text).not.toContain(secret);
    }

    const ps = dsl(["ps", "--target", "swarm"], { cwd: dir, env: env() });
    expect(ps.code).toBe(0);
    expect(ps.stdout).toContain(`service app (${stack}_app)  2/2 running  berth-test/busybox:1`);
    expect(ps.stdout).toMatch(new RegExp(`${stack}_app\\.1 +\\w{12} +\\S+ +running +running`));

    const again = dsl(["apply", "--yes", "--target", "swarm"], { cwd: dir, env: { ...env(), KEY: "env-s3cret-two" } });
    expect(again.stdout).toContain(`No changes: stack "${stack}"`);

    const destroy = dsl(["destroy", "--yes", "--target", "swarm"], { cwd: dir, env: env() });
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain("Destroy complete: 0 added, 0 changed, 3 removed");
    expect(dsl(["ps", "--target", "swarm"], { cwd: dir, env: env() }).stdout).toContain(`Stack "${stack}" has no services`);
  }, 180_000);
});
