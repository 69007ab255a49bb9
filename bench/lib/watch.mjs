/**
 * `dsl watch` latency: from the moment an edit of stack.ts is saved to the moment the watch
 * prints "Apply complete" for it (the service recreated), with the default debounce (200 ms)
 * included. Anchor: `dsl apply --yes` run by hand right after the same kind of edit (a fresh
 * process: node start, load, plan, recreate). And a `develop.watch` sync: from the save of a file
 * under the synced folder to the watch's "synced" line (the file is in the container then);
 * anchor: `docker cp` of the same file by hand. One stack of one service, its own project
 * (`benchw1p<pid>`), watched by one long-running `dsl watch`.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { IMAGE } from "./gen.mjs";

function stack(project, value) {
  return `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("app", {
  image: ${JSON.stringify(IMAGE)},
  command: ["sleep", "3600"],
  init: true,
  environment: { VALUE: ${JSON.stringify(value)} },
  develop: { watch: [{ path: "src", action: "sync", target: "/app" }] },
});
export default stack;
`;
}

/** `{ watch: number[], apply: number[], sync: number[], cp: number[] }`: ms per sample. `dsl(args, { cwd })` runs the CLI and resolves to `{ ms }`. */
export async function watchRows({ runs, work, node, cli, env, dsl, project, log }) {
  const dir = path.join(work, "watch");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "stack.ts");
  writeFileSync(file, stack(project, "v0"));
  mkdirSync(path.join(dir, "src"), { recursive: true });
  const page = path.join(dir, "src/index.html");
  writeFileSync(page, "v0\n");
  const child = spawn(node, [cli, "watch", "stack.ts"], { cwd: dir, env: { ...env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const waitFor = async (re, from, ms = 60_000) => {
    const t0 = performance.now();
    for (;;) {
      const m = re.exec(out.slice(from));
      if (m) return from + m.index + m[0].length;
      if (performance.now() - t0 > ms) throw new Error(`dsl watch: no ${re} within ${ms} ms:\n${out}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const result = { watch: [], apply: [], sync: [], cp: [] };
  try {
    let at = await waitFor(/\[watch\] waiting for changes/, 0);
    for (let r = 1; r <= runs; r++) {
      const t0 = performance.now();
      writeFileSync(file, stack(project, `w${r}`));
      at = await waitFor(/Apply complete: 0 added, 1 changed/, at);
      result.watch.push(performance.now() - t0);
      at = await waitFor(/\[watch\] waiting for changes/, at);
      log(`watch run ${r}/${runs}: edit → recreated in ${Math.round(result.watch.at(-1))} ms`);
    }
    for (let r = 1; r <= runs; r++) {
      const t0 = performance.now();
      writeFileSync(page, `s${r}\n`);
      at = await waitFor(/synced to \/app\/index\.html in/, at);
      result.sync.push(performance.now() - t0);
      const c0 = performance.now();
      const cp = spawnSync("docker", ["cp", page, `${project}-app-1:/app/index.html`], { env });
      if (cp.status !== 0) throw new Error(`docker cp failed: ${cp.stderr}`);
      result.cp.push(performance.now() - c0);
      log(`watch sync run ${r}/${runs}: save → in the container in ${Math.round(result.sync.at(-1))} ms`);
    }
    child.kill("SIGINT");
    await new Promise((r) => child.on("exit", r));
    for (let r = 1; r <= runs; r++) {
      writeFileSync(file, stack(project, `a${r}`));
      result.apply.push((await dsl(["apply", "--yes", "stack.ts"], { cwd: dir })).ms);
    }
    await dsl(["destroy", "--yes", "stack.ts"], { cwd: dir });
  } finally {
    child.kill("SIGKILL");
  }
  return result;
}
