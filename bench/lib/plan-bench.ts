/**
 * Pure-CPU rows: `load()` of a generated stack, and `plan()` alone on synthetic desired states
 * and engine snapshots of thousands of services (no engine, no I/O inside the timed part).
 * Bundled by bench/run.mjs with esbuild (like the CLI) and run as its own process, so its peak
 * RSS is measured and `node --cpu-prof` can profile it.
 *
 *   node plan-bench.cjs <work-dir> <sizes, e.g. 1000,10000> <runs> <load size>
 *
 * Prints one JSON object: { load: {...}, plan: [{ n, case, ms: [...] }] }.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { Labels, load, plan, resolveDesired, type DesiredState, type Observed, type ObservedContainer } from "@berth/runtime";
// @ts-expect-error plain ESM helper shared with the harness
import { stackSource } from "./gen.mjs";

const IMAGE_ID = `sha256:${"a".repeat(64)}`;

async function loadStack(dir: string, n: number, cache: boolean) {
  const file = path.join(dir, `plan${n}`, "stack.ts");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, stackSource(`benchp${n}`, n, { basePort: 30000 }));
  const t0 = performance.now();
  const loaded = await load(file, { cache });
  return { loaded, ms: performance.now() - t0 };
}

function hex(i: number): string {
  return i.toString(16).padStart(64, "0");
}

/** The engine as `dsl apply` leaves it for `desired`: one running container per service, the default network. */
function converged(desired: DesiredState, changed: number): Observed {
  const containers: ObservedContainer[] = Object.values(desired.services).map((svc, i) => {
    let spec = svc.spec as Record<string, unknown>;
    let hash = svc.hash;
    if (i < changed) {
      const env = { ...(spec.environment as Record<string, string>), LOG_LEVEL: "debug" };
      spec = { ...spec, environment: env };
      hash = `old-${hash}`;
    }
    return {
      id: hex(i + 1),
      name: `${desired.project}-${svc.name}-1`,
      service: svc.name,
      number: 1,
      oneoff: false,
      state: "running",
      status: "Up 5 minutes",
      image: svc.image,
      imageId: IMAGE_ID,
      labels: {
        [Labels.project]: desired.project,
        [Labels.service]: svc.name,
        [Labels.containerNumber]: "1",
        [Labels.oneoff]: "False",
        [Labels.configHash]: hash,
        [Labels.spec]: JSON.stringify(spec),
      },
      networks: [`${desired.project}_default`],
    };
  });
  const networks = Object.values(desired.networks).map((n, i) => ({
    id: hex(1e9 + i),
    name: n.engineName,
    logicalName: n.name,
    driver: "bridge",
    labels: { [Labels.project]: desired.project, [Labels.network]: n.name },
  }));
  return { ...empty(desired), containers, networks };
}

function empty(desired: DesiredState): Observed {
  const images: Record<string, string> = {};
  for (const svc of Object.values(desired.services)) images[svc.image] = IMAGE_ID;
  return {
    project: desired.project,
    endpoint: "unix:///bench.sock",
    containers: [],
    networks: [],
    volumes: [],
    foreign: [],
    foreignNetworks: [],
    foreignVolumes: [],
    images,
  };
}

function time(runs: number, fn: () => unknown): number[] {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function main() {
  const [dir, sizesArg, runsArg, loadSizeArg] = process.argv.slice(2);
  const sizes = sizesArg.split(",").map(Number);
  const runs = Number(runsArg);
  const loadSize = Number(loadSizeArg);
  const out: { load: Record<string, number[]>; resolve: { n: number; ms: number }[]; plan: { n: number; case: string; steps: number; ms: number[] }[] } = {
    load: { cold: [], warm: [] },
    resolve: [],
    plan: [],
  };

  // load(): cold = esbuild every time (cache off), warm = bundle from the content-hash cache.
  for (let r = 0; r < runs; r++) out.load.cold.push((await loadStack(dir, loadSize, false)).ms);
  await loadStack(dir, loadSize, true);
  for (let r = 0; r < runs; r++) out.load.warm.push((await loadStack(dir, loadSize, true)).ms);

  for (const n of sizes) {
    const { loaded } = await loadStack(dir, n, true);
    const t0 = performance.now();
    const desired = resolveDesired(loaded.graph, { dir: path.dirname(loaded.file), env: {} });
    out.resolve.push({ n, ms: performance.now() - t0 });
    const cases: [string, Observed][] = [
      ["from nothing", empty(desired)],
      ["converged, 1 env changed", converged(desired, 1)],
    ];
    for (const [name, observed] of cases) {
      const steps = plan(desired, observed).steps.length;
      out.plan.push({ n, case: name, steps, ms: time(runs, () => plan(desired, observed)) });
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err) => {
  process.stderr.write(`plan-bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
