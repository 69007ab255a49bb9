/**
 * Registries with credentials, against a real registry (registry.ts: docker-registry with
 * htpasswd on 127.0.0.1) and the test engine: `dsl push` pushes a built image with the
 * credentials of DOCKER_CONFIG/config.json, `dsl apply` of another stack pulls it with them, a
 * wrong password fails clearly with exit 3 and never appears in the output. On the single-node
 * swarm ($BERTH_SWARM_DOCKER_HOST), a built service named after the registry is pushed there
 * under its content tag before the service is created. Wall time ≈ 30 s.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";
import { startRegistry, type TestRegistry } from "./registry";

describeEngine("registries: push and pull with the user's credentials", () => {
  const fx = useE2E();
  let registry: TestRegistry;
  beforeAll(async () => {
    registry = await startRegistry();
  }, 30_000);
  afterAll(async () => registry?.stop());

  test("dsl push sends a built image to the registry its name says; a stack elsewhere pulls it; a wrong password is exit 3 and never printed", async () => {
    const image = `${registry.host}/berth/app:1`;
    fx.trackImage(image);
    const builder = fx.project("regb");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(builder)});
new Service("app", { image: ${JSON.stringify(image)}, build: { context: "./app" }, command: ["sleep", "3600"], init: true });
export default stack;
`);
    const dir = path.dirname(file);
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo built-here > /built\n`);
    const good = { ...process.env, DOCKER_CONFIG: registry.dockerConfig() };
    const bad = { ...process.env, DOCKER_CONFIG: registry.dockerConfig("not-the-password-42") };

    expect(dsl(["build"], { cwd: dir, env: good }).code).toBe(0);
    const denied = dsl(["push"], { cwd: dir, env: bad });
    expect(denied.code).toBe(3);
    expect(denied.stderr).toMatch(/stack\.ts:3:1: service "app": pushing .*berth\/app:1 failed: .*(unauthorized|authentication required)/);
    expect(denied.stdout + denied.stderr).not.toContain("not-the-password-42");
    expect(await registry.tags("berth/app")).toEqual([]);

    const pushed = dsl(["push"], { cwd: dir, env: good });
    expect(pushed.stderr).toContain(`pushing ${image} (service app)…`);
    expect(pushed.stdout).toContain(`Pushed 1 image in`);
    expect(pushed.code).toBe(0);
    expect(await registry.tags("berth/app")).toEqual(["1"]);

    // Elsewhere: the image is not on the engine; a stack that only names it pulls it with the credentials.
    await fx.docker(["image", "rm", image]);
    const puller = fx.project("regp");
    const other = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(puller)});
new Service("app", { image: ${JSON.stringify(image)}, command: ["sleep", "3600"], init: true });
export default stack;
`);
    const noAuth = dsl(["apply", "--yes", other], { env: bad });
    expect(noAuth.code).toBe(3);
    expect(noAuth.stderr).toMatch(/pulling .*berth\/app:1 failed/);
    expect(noAuth.stdout + noAuth.stderr).not.toContain("not-the-password-42");
    const applied = dsl(["apply", "--yes", other], { env: good });
    expect(applied.stderr).toContain(`pulling ${image} (service app)…`);
    expect(applied.code).toBe(0);
    expect(await fx.docker(["exec", `${puller}-app-1`, "cat", "/built"])).toBe("built-here");
    expect(dsl(["destroy", "--yes", other]).code).toBe(0);
  }, 120_000);

  test("--target swarm: a built image named after the registry is pushed there (content tag) before its service runs", async () => {
    const host = process.env.BERTH_SWARM_DOCKER_HOST;
    if (!host) throw new Error("BERTH_SWARM_DOCKER_HOST is not set: run `npm test` (it starts the private swarm engine)");
    const stack = `bts-reg-${Math.random().toString(36).slice(2, 8)}`;
    const image = `${registry.host}/berth/swarm-app:1`;
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(stack)}, { target: "swarm" });
new Service("app", { image: ${JSON.stringify(image)}, build: { context: "./app" }, command: ["sleep", "3600"], init: true });
export default stack;
`);
    const dir = path.dirname(file);
    fs.mkdirSync(path.join(dir, "app"));
    fs.writeFileSync(path.join(dir, "app", "Dockerfile"), `FROM ${BUSYBOX}\nRUN echo swarm > /built\n`);
    const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: registry.dockerConfig() };
    try {
      const res = dsl(["apply", "--yes", "--wait-timeout", "60s", "stack.ts"], { cwd: dir, env });
      expect(res.stderr).toMatch(new RegExp(`pushing ${registry.host}/berth/swarm-app:berth-[0-9a-f]{12} \\(service app\\)`));
      expect(res.code).toBe(0);
      const tags = await registry.tags("berth/swarm-app");
      expect(tags).toEqual([expect.stringMatching(/^berth-[0-9a-f]{12}$/)]);
      expect(res.stdout).toContain("converged");
    } finally {
      dsl(["destroy", "--yes", "stack.ts"], { cwd: dir, env });
    }
  }, 120_000);
});
