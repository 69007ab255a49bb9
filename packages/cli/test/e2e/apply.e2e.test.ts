/**
 * `dsl apply / diff / destroy` against a real engine: idempotence, targeted recreates, repair of
 * out-of-band changes, volumes that outlive destroy, and sensitive values that never print.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BUSYBOX, containerOf, describeEngine, dsl, events, lockVolumes, snapshot, useE2E, volumeEvents, writeStack } from "./helpers";

interface WebDbOptions {
  readonly port: number;
  readonly logLevel?: string;
  readonly password?: string;
  readonly volume?: boolean;
}

/** A web server (httpd, published) and a sleeper, both `init: true` so stops are instant. */
function webDb(project: string, o: WebDbOptions): string {
  const pw = o.password === undefined ? "" : `, PASSWORD: sensitive(${JSON.stringify(o.password)})`;
  return `import { Service, Stack, Volume, sensitive } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
${o.volume ? 'const data = new Volume("data");' : ""}
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  init: true,
  command: ["httpd", "-f", "-p", "8080", "-h", "/etc"],
  ports: ["127.0.0.1:${o.port}:8080"],
  environment: { LOG_LEVEL: ${JSON.stringify(o.logLevel ?? "info")}${pw} },
});
new Service("db", {
  image: ${JSON.stringify(BUSYBOX)},
  init: true,
  command: ["sleep", "3600"],
  ${o.volume ? 'volumes: [{ source: data, target: "/data" }],' : ""}
});
export default stack;
`;
}

const engineNow = async (docker: (a: readonly string[]) => Promise<string>) => Date.parse(await docker(["info", "--format", "{{.SystemTime}}"])) / 1000;

