/**
 * compose's scripting verbs on a project Berth applied: kill [-s], pause/unpause, top, port,
 * images, ls, events, pull, rm and cp, with `--json` where they have it, and the exit codes of the other
 * commands (1 for a bad argument or an unknown service). Against the private test engine.
 * Wall time ≈ 26 s (40 s on a loaded 2-core machine; most of it is dsl starts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUSYBOX, describeEngine, dsl, dslAsync, snapshot, useE2E, writeStack } from "./helpers";

describeEngine("kill, pause, unpause, top, port, images, ls, events, pull, rm, cp", () => {
  const fx = useE2E();
  const project = fx.project("verbs");
  const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
const db = new Service("db", { image: ${JSON.stringify(BUSYBOX)}, init: true, command: ["sleep", "3600"] });
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  init: true,
  command: ["sh", "-c", "trap 'echo got USR1' USR1; while true; do sleep 0.1; done"],
  ports: ["127.0.0.1:18472:80"],
  dependsOn: [db],
});
export default stack;
`);
  const cli = (args: string[], opts: { input?: string } = {}) => dsl(["-f", file, ...args], opts);
  const state = async (service: string) => (await snapshot(fx.docker, project)).containers.find((c) => c.service === service)?.status;

  beforeAll(() => {
    expect(dsl(["apply", "--yes", file]).code).toBe(0);
  }, 60_000);

  test("kill -s sends the signal to the named service only; pause and unpause say which dependents are left", async () => {
    expect(cli(["kill", "-s", "SIGUSR1", "web"]).stdout).toBe(`  ✓ ${project}-web-1 killed\n`);
    const deadline = Date.now() + 5000;
    while (!(await fx.run("docker", ["logs", `${project}-web-1`])).stdout.includes("got USR1") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    expect(cli(["logs", "--no-deps", "web"]).stdout).toContain("web-1 | got USR1");
    expect(await state("web")).toBe("running");

    expect(cli(["pause", "db"]).stdout).toBe(`  ✓ ${project}-db-1 paused\nLeft running: web (depends on db).\n`);
    expect(await state("db")).toBe("paused");
    expect(JSON.parse(cli(["--json", "unpause"]).stdout)).toEqual({ project, action: "unpause", containers: [`${project}-db-1`], dependentsLeft: [] });
    expect(await state("db")).toBe("running");
    expect(cli(["kill", "wbe"]).code).toBe(1);
  });

  test("top lists each container's processes; port prints the published address; images names each container's image", () => {
    const top = cli(["top"]);
    expect(top.stdout).toMatch(new RegExp(`^${project}-db-1\\nUID +PID +PPID +C +STIME +TTY +TIME +CMD\\n`));
    expect(top.stdout).toContain(`${project}-web-1\n`);
    expect(top.stdout).toContain("while true; do sleep 0.1; done");
    const json = JSON.parse(cli(["--json", "top", "--", "db"]).stdout);
    expect(json.map((t: { container: string }) => t.container)).toEqual([`${project}-db-1`]);
    expect(json[0].processes.some((p: string[]) => p.join(" ").includes("sleep 3600"))).toBe(true);

    expect(cli(["port", "web", "80"])).toEqual({ code: 0, stdout: "127.0.0.1:18472\n", stderr: "" });
    const unpublished = cli(["port", "db", "80"]);
    expect(unpublished.code).toBe(1);
    expect(unpublished.stderr).toContain(`port 80/tcp of ${project}-db-1 is not published`);
    expect(cli(["port", "web", "http"]).code).toBe(1);

    const images = cli(["images"]).stdout.split("\n");
    expect(images[0]).toMatch(/^CONTAINER +REPOSITORY +TAG +IMAGE ID +SIZE$/);
    expect(images[1]).toMatch(new RegExp(`^${project}-db-1 +berth-test/busybox +1 +[0-9a-f]{12} +[\\d.]+[kM]?B$`));
    expect(JSON.parse(cli(["--json", "images", "--", "web"]).stdout)).toEqual([
      expect.objectContaining({ container: `${project}-web-1`, service: "web", image: BUSYBOX, repoTags: [BUSYBOX] }),
    ]);
  });

  test("ls lists the project among every compose project on the engine, with its state and stack file", () => {
    const ls = dsl(["ls"]);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toMatch(new RegExp(`^${project} +running\\(2\\) +berth +${file.replace(/[.]/g, "\\.")}$`, "m"));
    expect(JSON.parse(dsl(["--json", "ls"]).stdout)).toContainEqual({ name: project, states: { running: 2 }, configFiles: [file], berth: true });
  });

  test("events --json prints the project's container events as they happen, one object a line, until --until", async () => {
    const until = Math.ceil(Date.now() / 1000) + 4;
    const watching = dslAsync(["-f", file, "--json", "events", "--until", String(until), "db"]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(cli(["restart", "--no-deps", "db"]).code).toBe(0);
    expect(cli(["restart", "--no-deps", "web"]).code).toBe(0);
    const res = await watching;
    expect(res.code).toBe(0);
    const events = res.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; action: string; name: string; service: string; time: string });
    const actions = events.map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["kill", "die", "stop", "start", "restart"]));
    expect(new Set(events.map((e) => `${e.type} ${e.name} ${e.service}`))).toEqual(new Set([`container ${project}-db-1 db`]));
    expect(events[0].time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
  });

  test("cp copies a file into a container, out of it, and a folder out of it, symlinks kept", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-cp-"));
    fs.writeFileSync(path.join(dir, "note.txt"), "hello\n");
    expect(cli(["cp", path.join(dir, "note.txt"), "web:/tmp/"]).code).toBe(0);
    expect(cli(["cp", path.join(dir, "note.txt"), "web:/tmp/renamed.txt"]).code).toBe(0);
    expect(cli(["exec", "web", "--", "sh", "-c", "cat /tmp/note.txt /tmp/renamed.txt"]).stdout).toBe("hello\nhello\n");
    await fx.docker(["exec", `${project}-web-1`, "sh", "-c", "mkdir -p /srv/conf && echo a > /srv/conf/a && ln -s /proc/mounts /srv/conf/mounts"]);
    expect(cli(["cp", "web:/tmp/renamed.txt", path.join(dir, "back.txt")]).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "back.txt"), "utf8")).toBe("hello\n");
    expect(cli(["cp", "web:/srv/conf", dir]).code).toBe(0);
    expect(fs.readFileSync(path.join(dir, "conf", "a"), "utf8")).toBe("a\n");
    expect(fs.readlinkSync(path.join(dir, "conf", "mounts"))).toBe("/proc/mounts");
    const missing = cli(["cp", "web:/nope", dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("cannot copy /nope: no such file or folder in the container");
    expect(cli(["cp", path.join(dir, "note.txt"), path.join(dir, "x")]).stderr).toContain("exactly one side must be SERVICE:PATH");
  });

  test("rm removes stopped containers only, asks first without a terminal unless -f, and -s stops running ones too", async () => {
    expect(cli(["stop", "db"]).code).toBe(0);
    const refused = cli(["rm"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("refusing to remove containers without confirmation");
    expect(cli(["rm", "-f"]).stdout).toBe(`Going to remove ${project}-db-1\n  ✓ ${project}-db-1 removed\n`);
    expect((await snapshot(fx.docker, project)).containers.map((c) => c.service)).toEqual(["web"]);
    expect(cli(["rm", "-f"]).stdout).toBe("No stopped containers to remove.\n");
    expect(JSON.parse(cli(["--json", "rm", "-f", "-s", "web"]).stdout)).toEqual({ project, removed: [`${project}-web-1`] });
    expect((await snapshot(fx.docker, project)).containers).toEqual([]);
  });

  test("pull pulls each service's image from its registry, leaves built services to dsl build, and a registry's refusal is a clear error", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-pull-"));
    fs.writeFileSync(path.join(dir, "Dockerfile"), `FROM ${BUSYBOX}\n`);
    const pullStack = writeStack(
      `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(fx.project("pull"))});
new Service("tool", { image: "berth-test/not-in-any-registry:1" });
new Service("app", { build: { context: ${JSON.stringify(dir)} } });
export default stack;
`,
      dir,
    );
    const built = dsl(["--json", "pull", pullStack, "app"]);
    expect(built.code).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ pulled: [], buildable: ["app"] });
    const refused = dsl(["pull", pullStack]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/stack\.ts:3:1: service "tool": pulling berth-test\/not-in-any-registry:1 failed: /);
  });
});
