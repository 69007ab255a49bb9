/**
 * Anonymous volumes on the compose target, against docker-compose 1.29 as the oracle: a compose
 * file with `- /project/node_modules` and `{ type: volume, target }` imported and applied makes the
 * containers compose makes; a recreate hands the old container's anonymous volumes (and what is in
 * them) to the new one, as compose does; `dsl destroy` keeps them, `dsl destroy --volumes`,
 * `dsl destroy web --volumes` (web's only) and `dsl rm -v` remove them.
 * Wall time ≈ 20 s.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { requireCompose } from "../../../runtime/test/helpers/compose-oracle";
import { BUSYBOX, describeEngine, dsl, useE2E } from "./helpers";
import { containerView, differences, inspectContainer } from "./parity";

const fixture = (level: string) => `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "3600"]
    init: true
    environment: { LEVEL: ${level} }
    volumes:
      - ./src:/project
      - /project/node_modules
      - type: volume
        target: /cache
`;

interface Mount {
  readonly Type: string;
  readonly Name?: string;
  readonly Destination: string;
}

describeEngine("anonymous volumes on the compose target: made, kept and removed as docker compose does", () => {
  const fx = useE2E();

  const inspect = (name: string) => inspectContainer(fx.docker, name);
  const volumesOf = async (name: string): Promise<Record<string, string>> =>
    Object.fromEntries(((await inspect(name)).Mounts as Mount[]).filter((m) => m.Type === "volume").map((m) => [m.Destination, m.Name ?? ""]));

  test("docker-compose up and dsl import + apply agree on every inspected field, before and after a recreate that keeps the volumes", async () => {
    requireCompose();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-anon-"));
    fs.mkdirSync(path.join(dir, "src"));
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), fixture("one"));
    const berth = fx.project("anonb");
    const compose = fx.project("anonc");
    const up = async () => {
      expect(dsl(["import", "docker-compose.yml", "-o", "stack.ts", "--project", berth, "--force"], { cwd: dir }).code).toBe(0);
      const applied = dsl(["apply", "--yes", "stack.ts"], { cwd: dir });
      expect(applied.stderr).toBe("");
      expect(applied.code).toBe(0);
      await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "up", "-d"], { cwd: dir });
      const a = containerView(await inspect(`${compose}_app_1`), compose);
      const b = containerView(await inspect(`${berth}-app-1`), berth);
      expect(a["Config.Volumes"]).toEqual(["/project", "/project/node_modules"]); // compose 1.29 declares every short-form target
      expect(differences(a, b)).toEqual([]);
    };
    expect(fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8")).toContain("/project/node_modules");
    await up();
    const before = await volumesOf(`${berth}-app-1`);
    expect(Object.keys(before).sort()).toEqual(["/cache", "/project/node_modules"]);
    await fx.docker(["exec", `${berth}-app-1`, "sh", "-c", "echo kept > /project/node_modules/m && echo kept > /cache/c"]);

    // WHEN the service changes: both recreate, and the new containers have the old volumes
    fs.writeFileSync(path.join(dir, "docker-compose.yml"), fixture("two"));
    await up();
    expect(await volumesOf(`${berth}-app-1`)).toEqual(before);
    expect(await fx.docker(["exec", `${berth}-app-1`, "cat", "/project/node_modules/m", "/cache/c"])).toBe("kept\nkept");
    await fx.run("docker-compose", ["-p", compose, "-f", "docker-compose.yml", "down", "-v"], { cwd: dir });

    // THEN destroy keeps the anonymous volumes (as compose down does), and destroy --volumes removes them
    const names = Object.values(before);
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).stdout).toContain("No changes");
    expect(dsl(["destroy", "--yes", "--volumes", "stack.ts"], { cwd: dir }).code).toBe(0);
    const left = (await fx.docker(["volume", "ls", "-q"])).split("\n");
    expect(names.filter((n) => left.includes(n))).toEqual([]);
  }, 120_000);

  test("dsl destroy without --volumes keeps a container's anonymous volumes, as docker-compose down does", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-anon-"));
    const project = fx.project("anonk");
    fs.writeFileSync(
      path.join(dir, "stack.ts"),
      `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("app", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, volumes: ["/data"] });
export default stack;
`,
    );
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).code).toBe(0);
    const [name] = Object.values(await volumesOf(`${project}-app-1`));
    expect(name).toMatch(/^[0-9a-f]{64}$/);
    expect(dsl(["destroy", "--yes", "stack.ts"], { cwd: dir }).code).toBe(0);
    expect((await fx.docker(["volume", "ls", "-q"])).split("\n")).toContain(name);
    await fx.docker(["volume", "rm", name]);
  }, 60_000);

  test("dsl rm -s -v removes a recreated container's anonymous volume, which the new container mounts by name", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-anon-"));
    const project = fx.project("anonr");
    const stack = (level: string) => `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("app", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, environment: { LEVEL: "${level}" }, volumes: ["/data"] });
export default stack;
`;
    fs.writeFileSync(path.join(dir, "stack.ts"), stack("one"));
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).code).toBe(0);
    const [name] = Object.values(await volumesOf(`${project}-app-1`));
    fs.writeFileSync(path.join(dir, "stack.ts"), stack("two"));
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).code).toBe(0);
    expect(Object.values(await volumesOf(`${project}-app-1`))).toEqual([name]);
    const rm = dsl(["rm", "-s", "-v", "-y"], { cwd: dir });
    expect(rm.code).toBe(0);
    expect((await fx.docker(["volume", "ls", "-q"])).split("\n")).not.toContain(name);
  }, 60_000);

  test("dsl destroy web --volumes removes web's anonymous volumes and keeps the other services' and the named volumes", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-anon-"));
    const project = fx.project("anonw");
    fs.writeFileSync(
      path.join(dir, "stack.ts"),
      `import { Service, Stack, Volume } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const data = new Volume("data");
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, volumes: ["/cache", { source: data, target: "/data" }] });
new Service("db", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, volumes: ["/db"] });
export default stack;
`,
    );
    expect(dsl(["apply", "--yes", "stack.ts"], { cwd: dir }).code).toBe(0);
    const web = (await volumesOf(`${project}-web-1`))["/cache"];
    const db = (await volumesOf(`${project}-db-1`))["/db"];
    expect([web, db]).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/), expect.stringMatching(/^[0-9a-f]{64}$/)]);
    const destroyed = dsl(["destroy", "--yes", "--volumes", "stack.ts", "web"], { cwd: dir });
    expect(destroyed.code).toBe(0);
    const left = (await fx.docker(["volume", "ls", "-q"])).split("\n");
    expect(left).not.toContain(web);
    expect(left).toContain(db);
    expect(left).toContain(`${project}_data`);
    expect(dsl(["destroy", "--yes", "--volumes", "stack.ts"], { cwd: dir }).code).toBe(0);
    const after = (await fx.docker(["volume", "ls", "-q"])).split("\n");
    expect(after).not.toContain(db);
    expect(after).not.toContain(`${project}_data`);
  }, 60_000);
});