describeEngine("dsl apply / diff / destroy on a real engine", () => {
  const fx = useE2E();

  test("a second apply plans nothing and calls no mutating endpoint: same ids, created and started times, no lock, no engine events", async () => {
    // GIVEN a stack applied once
    const project = fx.project("noop");
    const file = writeStack(webDb(project, { port: 18101, volume: true }));
    const t0 = await engineNow(fx.docker);
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const t1 = (await engineNow(fx.docker)) + 0.5;
    // (the same event filters do see a first apply: the proof below is not vacuous)
    expect(await events(fx.docker, t0, t1, [`label=com.docker.compose.project=${project}`])).toEqual(
      expect.arrayContaining([`container create ${project}-web-1`, `container start ${project}-db-1`]),
    );
    const lockEventsOf = async (since: number, until: number) =>
      (await volumeEvents(fx.docker, since, until)).filter((e) => e.includes(` berth-lock-${project}.`));
    expect(await lockEventsOf(t0, t1)).toEqual([
      expect.stringMatching(new RegExp(`^volume create berth-lock-${project}\\.[0-9a-f]{12}$`)),
      expect.stringMatching(/^volume destroy /),
    ]);
    const before = await snapshot(fx.docker, project);
    expect(before.containers).toHaveLength(2);
    expect(before.networks).toHaveLength(1);
    expect(before.volumes).toHaveLength(1);

    // WHEN it is applied again
    const since = await engineNow(fx.docker);
    const again = dsl(["apply", "--yes", file]);
    const until = (await engineNow(fx.docker)) + 0.5;

    // THEN it says so and the engine is exactly as it was
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/No changes/);
    expect(await snapshot(fx.docker, project)).toEqual(before);
    // AND the engine saw no create / start / stop / destroy of anything of the project, nor of its lock
    const projectEvents = await events(fx.docker, since, until, [`label=com.docker.compose.project=${project}`]);
    expect(projectEvents).toEqual([]);
    expect(await lockEventsOf(since, until)).toEqual([]);
    expect(await events(fx.docker, since, until, ["type=network", `network=${project}_default`])).toEqual([]);
    expect(await events(fx.docker, since, until, ["type=volume", `volume=${project}_data`])).toEqual([]);
    expect(await lockVolumes(fx.run, project)).toEqual([]);
  });

  test("changing one service's environment recreates exactly that container; diff names the field and --exit-code says 2 before, 0 after", async () => {
    // GIVEN web with LOG_LEVEL=info, applied
    const project = fx.project("env");
    const dir = path.dirname(writeStack(webDb(project, { port: 18102 })));
    const file = path.join(dir, "stack.ts");
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const before = await snapshot(fx.docker, project);

    // WHEN LOG_LEVEL becomes debug
    writeStack(webDb(project, { port: 18102, logLevel: "debug" }), dir);

    // THEN the preview names the field, and --exit-code reports changes
    const preview = dsl(["diff", file]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toMatch(/~ service\s+web\s+recreate: environment\.LOG_LEVEL "info" → "debug"/);
    expect(preview.stdout).not.toMatch(/service\s+db/);
    expect(dsl(["diff", "--exit-code", file]).code).toBe(2);

    // AND the apply recreates web only
    const applied = dsl(["apply", "--yes", file]);
    expect(applied.code).toBe(0);
    const after = await snapshot(fx.docker, project);
    expect(containerOf(after, "web").id).not.toBe(containerOf(before, "web").id);
    expect(containerOf(after, "web").running).toBe(true);
    expect(await fx.docker(["container", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", containerOf(after, "web").id])).toContain(
      "LOG_LEVEL=debug",
    );
    expect(containerOf(after, "db")).toEqual(containerOf(before, "db"));
    expect(after.networks).toEqual(before.networks);
    expect(dsl(["diff", "--exit-code", file]).code).toBe(0);
  });

  test("a container removed out of band (docker rm -f) or stopped (docker stop) shows in dsl diff, and the next apply repairs it", async () => {
    const project = fx.project("drift");
    const file = writeStack(webDb(project, { port: 18103 }));
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const before = await snapshot(fx.docker, project);

    // GIVEN web removed and db stopped behind Berth's back
    await fx.docker(["rm", "-f", containerOf(before, "web").id]);
    await fx.docker(["stop", "-t", "1", containerOf(before, "db").id]);

    // THEN diff shows both
    const preview = dsl(["diff", "--exit-code", file]);
    expect(preview.code).toBe(2);
    expect(preview.stdout).toMatch(/\+ service\s+web/);
    expect(preview.stdout).toMatch(/~ service\s+db\s+.*exited/);

    // WHEN applied, THEN web is back, db runs again (the same container), and nothing is left to do
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const after = await snapshot(fx.docker, project);
    expect(containerOf(after, "web").running).toBe(true);
    expect(containerOf(after, "db").running).toBe(true);
    expect(containerOf(after, "db").id).toBe(containerOf(before, "db").id);
    expect(dsl(["diff", "--exit-code", file]).code).toBe(0);
  });

  test("a file written into a named volume survives dsl destroy --yes and a re-apply; destroy --yes --volumes removes the volume", async () => {
    const project = fx.project("vol");
    const file = writeStack(webDb(project, { port: 18104, volume: true }));
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const db = containerOf(await snapshot(fx.docker, project), "db");
    await fx.docker(["exec", db.id, "sh", "-c", "echo precious > /data/file.txt"]);

    // WHEN destroyed without --volumes
    const down = dsl(["destroy", "--yes", file]);
    expect(down.code).toBe(0);
    const mid = await snapshot(fx.docker, project);
    expect(mid.containers).toEqual([]);
    expect(mid.networks).toEqual([]);
    expect(mid.volumes.map((v) => v.name)).toEqual([`${project}_data`]);

    // THEN a re-apply finds the data
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const db2 = containerOf(await snapshot(fx.docker, project), "db");
    expect(await fx.docker(["exec", db2.id, "cat", "/data/file.txt"])).toBe("precious");

    // AND destroy --volumes removes it
    expect(dsl(["destroy", "--yes", "--volumes", file]).code).toBe(0);
    expect(await snapshot(fx.docker, project)).toEqual({ containers: [], networks: [], volumes: [] });
  });

  test("a sensitive value never appears in dsl diff / apply output nor in --json output, while the changed key is named", async () => {
    const project = fx.project("secret");
    const dir = path.dirname(writeStack(webDb(project, { port: 18105, password: "old-pass" })));
    const file = path.join(dir, "stack.ts");
    const first = dsl(["apply", "--yes", file]);
    expect(first.code).toBe(0);

    // WHEN the password becomes hunter2
    writeStack(webDb(project, { port: 18105, password: "hunter2" }), dir);
    const outputs = [dsl(["diff", file]), dsl(["--json", "diff", file])];
    outputs.push(dsl(["--json", "apply", "--yes", "--dry-run", file]), dsl(["apply", "--yes", file]));

    // THEN every output names the key, none holds the value
    for (const out of outputs) {
      const text = out.stdout + out.stderr;
      expect(out.code).toBe(0);
      expect(text).toContain("environment.PASSWORD");
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("old-pass");
    }
    expect(outputs[0].stdout).toContain("environment.PASSWORD (sensitive) changed");
    expect(JSON.parse(outputs[1].stdout).actions[0].changes).toContainEqual({
      path: "environment.PASSWORD",
      before: "(sensitive)",
      after: "(sensitive)",
      sensitive: true,
    });
    // AND the container did get the new value
    const web = containerOf(await snapshot(fx.docker, project), "web");
    expect(await fx.docker(["container", "inspect", "--format", "{{range .Config.Env}}{{println .}}{{end}}", web.id])).toContain("PASSWORD=hunter2");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test("a secret from an environment variable and an inline config are written into the container (mode 0444, the grant's path); a new value recreates it, and an unset variable is an error before anything changes", async () => {
    const project = fx.project("content");
    const source = `import { Config, Secret, Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const token = new Secret("api_token", { environment: "BERTH_E2E_TOKEN" });
const conf = new Config("app_conf", { content: "listen 8080;\\n" });
new Service("app", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], secrets: [token], configs: [{ config: conf, target: "/etc/app/app.conf" }] });
export default stack;
`;
    const file = writeStack(source);
    const env = { BERTH_E2E_TOKEN: "s3cret-one" };

    // GIVEN the variable is unset THEN nothing is created, and the error names the secret's line and the variable
    const unset = dsl(["apply", "--yes", file], { env: { BERTH_E2E_TOKEN: undefined } });
    expect(unset.code).toBe(1);
    expect(unset.stderr).toMatch(/stack\.ts:3:15: secret "api_token": environment variable BERTH_E2E_TOKEN is not set \(service "app" uses it\)/);
    expect((await snapshot(fx.docker, project)).containers).toEqual([]);

    // WHEN applied with it set THEN the files are in the container, with the value never printed
    const applied = dsl(["apply", "--yes", file], { env });
    expect(applied.code).toBe(0);
    expect(applied.stdout + applied.stderr).not.toContain("s3cret-one");
    const id = containerOf(await snapshot(fx.docker, project), "app").id;
    expect(await fx.docker(["exec", id, "cat", "/run/secrets/api_token"])).toBe("s3cret-one");
    expect(await fx.docker(["exec", id, "stat", "-c", "%a %u", "/run/secrets/api_token"])).toBe("444 0");
    expect(await fx.docker(["exec", id, "cat", "/etc/app/app.conf"])).toBe("listen 8080;");
    expect(dsl(["diff", "--exit-code", file], { env }).code).toBe(0);

    // WHEN the value changes THEN diff names the secret (not its value) and apply recreates the container with the new one
    const env2 = { BERTH_E2E_TOKEN: "s3cret-two" };
    const preview = dsl(["diff", file], { env: env2 });
    expect(preview.stdout).toMatch(/~ service\s+app\s+recreate: contents\.secrets\.api_token/);
    expect(preview.stdout).not.toMatch(/s3cret/);
    expect(dsl(["apply", "--yes", file], { env: env2 }).code).toBe(0);
    const id2 = containerOf(await snapshot(fx.docker, project), "app").id;
    expect(id2).not.toBe(id);
    expect(await fx.docker(["exec", id2, "cat", "/run/secrets/api_token"])).toBe("s3cret-two");
  });

  test("dependsOn restart: true: when the dependency is recreated, the dependent (same container) is restarted after it; diff says why", async () => {
    const project = fx.project("restart");
    const source = (level: string) => `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const db = new Service("db", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], environment: { LEVEL: ${JSON.stringify(level)} } });
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"], dependsOn: [{ service: db, restart: true }] });
export default stack;
`;
    const dir = path.dirname(writeStack(source("a")));
    const file = path.join(dir, "stack.ts");
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
    const before = await snapshot(fx.docker, project);
    const startedAt = async (id: string) => fx.docker(["container", "inspect", "--format", "{{.State.StartedAt}}", id]);
    const webStarted = await startedAt(containerOf(before, "web").id);

    writeStack(source("b"), dir);
    expect(dsl(["diff", file]).stdout).toMatch(/~ service\s+web\s+restart: db recreated \(dependsOn restart: true\)/);
    const applied = dsl(["apply", "--yes", file]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/service web .*-web-1 restarted/);
    const after = await snapshot(fx.docker, project);
    expect(containerOf(after, "db").id).not.toBe(containerOf(before, "db").id);
    expect(containerOf(after, "web").id).toBe(containerOf(before, "web").id);
    expect(containerOf(after, "web").running).toBe(true);
    expect(Date.parse(await startedAt(containerOf(after, "web").id))).toBeGreaterThan(Date.parse(webStarted));
    expect(dsl(["diff", "--exit-code", file]).code).toBe(0);
  });
});
