/**
 * Per-service commands: `dsl apply web` brings up web and what it depends on and touches nothing
 * else; `--no-deps` only the named; stop and destroy take down only the named services and say
 * which dependents they leave; positional arguments are sorted into stack file and services;
 * `logs --tail --since --timestamps`; `apply --scale`, `--wait`; the stack's own `scale`. Against the private test engine. Wall time ≈ 35 s.
 */
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, snapshot, useE2E, writeStack } from "./helpers";

describeEngine("per-service commands", () => {
  const fx = useE2E();

  const stack = (project: string) =>
    writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const image = ${JSON.stringify(BUSYBOX)};
const says = (name: string) => ["sh", "-c", \`echo hello from \${name}; exec sleep 3600\`];
const db = new Service("db", { image, init: true, command: says("db") });
const web = new Service("web", { image, init: true, command: says("web"), dependsOn: [db] });
new Service("worker", { image, init: true, command: says("worker"), dependsOn: [web] });
new Service("other", { image, init: true, command: says("other") });
export default stack;
`);
  const services = async (project: string) => (await snapshot(fx.docker, project)).containers.map((c) => `${c.service}:${c.running ? "up" : "down"}`);

  test("apply web creates web and its dependency db and nothing else; apply again changes nothing; diff without names shows the rest", async () => {
    const project = fx.project("svc");
    const file = stack(project);
    const cwd = path.dirname(file);
    const up = dsl(["apply", "--yes", "web"], { cwd });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain("Plan: 3 to add, 0 to change, 0 to remove.");
    expect(await services(project)).toEqual(["db:up", "web:up"]);
    expect(dsl(["apply", "--yes", "web"], { cwd }).stdout).toMatch(/^No changes/m);
    const rest = dsl(["--json", "diff"], { cwd });
    expect(JSON.parse(rest.stdout).actions.map((a: { verb: string; resource: string }) => `${a.verb} ${a.resource}`)).toEqual([
      "create other",
      "create worker",
    ]);

    // the stack file may come in any position; --no-deps takes only the named service
    const worker = dsl(["apply", "--yes", "--no-deps", "worker", file]);
    expect(worker.stdout).toContain("Plan: 1 to add, 0 to change, 0 to remove.");
    expect(await services(project)).toEqual(["db:up", "web:up", "worker:up"]);

    // --scale holds until the next apply without it, and recreates nothing
    const before = (await snapshot(fx.docker, project)).containers.find((c) => c.service === "web")?.id;
    expect(dsl(["apply", "--yes", "--scale", "web=3", file, "web"]).stdout).toMatch(
      /\+ service {2}web .* \(2 containers\)\nPlan: 1 to add, 0 to change, 0 to remove\./,
    );
    const scaledUp = (await snapshot(fx.docker, project)).containers.filter((c) => c.service === "web");
    expect(scaledUp.map((c) => c.name)).toEqual([1, 2, 3].map((n) => `${project}-web-${n}`));
    expect(scaledUp[0].id).toBe(before);
    expect(dsl(["apply", "--yes", file, "web"]).code).toBe(0);
    expect((await snapshot(fx.docker, project)).containers.filter((c) => c.service === "web").map((c) => c.id)).toEqual([before]);
    expect(dsl(["apply", "--scale", "wbe=2", file]).stderr).toContain('has no service "wbe"');
  });

  test("stop and destroy act on the named services only and say which dependents are left; start brings dependencies up first", async () => {
    const project = fx.project("svcd");
    const file = stack(project);
    expect(dsl(["apply", "--yes", file]).code).toBe(0);

    const stop = dsl(["stop", file, "db"]);
    expect(stop).toMatchObject({ code: 0, stdout: `  ✓ ${project}-db-1 stopped\nLeft running: web (depends on db).\n` });
    expect(await services(project)).toEqual(["db:down", "other:up", "web:up", "worker:up"]);
    const start = dsl(["start", "--no-deps", file, "other"]);
    expect(start.stdout).toBe(`  ✓ ${project}-other-1 started\n`);
    expect(dsl(["start", file, "web"]).stdout).toBe(`  ✓ ${project}-db-1 started\n  ✓ ${project}-web-1 started\n`);

    const ps = JSON.parse(dsl(["--json", "ps", file, "worker"]).stdout);
    expect(ps.containers.map((c: { service: string }) => c.service)).toEqual(["db", "web", "worker"]);
    expect(JSON.parse(dsl(["--json", "ps", "--no-deps", file, "worker"]).stdout).containers.map((c: { service: string }) => c.service)).toEqual(["worker"]);

    const destroy = dsl(["destroy", "--yes", file, "web"]);
    expect(destroy.code).toBe(0);
    expect(destroy.stdout).toContain("Plan: 0 to add, 0 to change, 1 to remove.");
    expect(destroy.stdout).toContain("Left running: worker (depends on web).");
    expect(await services(project)).toEqual(["db:up", "other:up", "worker:up"]);
    expect((await snapshot(fx.docker, project)).networks.map((n) => n.name)).toEqual([`${project}_default`]);

    const unknown = dsl(["stop", file, "wbe"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`project "${project}" has no running service "wbe"`);
    expect(dsl(["apply", "--yes", file, "wbe"]).stderr).toContain(`project "${project}" has no service "wbe" (services: db, other, web, worker)`);
    expect(dsl(["apply", "--yes", file, "plan.json"]).stderr).toContain("expected one stack file or saved plan, not 2");
  });

  test("logs --tail, --since and --timestamps", async () => {
    const project = fx.project("svcl");
    const file = stack(project);
    expect(dsl(["apply", "--yes", "--no-deps", file, "web"]).code).toBe(0);
    const deadline = Date.now() + 10_000;
    let logs = dsl(["logs", "--no-deps", file, "web"]);
    while (!logs.stdout.includes("hello") && Date.now() < deadline) logs = dsl(["logs", "--no-deps", file, "web"]);
    expect(logs.stdout).toBe("web-1 | hello from web\n");
    const stamped = dsl(["logs", "-t", "--tail", "1", "--since", "10m", file, "web"]);
    expect(stamped.stdout).toMatch(/^web-1 \| \d{4}-\d\d-\d\dT[\d:.]+Z hello from web\n$/);
    await new Promise((r) => setTimeout(r, 1100));
    expect(dsl(["logs", "--since", new Date(Date.now() - 500).toISOString(), file, "web"]).stdout).toBe("");
    expect(dsl(["logs", "--since", "yesterday-ish", file, "web"]).stderr).toContain('--since "yesterday-ish": expected a duration like 10m');
  });

  test("apply --wait returns only once the healthcheck passes; --wait-timeout bounds it", async () => {
    const project = fx.project("svcw");
    const healthy = (after: string) =>
      `{ image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sh", "-c", "sleep ${after}; touch /tmp/ok; exec sleep 3600"], healthcheck: { test: ["CMD", "test", "-f", "/tmp/ok"], interval: "300ms", startPeriod: "30s", startInterval: "200ms" } }`;
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", ${healthy("2")});
new Service("never", ${healthy("3600")});
export default stack;
`);
    const started = Date.now();
    const res = dsl(["apply", "--yes", "--wait", file, "web"]);
    expect(res.code).toBe(0);
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(await fx.docker(["inspect", "-f", "{{.State.Health.Status}}", `${project}-web-1`])).toBe("healthy");
    const timeout = dsl(["apply", "--yes", "--wait", "--wait-timeout", "2s", file]);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toMatch(/never.*not ready after 2s/);
  });

  test("the stack's own scale (compose's key) runs that many containers; lowering it removes the highest and recreates nothing", async () => {
    const project = fx.project("svcs");
    const source = (n: number) => `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], scale: ${n} });
export default stack;
`;
    const file = writeStack(source(3));
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const three = (await snapshot(fx.docker, project)).containers.filter((c) => c.service === "web");
    expect(three.map((c) => c.name)).toEqual([1, 2, 3].map((n) => `${project}-web-${n}`));
    writeStack(source(1), path.dirname(file));
    const down = dsl(["apply", "--yes", file]);
    expect(down.code).toBe(0);
    const one = (await snapshot(fx.docker, project)).containers.filter((c) => c.service === "web");
    expect(one.map((c) => [c.name, c.id])).toEqual([[`${project}-web-1`, three[0].id]]);
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
  });
});
