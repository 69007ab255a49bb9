#!/usr/bin/env node
/**
 * `pnpm bench`: Berth against docker-compose and the engine's own floor, side by side, on the
 * same generated stacks and the same engine. Prints one table (markdown) of medians and min–max,
 * the ratio Berth / anchor per row and whether its target is met, and writes the same as JSON to
 * bench/results/<date>.json. See bench/README.md.
 *
 *   pnpm bench                 N = 10, 50, 200; 5 runs; plan() on 1,000 and 10,000 services; import of 4,000 and of 10 MB; install footprint
 *   pnpm bench --quick         N = 5; 2 runs; plan() on 100 and 1,000 (a smoke test, not timed; no install rows)
 *   pnpm bench --runs 7 --sizes 50 --only synth,engine,plan,install
 *
 * The engine is $DOCKER_HOST when it answers, else the private test engine (scripts/test-engine.sh,
 * stopped again at the end). Everything the harness creates is removed at the end, also after an
 * error or Ctrl-C.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { benchProject, cleanup, leftovers, mineOrStale } from "./lib/cleanup.mjs";
import { PROJECT_LABEL, request } from "./lib/docker-api.mjs";
import { IMAGE, ports, serviceName, services, stackSource } from "./lib/gen.mjs";
import { defaults, hasGnuTime, killRunning, measure } from "./lib/measure.mjs";
import { installRows, printBreakdown } from "./lib/install.mjs";
import { rolloutRows } from "./lib/rollout.mjs";
import { watchRows } from "./lib/watch.mjs";
import { buildReport, printTable } from "./lib/report.mjs";
import { packAll } from "../scripts/pack.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RESULTS = path.join(ROOT, "bench/results");
/** Generated stacks, compose files and caches: outside the repo (tsc and jest never see them). */
const WORK = mkdtempSync(path.join(os.tmpdir(), "berth-bench-"));
const DSL = path.join(ROOT, "packages/cli/bin/dsl.js");
const NODE = process.execPath;
/** First 127.0.0.1 port of each tool's stack (every 10th service publishes one). */
const BASE_PORT = { b: 47100, c: 47200, f: 47300 };

