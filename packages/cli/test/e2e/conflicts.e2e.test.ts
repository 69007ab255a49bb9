/**
 * `dsl apply` when the world pushes back: a host port taken during a recreate, a foreign
 * container holding one of our names, two applies at once, and a project docker-compose made.
 */
import * as path from "node:path";
import { BUSYBOX, TEST_LABEL, containerOf, describeEngine, dsl, dslAsync, listen, lockVolumes, snapshot, useE2E, writeStack } from "./helpers";

/** web (httpd, published on `port`) and db (sleeper), both `init: true`. */
function stackSource(project: string, port: number, extraEnv = ""): string {
  return `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  init: true,
  command: ["httpd", "-f", "-p", "8080", "-h", "/etc"],
  ports: ["127.0.0.1:${port}:8080"],
  environment: { ROLE: "web"${extraEnv} },
});
new Service("db", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"] });
export default stack;
`;
}

describeEngine("dsl apply against conflicts on a real engine", () => {
  const fx = useE2E();

  test("GIVEN a running web WHEN a recreate moves its port to one a foreign listener holds THEN the old container keeps running and apply exits non-zero naming the service and the port", async () => {
    const project = fx.project("port");
    const dir = path.dirname(writeStack(stackSource(project, 18201)));
    const file = path.join(dir, "stack.ts");
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const before = await snapshot(fx.docker, project);

    const foreign = await listen(18202);
    try {
      writeStack(stackSource(project, 18202), dir);
      const res = dsl(["apply", "--yes", file]);
      expect(res.code).not.toBe(0);
      const text = res.stdout + res.stderr;
      expect(text).toMatch(/web/);
      expect(text).toMatch(/18202/);

      // THEN the old web is the one running, alone, untouched; db too
      const after = await snapshot(fx.docker, project);
      expect(containerOf(after, "web").id).toBe(containerOf(before, "web").id);
      expect(containerOf(after, "web").running).toBe(true);
      expect(containerOf(after, "web").name).toBe(`${project}-web-1`);
      expect(containerOf(after, "db")).toEqual(containerOf(before, "db"));
    } finally {
      await new Promise((r) => foreign.close(r));
    }
    // AND once the port is free the same apply goes through
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    expect(containerOf(await snapshot(fx.docker, project), "web").running).toBe(true);
  });

  test("a foreign container named like one of ours is reported (exit 1, named) and left untouched, and nothing else is created", async () => {
    const project = fx.project("clash");
    const name = `${project}-web-1`;
    const id = await fx.docker(["run", "-d", "--name", name, "--label", `${TEST_LABEL}=${project}`, BUSYBOX, "sleep", "3600"]);
    const file = writeStack(stackSource(project, 18211));

    const res = dsl(["apply", "--yes", file]);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).toContain(name);

    const foreign = JSON.parse(await fx.docker(["container", "inspect", name]))[0];
    expect(foreign.Id).toBe(id);
    expect(foreign.State.Running).toBe(true);
    expect(foreign.Config.Labels["com.docker.compose.project"]).toBeUndefined();
    expect(await snapshot(fx.docker, project)).toEqual({ containers: [], networks: [], volumes: [] });
    expect(await lockVolumes(fx.run, project)).toEqual([]);
  });

  test("two concurrent applies on one project: at most one fails, with the lock message, and there is exactly one container per service (three races)", async () => {
    // One race can pass by luck (the lock's two steps, create then list, can interleave in
    // several ways between two processes): run three.
    for (let round = 0; round < 3; round++) {
      const project = fx.project(`lock${round}`);
      const file = writeStack(stackSource(project, 18221 + round));
      // Warm the bundle cache so both processes reach the engine at about the same time.
      expect(dsl(["synth", file]).code).toBe(0);

      const results = await Promise.all([dslAsync(["apply", "--yes", file]), dslAsync(["apply", "--yes", file])]);
      const failed = results.filter((r) => r.code !== 0);
      expect(failed.length).toBeLessThanOrEqual(1);
      for (const f of failed) expect(f.stdout + f.stderr).toMatch(/is locked by dsl apply \(pid \d+/);

      const snap = await snapshot(fx.docker, project);
      expect(snap.containers.map((c) => c.service).sort()).toEqual(["db", "web"]);
      expect(snap.containers.every((c) => c.running)).toBe(true);
      expect(snap.networks).toHaveLength(1);
      expect(await lockVolumes(fx.run, project)).toEqual([]);
    }
  });

  test("with --lock-timeout, the second of two concurrent applies waits for the first and then finds nothing to do", async () => {
    const project = fx.project("lockwait");
    const file = writeStack(stackSource(project, 18225));
    expect(dsl(["synth", file]).code).toBe(0);
    const results = await Promise.all([
      dslAsync(["apply", "--yes", "--lock-timeout", "60s", file]),
      dslAsync(["apply", "--yes", "--lock-timeout", "60s", file]),
    ]);
    expect(results.map((r) => r.code)).toEqual([0, 0]);
    expect(results.map((r) => r.stdout).join("\n")).toMatch(/No changes|Apply complete/);
    const snap = await snapshot(fx.docker, project);
    expect(snap.containers.map((c) => c.service).sort()).toEqual(["db", "web"]);
  });

  test("docker-compose ps (with the synthesized file) lists what dsl apply created", async () => {
    const project = fx.project("cps");
    const dir = path.dirname(writeStack(stackSource(project, 18231)));
    const file = path.join(dir, "stack.ts");
    const compose = path.join(dir, "docker-compose.yml");
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    expect(dsl(["synth", file, "-o", compose]).code).toBe(0);

    const ps = (await fx.run("docker-compose", ["-p", project, "-f", compose, "ps", "-q"])).stdout.trim().split("\n").sort();
    expect(ps).toEqual((await snapshot(fx.docker, project)).containers.map((c) => c.id).sort());
  });

  test("GIVEN a project started with docker-compose up -d WHEN dsl apply runs THEN it adopts the containers (one per service, never beside them), says why it recreates any, and the next apply prints No changes", async () => {
    const project = fx.project("adopt");
    const dir = path.dirname(writeStack(stackSource(project, 18241)));
    const file = path.join(dir, "stack.ts");
    const compose = path.join(dir, "docker-compose.yml");
    expect(dsl(["synth", file, "-o", compose]).code).toBe(0);
    await fx.run("docker-compose", ["-p", project, "-f", compose, "up", "-d"], { cwd: dir });
    const composed = await snapshot(fx.docker, project);
    expect(composed.containers.map((c) => c.service).sort()).toEqual(["db", "web"]);

    // WHEN previewed, every step on an existing service says why
    const preview = dsl(["diff", file]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).not.toMatch(/\+ service/);
    for (const line of preview.stdout.split("\n").filter((l) => /~ service/.test(l))) expect(line).toMatch(/~ service\s+\w+\s+\w[\w-]*: \S/);

    // AND applied: exactly one container per service, running
    const applied = dsl(["apply", "--yes", file]);
    expect(applied.code).toBe(0);
    const after = await snapshot(fx.docker, project);
    expect(after.containers.map((c) => c.service).sort()).toEqual(["db", "web"]);
    expect(after.containers.every((c) => c.running)).toBe(true);
    expect(after.networks.map((n) => n.name)).toEqual([`${project}_default`]);

    // THEN the apply after that has nothing to do
    const again = dsl(["apply", "--yes", file]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
  });
});
