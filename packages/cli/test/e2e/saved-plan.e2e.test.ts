/**
 * Saved plans through the real `dsl`: `dsl diff --out p.json && dsl apply p.json` runs exactly
 * the saved steps, on both targets; a change on the engine between the two (a container removed
 * by hand, a service updated by someone else) makes the apply refuse (exit 1), naming it, with
 * nothing done; no sensitive value is ever in the plan file. Compose on $DOCKER_HOST, Swarm on
 * $BERTH_SWARM_DOCKER_HOST. Wall time ≈ 40 s.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, snapshot, useE2E, writeStack } from "./helpers";

const stackOf = (project: string, level: string, extra = "") => `import { Service, Stack, sensitive } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)}${extra});
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"],
  init: true,
  environment: { LEVEL: ${JSON.stringify(level)}, PASSWORD: sensitive("saved-plan-s3cret-marker") },
});
new Service("worker", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true });
export default stack;
`;

describeEngine("saved plans on the compose target", () => {
  const fx = useE2E();

  test("dsl apply p.json applies exactly the saved plan; the file holds no sensitive value; the same file again is refused, naming what moved", async () => {
    const project = fx.project("saved");
    const file = writeStack(stackOf(project, "info"));
    const dir = path.dirname(file);
    const diff = dsl(["diff", "--out", "p.json"], { cwd: dir });
    expect(diff.code).toBe(0);
    expect(diff.stderr).toContain("wrote the plan to p.json");
    const text = fs.readFileSync(path.join(dir, "p.json"), "utf8");
    expect(text).not.toContain("saved-plan-s3cret-marker");
    expect(JSON.parse(text).actions.map((a: { id: string }) => a.id)).toEqual(["network:default", "service:web:1", "service:worker:1"]);

    const apply = dsl(["apply", "p.json"], { cwd: dir });
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain("Apply complete: 3 added, 0 changed, 0 removed");
    const env = JSON.parse(await fx.docker(["inspect", `${project}-web-1`]))[0].Config.Env as string[];
    expect(env).toEqual(expect.arrayContaining(["LEVEL=info", "PASSWORD=saved-plan-s3cret-marker"]));

    const again = dsl(["apply", "p.json"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("error: the engine changed since the plan was made; nothing was done:");
    expect(again.stderr).toContain(`container ${project}-web-1 appeared`);
  }, 120_000);

  test("a container removed by hand between diff --out and apply makes the apply refuse with exit 1, naming it; nothing is done", async () => {
    const project = fx.project("moved");
    const file = writeStack(stackOf(project, "info"));
    const dir = path.dirname(file);
    expect(dsl(["apply", "--yes"], { cwd: dir }).code).toBe(0);
    fs.writeFileSync(file, stackOf(project, "debug"));
    expect(dsl(["diff", "--out", "p.json"], { cwd: dir }).stdout).toContain('recreate: environment.LEVEL "info" → "debug"');
    await fx.docker(["rm", "-f", `${project}-worker-1`]);
    const before = await snapshot(fx.docker, project);
    const res = dsl(["apply", "p.json"], { cwd: dir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain(`container ${project}-worker-1 is gone`);
    expect(await snapshot(fx.docker, project)).toEqual(before);
  }, 120_000);
});

describeEngine("saved plans on the Swarm target", () => {
  const HOST = process.env.BERTH_SWARM_DOCKER_HOST;
  const stack = `bsp-${randomBytes(3).toString("hex")}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-saved-swarm-"));
  const env = () => ({ DOCKER_HOST: HOST });
  beforeAll(() => {
    if (!HOST) throw new Error("BERTH_SWARM_DOCKER_HOST is not set: run `npm test` (it starts the private swarm engine), or BERTH_SKIP_ENGINE_TESTS=1");
  });
  afterAll(() => {
    if (HOST) dsl(["destroy", "--yes", "-p", stack, "--target", "swarm"], { cwd: dir, env: env() });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("apply p.json applies the saved plan; a service updated by someone else in between makes it refuse, naming the service", () => {
    const swarm = ', { target: "swarm" }';
    fs.writeFileSync(path.join(dir, "stack.ts"), stackOf(stack, "info", swarm));
    expect(dsl(["diff", "--out", "p.json"], { cwd: dir, env: env() }).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "p.json"), "utf8")).not.toContain("saved-plan-s3cret-marker");
    const apply = dsl(["apply", "p.json"], { cwd: dir, env: env() });
    expect(apply.stderr).toBe("");
    expect(apply.stdout).toContain("Apply complete: 3 added, 0 changed, 0 removed");

    fs.writeFileSync(path.join(dir, "stack.ts"), stackOf(stack, "debug", swarm));
    expect(dsl(["diff", "--out", "p2.json"], { cwd: dir, env: env() }).stdout).toContain('environment.LEVEL "info" → "debug"');
    execFileSync("docker", ["service", "update", "--detach", "--env-add", "THEIRS=1", `${stack}_web`], { env: { ...process.env, ...env() } });
    const res = dsl(["apply", "p2.json"], { cwd: dir, env: env() });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`service ${stack}_web changed \\(version \\d+ → \\d+\\)`));
    const envNow = JSON.parse(execFileSync("docker", ["service", "inspect", `${stack}_web`], { env: { ...process.env, ...env() } }).toString())[0].Spec
      .TaskTemplate.ContainerSpec.Env as string[];
    expect(envNow).toEqual(expect.arrayContaining(["LEVEL=info", "THEIRS=1"]));
  }, 120_000);
});
