/**
 * `dsl watch` against the test engine, as a user runs it: a real child process watching a stack
 * that imports a local module. An edit of the stack recreates the service with the preview
 * printed; an edit of the module too; a syntax error prints the located error and watching goes
 * on; Ctrl-C (SIGINT) stops watching with exit 0 and the stack keeps running. A service's
 * `develop.watch` rules: an edit under a `sync` path reaches the container with no recreate (an
 * ignored one does not, a deletion deletes), `sync+restart` restarts the same container,
 * `rebuild` builds and recreates that service alone, `initialSync` syncs at start; a path that
 * does not exist yet is watched once it is made. Wall time ≈ 50 s.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { DSL } from "../helpers";
import { BUSYBOX, describeEngine, dsl, useE2E, writeStack } from "./helpers";

describeEngine("dsl watch", () => {
  const fx = useE2E();
  let child: ChildProcess | undefined;
  afterEach(() => child?.kill("SIGKILL"));

  /** `dsl watch` in `dir`, as a child process; `waitFor(text, from)` resolves where `text` ends in its output, after `from`. */
  function watch(dir: string) {
    let out = "";
    child = spawn(process.execPath, [DSL, "watch", "--debounce", "100", "stack.ts"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    const waitFor = async (text: string, from: number, ms = 30_000): Promise<number> => {
      const t0 = Date.now();
      for (;;) {
        const at = out.indexOf(text, from);
        if (at >= 0) return at + text.length;
        if (Date.now() - t0 > ms) throw new Error(`no "${text}" within ${ms} ms; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    return { waitFor, exited, output: () => out };
  }

  test("re-applies on every change of the stack or a module it imports, survives a broken stack, and Ctrl-C leaves the stack running", async () => {
    const project = fx.project("watch");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
import { level } from "./lib";
const stack = new Stack(${JSON.stringify(project)});
new Service("app", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, environment: { LEVEL: level, GREETING: "one" } });
export default stack;
`);
    const dir = path.dirname(file);
    const lib = path.join(dir, "lib.ts");
    fs.writeFileSync(lib, `export const level = "info";\n`);
    const w = watch(dir);
    const { waitFor } = w;
    const env = async () => fx.docker(["inspect", `${project}-app-1`, "--format", "{{range .Config.Env}}{{.}} {{end}}"]);
    const waiting = "[watch] waiting for changes to stack.ts and 1 module it imports";

    let at = await waitFor(waiting, 0);
    expect(w.output()).toContain("Apply complete: 2 added");
    expect(await env()).toContain("GREETING=one");

    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace('GREETING: "one"', 'GREETING: "two"'));
    at = await waitFor('recreate: environment.GREETING "one" → "two"', at);
    at = await waitFor(waiting, at);
    expect(await env()).toContain("GREETING=two");

    fs.writeFileSync(lib, `export const level = "debug";\n`);
    at = await waitFor("[watch] lib.ts changed: applying", at);
    at = await waitFor('recreate: environment.LEVEL "info" → "debug"', at);
    at = await waitFor(waiting, at);

    const good = fs.readFileSync(file, "utf8");
    fs.writeFileSync(file, `${good}const x = ;\n`);
    // The error (stderr) and the next "waiting" line (stdout) come through two pipes: in either order.
    at = Math.max(await waitFor('error: stack.ts:6:11: error: Unexpected ";"', at), await waitFor("[watch] waiting for changes to stack.ts", at));
    fs.writeFileSync(file, good.replace('GREETING: "two"', 'GREETING: "three"'));
    at = await waitFor('recreate: environment.GREETING "two" → "three"', at);
    await waitFor(waiting, at);

    child?.kill("SIGINT");
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain("[watch] stopped watching; the stack keeps running");
    expect(await env()).toContain("GREETING=three");
    expect(await fx.docker(["inspect", `${project}-app-1`, "--format", "{{.State.Status}}"])).toBe("running");
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
  }, 120_000);

  test("develop.watch: sync without recreate (ignore and delete honoured), sync+restart restarts the same container, rebuild recreates that service only", async () => {
    const project = fx.project("dev");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", {
  image: ${JSON.stringify(BUSYBOX)},
  command: ["sleep", "3600"],
  init: true,
  develop: {
    watch: [
      { path: "./src", action: "sync", target: "/app", ignore: ["tmp/", "*.log"], initialSync: true },
      { path: "conf/app.conf", action: "sync+restart", target: "/etc/app.conf" },
    ],
  },
});
new Service("api", { image: "${project}-api:dev", build: { context: "." }, command: ["sleep", "3600"], init: true, develop: { watch: [{ path: "VERSION", action: "rebuild" }] } });
export default stack;
`);
    const dir = path.dirname(file);
    fs.mkdirSync(path.join(dir, "src/tmp"), { recursive: true });
    fs.mkdirSync(path.join(dir, "conf"));
    fs.writeFileSync(path.join(dir, "src/index.html"), "one\n");
    fs.writeFileSync(path.join(dir, "conf/app.conf"), "a=1\n");
    fs.writeFileSync(path.join(dir, "VERSION"), "v1\n");
    fs.writeFileSync(path.join(dir, "Dockerfile"), `FROM ${BUSYBOX}\nCOPY VERSION /VERSION\n`);
    const inspect = (svc: string, format: string) => fx.docker(["inspect", `${project}-${svc}-1`, "--format", format]);
    const cat = async (svc: string, f: string) => (await fx.run("docker", ["exec", `${project}-${svc}-1`, "cat", f])).stdout;
    const ls = async (dir: string) => (await fx.run("docker", ["exec", `${project}-web-1`, "ls", "-A", dir])).stdout.split("\n").filter(Boolean);
    /** Polls `read` until it returns `want` (bounded); returns what it read last. */
    const until = async (read: () => Promise<string>, want: string): Promise<string> => {
      let got = "";
      for (let t = 0; t < 100 && got !== want; t++) {
        got = await read().catch(() => "");
        if (got !== want) await new Promise((r) => setTimeout(r, 100));
      }
      return got;
    };

    const w = watch(dir);
    let at = await w.waitFor("[watch] waiting for changes to stack.ts and 3 develop.watch rules", 0);
    const web = await inspect("web", "{{.Id}} {{.State.StartedAt}}");
    const api = await inspect("api", "{{.Id}}");
    // initialSync: what src held when watching began is in the container.
    at = await w.waitFor("[watch] src/index.html changed: synced to /app/index.html in", at);
    expect(await until(() => cat("web", "/app/index.html"), "one\n")).toBe("one\n");

    fs.writeFileSync(path.join(dir, "src/index.html"), "two\n");
    fs.mkdirSync(path.join(dir, "src/js"));
    fs.writeFileSync(path.join(dir, "src/js/app.js"), "x\n");
    fs.writeFileSync(path.join(dir, "src/tmp/scratch"), "no\n");
    fs.writeFileSync(path.join(dir, "src/debug.log"), "no\n");
    expect(await until(() => cat("web", "/app/index.html"), "two\n")).toBe("two\n");
    expect(await until(() => cat("web", "/app/js/app.js"), "x\n")).toBe("x\n");
    expect((await ls("/app")).sort()).toEqual(["index.html", "js"]);
    fs.rmSync(path.join(dir, "src/js"), { recursive: true });
    at = await w.waitFor("deleted", at);
    expect(await until(async () => (await ls("/app")).join(","), "index.html")).toBe("index.html");
    expect(await inspect("web", "{{.Id}} {{.State.StartedAt}}")).toBe(web);

    fs.writeFileSync(path.join(dir, "conf/app.conf"), "a=2\n");
    at = await w.waitFor(`[watch] restarted ${project}-web-1`, at);
    expect(await cat("web", "/etc/app.conf")).toBe("a=2\n");
    const [id, started] = (await inspect("web", "{{.Id}} {{.State.StartedAt}}")).split(" ");
    expect(id).toBe(web.split(" ")[0]);
    expect(started).not.toBe(web.split(" ")[1]);

    fs.writeFileSync(path.join(dir, "VERSION"), "v2\n");
    at = await w.waitFor("[watch] VERSION changed: rebuilding api", at);
    at = await w.waitFor("recreate: image id changed after build", at);
    await w.waitFor("Apply complete: 0 added, 1 changed, 0 removed", at);
    expect(await inspect("api", "{{.Id}}")).not.toBe(api);
    expect(await cat("api", "/VERSION")).toBe("v2\n");
    expect(await inspect("web", "{{.Id}}")).toBe(id);

    child?.kill("SIGINT");
    expect(await w.exited).toBe(0);
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
    await fx.docker(["rmi", `${project}-api:dev`]);
  }, 120_000);

  test("develop.watch: a sync path made after watching began is watched from then on, what it holds synced", async () => {
    const project = fx.project("devlate");
    const file = writeStack(`import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", { image: ${JSON.stringify(BUSYBOX)}, command: ["sleep", "3600"], init: true, develop: { watch: [{ path: "./assets/public", action: "sync", target: "/srv" }] } });
export default stack;
`);
    const dir = path.dirname(file);
    const cat = async (f: string) => (await fx.run("docker", ["exec", `${project}-web-1`, "cat", f])).stdout;
    const w = watch(dir);
    let at = await w.waitFor("assets/public does not exist: its watch rule waits for it", 0);
    at = await w.waitFor("[watch] waiting for changes to stack.ts and 1 develop.watch rule", at);
    fs.mkdirSync(path.join(dir, "assets/public"), { recursive: true });
    fs.writeFileSync(path.join(dir, "assets/public/index.html"), "first\n");
    at = await w.waitFor("[watch] assets/public/index.html changed: synced to /srv/index.html in", at);
    expect(await cat("/srv/index.html")).toBe("first\n");
    // And watched from then on: a later edit is synced too.
    fs.writeFileSync(path.join(dir, "assets/public/index.html"), "second\n");
    await w.waitFor("[watch] assets/public/index.html changed: synced to /srv/index.html in", at);
    expect(await cat("/srv/index.html")).toBe("second\n");
    child?.kill("SIGINT");
    expect(await w.exited).toBe(0);
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
  }, 60_000);
});
