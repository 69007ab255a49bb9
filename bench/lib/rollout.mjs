/**
 * Failed requests during a rollout: a 2-replica `web` (busybox httpd serving its VERSION, a
 * healthcheck, `init`) and a `probe` in the same network that asks `http://web/` by name every
 * 50 ms (each request may take 5 s). One environment change is rolled out, and the probe's
 * failed requests between the start of the command and 1 s after it returned are counted:
 *
 *   - Berth, `deploy.updateConfig: { order: "start-first", parallelism: 1 }` (`dsl apply --yes`)
 *   - Berth, the same with `order: "stop-first"`
 *   - `docker-compose up -d --scale web=2` of the file `dsl synth` writes for the same stack
 *     (compose 1.29 recreates each container stop-first, ignoring update_config)
 *
 * Each tool has its own project (`benchr<k>p<pid>`: k = 1, 2, 3), brought up once, untimed; the
 * runs are interleaved tool by tool so that a burst of load hits all three.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROJECT_LABEL, request } from "./docker-api.mjs";
import { IMAGE } from "./gen.mjs";
import { measure } from "./measure.mjs";

export const ROLLOUT_TOOLS = [
  { key: "rollout.startFirst", k: 1, row: "Berth, start-first" },
  { key: "rollout.stopFirst", k: 2, row: "Berth, stop-first" },
  { key: "rollout.compose", k: 3, row: "`docker-compose up -d`" },
];

function stackSource(project, order) {
  return `import { Service, Stack } from "@berth/dsl";
const stack = new Stack(${JSON.stringify(project)});
new Service("web", {
  image: ${JSON.stringify(IMAGE)},
  command: ["sh", "-c", "mkdir -p /www && echo $VERSION > /www/index.html && exec httpd -f -p 80 -h /www"],
  environment: { VERSION: process.env.VERSION ?? "v0" },
  init: true,
  stopGracePeriod: "2s",
  healthcheck: { test: "busybox timeout 1 wget -q -O- http://127.0.0.1/ >/dev/null", interval: "500ms", retries: 2 },
  deploy: { replicas: 2, updateConfig: { order: ${JSON.stringify(order)}, parallelism: 1 } },
});
new Service("probe", {
  image: ${JSON.stringify(IMAGE)},
  command: ["sh", "-c", "while true; do if busybox timeout 5 wget -q -O- http://web/ >/dev/null 2>&1; then echo ok; else echo fail; fi; usleep 50000; done"],
  init: true,
});
export default stack;
`;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function probeLines(project, sinceSeconds) {
  const [probe] = await request("GET", "/containers/json", { filters: { label: [`${PROJECT_LABEL}=${project}`, "com.docker.compose.service=probe"] } });
  if (!probe) throw new Error(`rollout bench: project ${project} has no running probe container`);
  const out = await measure("docker", ["logs", "--since", String(sinceSeconds), probe.Id]);
  return `${out.stdout}${out.stderr}`.split("\n").filter((l) => l === "ok" || l === "fail");
}

/**
 * `{ [tool key]: { failed: number[], requests: number[], ms: number[] } }`, one entry per run.
 * `dsl(args, { cwd, env })` runs the CLI; `project(k)` names a tool's project.
 */
export async function rolloutRows({ runs, work, dsl, project, log }) {
  const out = {};
  const setup = [];
  for (const t of ROLLOUT_TOOLS) {
    const dir = path.join(work, `rollout${t.k}`);
    mkdirSync(dir, { recursive: true });
    const name = project(t.k);
    writeFileSync(path.join(dir, "stack.ts"), stackSource(name, t.k === 1 ? "start-first" : "stop-first"));
    const roll = async (version) => {
      const env = { ...process.env, VERSION: version, NO_COLOR: "1" };
      if (t.k !== 3) return dsl(["apply", "--yes", "stack.ts"], { cwd: dir, env });
      const file = (await dsl(["synth", "stack.ts"], { cwd: dir, env })).stdout;
      writeFileSync(path.join(dir, "docker-compose.yml"), file);
      return measure("docker-compose", ["-p", name, "-f", "docker-compose.yml", "up", "-d", "--scale", "web=2"], { cwd: dir, env });
    };
    setup.push({ t, name, dir, roll });
    out[t.key] = { row: t.row, failed: [], requests: [], ms: [] };
  }
  for (const s of setup) await s.roll("v0");
  await sleep(2000);
  for (let r = 1; r <= runs; r++) {
    for (const s of setup) {
      const since = Math.floor(Date.now() / 1000);
      await sleep(1000); // a second of steady state before the change, also in the logs
      const res = await s.roll(`v${r}`);
      await sleep(1000);
      const lines = await probeLines(s.name, since);
      const failed = lines.filter((l) => l === "fail").length;
      out[s.t.key].failed.push(failed);
      out[s.t.key].requests.push(lines.length);
      out[s.t.key].ms.push(res.ms);
      log(`rollout run ${r}/${runs}, ${s.t.row.replace(/`/g, "")}: ${failed} of ${lines.length} requests failed (${(res.ms / 1000).toFixed(1)} s)`);
    }
  }
  for (const s of setup) {
    if (s.t.k === 3) await measure("docker-compose", ["-p", s.name, "-f", "docker-compose.yml", "down"], { cwd: s.dir });
    else await dsl(["destroy", "--yes", "stack.ts"], { cwd: s.dir, env: { ...process.env, NO_COLOR: "1" } });
  }
  return out;
}