function parseArgs(argv) {
  const opts = {
    quick: false,
    runs: 5,
    sizes: [10, 50, 200],
    planSizes: [1000, 10000],
    loadSize: 1000,
    importSize: 4000,
    /** The size of the large compose file `dsl import` reads (issue 14: 10 MB); 0 leaves the row out. */
    importMb: 10,
    only: new Set(["synth", "engine", "plan", "import", "install", "rollout", "watch"]),
    keep: false,
  };
  let onlyGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--quick") Object.assign(opts, { quick: true, runs: 2, sizes: [5], planSizes: [100, 1000], loadSize: 100, importSize: 100, importMb: 0.2 });
    else if (a === "--runs") opts.runs = Number(value());
    else if (a === "--sizes") opts.sizes = value().split(",").map(Number);
    else if (a === "--plan-sizes") opts.planSizes = value().split(",").map(Number);
    else if (a === "--import-mb") opts.importMb = Number(value());
    else if (a === "--only") {
      opts.only = new Set(value().split(","));
      onlyGiven = true;
    } else if (a === "--keep") opts.keep = true;
    else if (a === "-h" || a === "--help") {
      process.stdout.write(
        "usage: pnpm bench [--quick] [--runs n] [--sizes 10,50,200] [--plan-sizes 1000,10000] [--import-mb 10] [--only synth,engine,plan,import,install,rollout,watch] [--keep]\n",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  // The smoke run leaves out packing and installing (≈ 2 min; the install test covers them) unless asked for.
  if (opts.quick && !onlyGiven) opts.only.delete("install");
  if (!(opts.runs >= 1) || opts.sizes.some((n) => !(n >= 1 && n <= 900)) || opts.planSizes.some((n) => !(n >= 1)))
    throw new Error("--runs ≥ 1, --sizes 1..900, --plan-sizes ≥ 1");
  return opts;
}

const HAS_COMPOSE = spawnSync("docker-compose", ["version", "--short"], { stdio: "ignore" }).status === 0;
const log = (msg) => process.stderr.write(`bench: ${msg}\n`);

// ─── environment ────────────────────────────────────────────────────────────────────────────

const CLI_DIST = path.join(ROOT, "packages/cli/dist/cli.js");

/** The CLI is measured as users run it: packages/cli/bin/dsl.js over the bundle `pnpm build` makes. */
function ensureCliBuilt() {
  const newest = (dir) => {
    let t = 0;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
    }
    return t;
  };
  const src = Math.max(...["cli", "runtime", "dsl"].map((p) => newest(path.join(ROOT, "packages", p, "src"))));
  if (existsSync(CLI_DIST) && statSync(CLI_DIST).mtimeMs >= src) return;
  log("building the CLI (packages/cli/dist is missing or older than the sources)");
  const r = spawnSync(NODE, [path.join(ROOT, "scripts/build.mjs")], { cwd: ROOT, stdio: "inherit" });
  if (r.status === 0) return;
  if (!existsSync(CLI_DIST)) throw new Error("node scripts/build.mjs failed");
  log("warning: the build failed; measuring the CLI bundle that is there");
}

/** Size and time of the CLI bundle: a change during the run (someone rebuilt it) makes rows incomparable. */
function cliStamp() {
  const st = statSync(CLI_DIST);
  return `${st.size}@${Math.floor(st.mtimeMs)}`;
}

function gitState() {
  const git = (...args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const dirty = git("status", "--porcelain", "--untracked-files=no", "packages", "scripts").split("\n").filter(Boolean).length;
  return { commit: git("rev-parse", "--short", "HEAD"), modifiedFiles: dirty };
}

async function answers() {
  try {
    await request("GET", "/_ping", undefined, undefined, { timeoutMs: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** $DOCKER_HOST if it answers, else the private test engine; the base image imported either way. */
async function ensureEngine() {
  // Already up (a $DOCKER_HOST that answers, or the private engine from an earlier start): not ours to stop.
  const privateUp = spawnSync("bash", [path.join(ROOT, "scripts/test-engine.sh"), "status"], { cwd: ROOT, env: process.env, stdio: "ignore" }).status === 0;
  const before = privateUp || (Boolean(process.env.DOCKER_HOST) && (await answers()));
  const r = spawnSync("bash", [path.join(ROOT, "scripts/test-engine.sh"), "start"], {
    cwd: ROOT,
    env: process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (r.status !== 0) throw new Error("scripts/test-engine.sh start failed");
  const m = /export DOCKER_HOST=(\S+)/.exec(r.stdout);
  if (!m) throw new Error(`scripts/test-engine.sh start printed no DOCKER_HOST: ${r.stdout}`);
  process.env.DOCKER_HOST = m[1].replace(/^'(.*)'$/, "$1");
  return { startedHere: !before };
}

function stopEngine() {
  spawnSync("bash", [path.join(ROOT, "scripts/test-engine.sh"), "stop"], { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
}

function portFree(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

async function checkPorts(sizes) {
  const busy = [];
  for (const n of sizes) for (const base of Object.values(BASE_PORT)) for (const p of ports(n, base)) if (!(await portFree(p))) busy.push(p);
  if (busy.length) throw new Error(`127.0.0.1 ports in use: ${[...new Set(busy)].join(", ")} (the bench stacks publish 47100–47399)`);
}

function machine() {
  const load = os.loadavg();
  return {
    nproc: os.availableParallelism?.() ?? os.cpus().length,
    cpu: os.cpus()[0]?.model ?? "?",
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavg: load.map((l) => Math.round(l * 100) / 100),
    node: process.version,
    compose: spawnSync("docker-compose", ["version", "--short"], { encoding: "utf8" }).stdout?.trim() || "?",
    engine: "",
    git: gitState(),
    /** docker-compose 1.29 runs up to 64 operations at once unless told otherwise. */
    composeParallelLimit: process.env.COMPOSE_PARALLEL_LIMIT ?? "64 (default; N + 1 above 64 services, see composeEnv)",
  };
}

// ─── the measured things ────────────────────────────────────────────────────────────────────

class Recorder {
  constructor() {
    this.samples = {};
  }
  /** key: `synth.cold@50`; one sample per run. */
  add(key, m) {
    const s = (this.samples[key] ??= { ms: [], rssKb: [] });
    s.ms.push(m.ms);
    s.rssKb.push(m.rssKb);
  }
}

function dslEnv(cacheDir) {
  return { ...process.env, BERTH_CACHE_DIR: cacheDir, NO_COLOR: "1" };
}

const dsl = (args, { cwd, cacheDir }) => measure(NODE, [DSL, ...args], { cwd, env: dslEnv(cacheDir) });

async function countRunning(project) {
  const rows = await request("GET", "/containers/json", { filters: { label: [`${PROJECT_LABEL}=${project}`] } });
  return rows.length;
}

async function expectRunning(project, n, what) {
  const got = await countRunning(project);
  if (got !== n) throw new Error(`${what}: ${got} of ${n} containers of ${project} are running`);
}

/** Networks Docker 20.10 would not remove ("has active endpoints" with no container left) and that are still there (the engine is not ours to restart). */
const leakedNetworks = new Set();

async function expectGone(project, what) {
  const left = (await leftovers(project)).filter((l) => !leakedNetworks.has(l));
  if (left.length) throw new Error(`${what} left ${left.join(", ")}`);
}

/**
 * A removal (dsl destroy, docker-compose down, the floor's) that failed only because the engine
 * kept a network's endpoint count after its last container went (Docker 20.10 under load; no
 * container is left, and only an engine restart clears it) still removed everything it times:
 * its sample is kept, and the private engine (when the harness started it) is restarted at once
 * and the network removed, so that later runs start clean. Any other failure stands.
 */
async function removalSample(tool, project, run) {
  try {
    return await run();
  } catch (err) {
    const text = `${err.message}\n${err.result?.stderr ?? ""}\n${err.result?.stdout ?? ""}`;
    const left = await leftovers(project);
    if (!err.result || !/has active endpoints/.test(text) || !left.length || left.some((l) => !l.startsWith("network "))) throw err;
    log(`warning: ${tool} could not remove ${left.join(", ")}: "has active endpoints" with no container left (the engine's bug, not ${tool}'s); sample kept`);
    if (engine.startedHere) {
      // Only a restart clears it; left in place, it would slow every later removal of this project.
      log("restarting the private engine (nothing of the bench runs now) and removing the network");
      stopEngine();
      await ensureEngine();
      await cleanup();
    }
    for (const l of await leftovers(project)) leakedNetworks.add(l);
    return err.result;
  }
}

/** Stacks for size n: Berth's stack.ts, docker-compose's synthesized file, the floor's spec. */
async function prepareSize(n, cacheDir) {
  const dir = path.join(WORK, `n${n}`);
  const b = path.join(dir, "berth");
  const c = path.join(dir, "compose");
  mkdirSync(b, { recursive: true });
  mkdirSync(c, { recursive: true });
  const berthStack = (change) => stackSource(benchProject("b", n), n, { basePort: BASE_PORT.b, change });
  writeFileSync(path.join(b, "stack.ts"), berthStack());
  // docker-compose runs the file `dsl synth` makes of the identical stack (its own project name and ports).
  const composeFile = async (change, out) => {
    writeFileSync(path.join(c, "stack.ts"), stackSource(benchProject("c", n), n, { basePort: BASE_PORT.c, change }));
    await dsl(["synth", "stack.ts", "-o", out], { cwd: c, cacheDir });
  };
  await composeFile(undefined, "base.yml");
  /** The floor's spec (a file the floor script reads), with the first service's LOG_LEVEL set to `change`. */
  const floorSpec = (change) => {
    const file = path.join(dir, `floor-${change ?? "base"}.json`);
    writeFileSync(
      file,
      JSON.stringify({ project: benchProject("f", n), services: services(n, { basePort: BASE_PORT.f, change }).map((s) => ({ ...s, image: IMAGE })) }),
    );
    return file;
  };
  return { dir, b, c, berthStack, composeFile, floorSpec };
}

async function synthRows(rec, n, ctx, runs, cacheDir) {
  const composeArgs = ["-p", benchProject("c", n), "-f", path.join(ctx.c, "base.yml"), "config", "-q"];
  // Warm: the bundle (and whatever else the CLI caches) is in BERTH_CACHE_DIR from a first run.
  await dsl(["synth", "stack.ts"], { cwd: ctx.b, cacheDir });
  for (let r = 0; r < runs; r++) {
    rec.add(`node@${n}`, await measure(NODE, ["-e", "0"]));
    const cold = path.join(WORK, `cold-cache-${n}-${r}`);
    rec.add(`synth.cold@${n}`, await dsl(["synth", "stack.ts"], { cwd: ctx.b, cacheDir: cold }));
    rmSync(cold, { recursive: true, force: true });
    rec.add(`synth.nocache@${n}`, await dsl(["synth", "--no-cache", "stack.ts"], { cwd: ctx.b, cacheDir }));
    rec.add(`synth.warm@${n}`, await dsl(["synth", "stack.ts"], { cwd: ctx.b, cacheDir }));
    if (HAS_COMPOSE) rec.add(`compose.config@${n}`, await measure("docker-compose", composeArgs, { cwd: ctx.c }));
  }
}

/** Writes the compose file `dsl synth` makes of a generated n-service stack into `dir` (untimed); returns its size in bytes. */
async function composeFileOf(dir, n, cacheDir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "stack.ts"), stackSource(benchProject("i", n), n, { basePort: 10000 }));
  // A stack of tens of thousands of services takes longer to load than the default --load-timeout on a busy machine.
  const res = await dsl(["--load-timeout", "3600s", "synth", "stack.ts", "-o", "compose.yml"], { cwd: dir, cacheDir });
  if (!existsSync(path.join(dir, "compose.yml"))) throw new Error(`dsl synth of ${n} services wrote no compose.yml:\n${res.stderr}`);
  return statSync(path.join(dir, "compose.yml")).size;
}

/** `dsl import` of the compose file `dsl synth` makes of a generated n-service stack, against `docker-compose config` of the same file. */
async function importRows(rec, n, runs, cacheDir) {
  const dir = path.join(WORK, `import-${n}`);
  const bytes = await composeFileOf(dir, n, cacheDir);
  for (let r = 0; r < runs; r++) {
    rec.add(`import@${n}`, await dsl(["import", "compose.yml", "-o", "imported.ts", "--force"], { cwd: dir, cacheDir }));
    if (HAS_COMPOSE)
      rec.add(`compose.import@${n}`, await measure("docker-compose", ["-p", benchProject("i", n), "-f", "compose.yml", "config", "-q"], { cwd: dir }));
  }
  return { n, bytes };
}

/**
 * `dsl import` of a compose file of `mb` MB (the same generated services, as many as it takes),
 * against the import of the `base` file scaled by size: linear growth is the size ratio.
 * docker-compose is no anchor here: it reads 4,000 services in about a minute already.
 */
async function largeImportRows(rec, mb, base, runs, cacheDir) {
  const n = Math.ceil((mb * 1e6) / (base.bytes / base.n));
  const dir = path.join(WORK, `import-${mb}mb`);
  const bytes = await composeFileOf(dir, n, cacheDir);
  for (let r = 0; r < runs; r++) rec.add(`import.large@${n}`, await dsl(["import", "compose.yml", "-o", "imported.ts", "--force"], { cwd: dir, cacheDir }));
  return { n, bytes, mb, base };
}

async function berthCycle(rec, n, ctx, r, cacheDir) {
  const project = benchProject("b", n);
  const stack = path.join(ctx.b, "stack.ts");
  const opts = { cwd: ctx.b, cacheDir };
  writeFileSync(stack, ctx.berthStack());
  await dsl(["validate", "stack.ts"], opts); // the compiled stack is cached, as after any synth/diff
  rec.add(`berth.cold@${n}`, await dsl(["apply", "--yes", "stack.ts"], opts));
  await expectRunning(project, n, "dsl apply");
  const noop = await dsl(["apply", "--yes", "stack.ts"], opts);
  if (!/No changes/.test(noop.stdout)) throw new Error(`dsl apply with nothing changed did not say "No changes":\n${noop.stdout}`);
  rec.add(`berth.noop@${n}`, noop);
  writeFileSync(stack, ctx.berthStack(`run${r}`)); // the user edited one value: the stack recompiles
  const change = await dsl(["apply", "--yes", "stack.ts"], opts);
  if (!/1 to change/.test(change.stdout)) throw new Error(`dsl apply after one env change did not plan 1 change:\n${change.stdout}`);
  rec.add(`berth.change@${n}`, change);
  await expectRunning(project, n, "dsl apply (one change)");
  rec.add(`berth.destroy@${n}`, await removalSample("dsl destroy", project, () => dsl(["destroy", "--yes", "stack.ts"], opts)));
  await expectGone(project, "dsl destroy");
}

async function composeCycle(rec, n, ctx, r) {
  const project = benchProject("c", n);
  const file = path.join(ctx.c, "docker-compose.yml");
  const compose = (...args) => measure("docker-compose", ["-p", project, "-f", file, ...args], { cwd: ctx.c, env: composeEnv(n) });
  await ctx.composeFile(undefined, "docker-compose.yml");
  rec.add(`compose.up@${n}`, await compose("up", "-d"));
  await expectRunning(project, n, "docker-compose up -d");
  rec.add(`compose.noop@${n}`, await compose("up", "-d"));
  await ctx.composeFile(`run${r}`, "docker-compose.yml"); // untimed: the same one-value edit
  rec.add(`compose.change@${n}`, await compose("up", "-d"));
  await expectRunning(project, n, "docker-compose up -d (one change)");
  rec.add(`compose.down@${n}`, await removalSample("docker-compose down", project, () => compose("down")));
  await expectGone(project, "docker-compose down");
}

/**
 * docker-compose 1.29 deadlocks in `up` on this stack when it has more services than its parallel
 * limit (default 64): the threads holding the limit wait for dependencies that wait for the limit
 * (seen at N = 200: stuck at 35 and 141 containers with 64, at 6 with 8). Above 64 services the
 * limit is raised to N + 1 unless COMPOSE_PARALLEL_LIMIT is set; the JSON records it.
 */
function composeEnv(n) {
  if (process.env.COMPOSE_PARALLEL_LIMIT || n <= 64) return process.env;
  return { ...process.env, COMPOSE_PARALLEL_LIMIT: String(n + 1) };
}

async function floorCycle(rec, n, ctx, r) {
  const project = benchProject("f", n);
  const floor = (...args) => measure(NODE, [path.join(ROOT, "bench/lib/floor.mjs"), ...args]);
  rec.add(`floor.create@${n}`, await floor("create", ctx.floorSpec()));
  await expectRunning(project, n, "floor create");
  rec.add(`floor.list@${n}`, await floor("list", project));
  rec.add(`floor.recreate@${n}`, await floor("recreate", ctx.floorSpec(`run${r}`), serviceName(1, n)));
  await expectRunning(project, n, "floor recreate");
  rec.add(`floor.remove@${n}`, await removalSample("the floor", project, () => floor("remove", project)));
  await expectGone(project, "floor remove");
}

async function planRows(opts) {
  // Inside the repo (git-ignored), so that esbuild, which load() needs, resolves from node_modules.
  const bundle = path.join(RESULTS, ".build/plan-bench.cjs");
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: [path.join(ROOT, "bench/lib/plan-bench.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: ["dockerode", "esbuild", "ts-morph"],
    alias: { "@berth/dsl": path.join(ROOT, "packages/dsl/src/index.ts"), "@berth/runtime": path.join(ROOT, "packages/runtime/src/index.ts") },
    logLevel: "warning",
  });
  const cacheDir = path.join(WORK, "plan-cache");
  const m = await measure(NODE, [bundle, WORK, opts.planSizes.join(","), String(opts.runs), String(opts.loadSize)], {
    env: { ...process.env, BERTH_CACHE_DIR: cacheDir },
  });
  return { ...JSON.parse(m.stdout), loadSize: opts.loadSize, rssKb: m.rssKb, wallMs: m.ms };
}

// ─── main ───────────────────────────────────────────────────────────────────────────────────

let engine = { startedHere: false, used: false };
/** What a failed run has measured so far: written out too, marked with the error. */
const state = {
  opts: undefined,
  mach: undefined,
  started: undefined,
  rec: undefined,
  plan: undefined,
  install: undefined,
  rollout: undefined,
  watch: undefined,
};
let cleaning;
let keepWork = false;

async function finish() {
  cleaning ??= (async () => {
    killRunning("SIGTERM");
    try {
      if (engine.used && (await answers())) {
        if (leakedNetworks.size && engine.startedHere) {
          log(`restarting the private engine to remove ${[...leakedNetworks].join(", ")}`);
          stopEngine();
          await ensureEngine();
        }
        const removed = await cleanup();
        if (removed.containers + removed.networks + removed.volumes)
          log(`removed ${removed.containers} containers, ${removed.networks} networks, ${removed.volumes} volumes left by the bench`);
      }
    } catch (err) {
      log(
        `clean-up failed: ${err.message} (remove what is labelled ${PROJECT_LABEL}=bench[bcf]<N>p${process.pid} by hand; a network that keeps "active endpoints" with no container is an engine bug that a restart of the engine clears)`,
      );
    }
    if (engine.startedHere) stopEngine();
    if (!keepWork) rmSync(WORK, { recursive: true, force: true });
  })();
  return cleaning;
}

for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(sig, () => {
    log(`${sig}: stopping, removing what the bench made`);
    try {
      writeResults(`interrupted by ${sig}`);
    } catch {
      /* the clean-up matters more */
    }
    finish().finally(() => process.exit(130));
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  keepWork = opts.keep;
  const started = new Date();
  const mach = machine();
  log(`${opts.quick ? "quick (smoke) run" : "full run"}: N = ${opts.sizes.join(", ")}, ${opts.runs} runs; ${mach.nproc} CPUs, load ${mach.loadavg.join(" ")}`);
  if (!HAS_COMPOSE) {
    if (opts.only.has("engine")) throw new Error("docker-compose is not installed (apt-get install docker-compose, or run scripts/test-engine.sh start)");
    log("docker-compose is not installed: the synth rows have no compose anchor");
  }
  if (!hasGnuTime) log("no /usr/bin/time (apt-get install time): peak RSS is not measured");
  ensureCliBuilt();
  const cliAtStart = cliStamp();
  const cacheDir = path.join(WORK, "cache");
  const rec = new Recorder();
  Object.assign(state, { opts, mach, started, rec, cliAtStart });

  if (opts.only.has("engine")) {
    engine = { ...(await ensureEngine()), used: true };
    mach.engine = `${process.env.DOCKER_HOST} (Docker ${(await request("GET", "/version")).Version})`;
    const stale = await cleanup(mineOrStale);
    if (stale.containers + stale.networks)
      log(`removed ${stale.containers} containers and ${stale.networks} networks left by an earlier bench run that was killed`);
    await checkPorts(opts.sizes);
  }
  for (const n of opts.sizes) {
    defaults.timeoutMs = 120_000 + 2_000 * n; // compose's cold up of 50 takes ~8 s: this is ~10× headroom
    const ctx = await prepareSize(n, cacheDir);
    if (opts.only.has("synth")) {
      log(`N=${n}: synth rows`);
      await synthRows(rec, n, ctx, opts.runs, cacheDir);
    }
    if (opts.only.has("engine")) {
      for (let r = 0; r < opts.runs; r++) {
        log(`N=${n}: engine rows, run ${r + 1}/${opts.runs} (Berth, docker-compose, floor)`);
        await berthCycle(rec, n, ctx, r, cacheDir);
        await composeCycle(rec, n, ctx, r);
        await floorCycle(rec, n, ctx, r);
      }
    }
  }
  if (opts.only.has("rollout")) {
    if (!engine.used) {
      engine = { ...(await ensureEngine()), used: true };
      mach.engine = `${process.env.DOCKER_HOST} (Docker ${(await request("GET", "/version")).Version})`;
    }
    log("rollout rows: failed requests while a 2-replica service rolls out (Berth start-first, stop-first, docker-compose)");
    const run = (args, { cwd, env }) => measure(NODE, [DSL, ...args], { cwd, env: { ...dslEnv(cacheDir), ...env } });
    state.rollout = await rolloutRows({ runs: opts.runs, work: WORK, dsl: run, project: (k) => benchProject("r", k), log });
  }
  if (opts.only.has("watch")) {
    if (!engine.used) {
      engine = { ...(await ensureEngine()), used: true };
      mach.engine = `${process.env.DOCKER_HOST} (Docker ${(await request("GET", "/version")).Version})`;
    }
    log("watch rows: dsl watch, from an edit of stack.ts to the service recreated");
    state.watch = await watchRows({
      runs: opts.runs,
      work: WORK,
      node: NODE,
      cli: DSL,
      env: dslEnv(cacheDir),
      dsl: (args, { cwd }) => dsl(args, { cwd, cacheDir }),
      project: benchProject("w", 1),
      log,
    });
  }
  if (opts.only.has("plan")) {
    log(`plan() on ${opts.planSizes.join(", ")} services, load() of ${opts.loadSize}`);
    defaults.timeoutMs = 600_000;
    state.plan = await planRows(opts);
  }
  if (opts.only.has("import")) {
    log(`dsl import of ${opts.importSize} services`);
    defaults.timeoutMs = 600_000;
    const base = await importRows(rec, opts.importSize, Math.min(opts.runs, 3), cacheDir);
    opts.sizes = [...new Set([...opts.sizes, opts.importSize])]; // the report pairs rows by size
    if (opts.importMb > 0) {
      log(`dsl import of a ${opts.importMb} MB compose file`);
      state.largeImport = await largeImportRows(rec, opts.importMb, base, Math.min(opts.runs, 2), cacheDir);
    }
  }
  if (opts.only.has("install")) {
    state.cliBeforePack = cliStamp(); // packing rebuilds the bundle: the CLI rows were all measured before
    log("install rows: packing the packages (scripts/pack.mjs)");
    state.install = await installRows(packAll(path.join(WORK, "tarballs")), WORK, opts.runs, log);
  }
  writeResults();
  if (opts.keep) log(`kept ${WORK}`);
}

/** Prints the table and writes the JSON of whatever was measured; `error` marks a run that failed. */
function writeResults(error) {
  const { opts, mach, started, rec, plan, install, rollout, watch, cliAtStart, largeImport } = state;
  if (state.written || !rec || (!Object.keys(rec.samples).length && !plan && !install && !rollout && !watch)) return;
  state.written = true;

  mach.loadavgAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);
  mach.cliRebuiltDuringRun = (state.cliBeforePack ?? cliStamp()) !== cliAtStart;
  if (mach.cliRebuiltDuringRun) log("warning: packages/cli/dist/cli.js changed during the run (rebuilt by someone else): CLI rows may mix two builds");
  const report = buildReport({ opts, machine: mach, started, finished: new Date(), samples: rec.samples, plan, install, rollout, watch, largeImport });
  if (error) report.error = error;
  printTable(report, process.stdout);
  if (install) printBreakdown(install, process.stdout);
  if (error) process.stdout.write(`INCOMPLETE: the run failed (${error.split("\n")[0]}); the rows above are what it measured.\n`);
  mkdirSync(RESULTS, { recursive: true });
  const stamp = started
    .toISOString()
    .replace(/[:.]/g, "-")
    .replace(/-\d\dZ$/, "Z");
  const out = path.join(RESULTS, `${stamp}${opts.quick ? "-quick" : ""}${error ? "-failed" : ""}.json`);
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, out)}`);
}

main()
  .then(
    () => finish(),
    async (err) => {
      const message = err instanceof Error ? err.message : String(err);
      log(`error: ${message}`);
      try {
        writeResults(message);
      } catch (e) {
        log(`could not write the partial results: ${e}`);
      }
      await finish();
      process.exitCode = 1;
    },
  )
  .catch((err) => {
    log(`error: ${err}`);
    process.exitCode = 1;
  });
