/**
 * `dsl watch` against the test engine, as a user runs it: a real child process watching a stack
 * that imports a local module. An edit of the stack recreates the service with the preview
 * printed; an edit of the module too; a syntax error prints the located error and watching goes
 * on; Ctrl-C (SIGINT) stops watching with exit 0 and the stack keeps running. Wall time ≈ 20 s.
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
    let out = "";
    child = spawn(process.execPath, [DSL, "watch", "--debounce", "100", "stack.ts"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => (out += d));
    child.stderr?.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    /** Resolves once `text` appears in the output after position `from`; returns where it ends. */
    const waitFor = async (text: string, from: number, ms = 30_000): Promise<number> => {
      const t0 = Date.now();
      for (;;) {
        const at = out.indexOf(text, from);
        if (at >= 0) return at + text.length;
        if (Date.now() - t0 > ms) throw new Error(`no "${text}" within ${ms} ms; output so far:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const env = async () => fx.docker(["inspect", `${project}-app-1`, "--format", "{{range .Config.Env}}{{.}} {{end}}"]);
    const waiting = "[watch] waiting for changes to stack.ts and 1 module it imports";

    let at = await waitFor(waiting, 0);
    expect(out).toContain("Apply complete: 2 added");
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
    at = await waitFor('error: stack.ts:6:11: error: Unexpected ";"', at);
    at = await waitFor("[watch] waiting for changes to stack.ts", at);
    fs.writeFileSync(file, good.replace('GREETING: "two"', 'GREETING: "three"'));
    at = await waitFor('recreate: environment.GREETING "two" → "three"', at);
    await waitFor(waiting, at);

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(out).toContain("[watch] stopped watching; the stack keeps running");
    expect(await env()).toContain("GREETING=three");
    expect(await fx.docker(["inspect", `${project}-app-1`, "--format", "{{.State.Status}}"])).toBe("running");
    expect(dsl(["destroy", "--yes", file]).code).toBe(0);
  }, 120_000);
});
