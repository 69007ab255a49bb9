/**
 * Removes everything the harness can have made on the engine: containers, networks and volumes
 * whose compose project label matches, and Berth's lock networks (`berth-lock-<project>`) of
 * those projects. Idempotent; safe to call at start (leftovers of a killed run), between rows,
 * and on the way out (errors, Ctrl-C).
 */
import { PROJECT_LABEL, request } from "./docker-api.mjs";

/**
 * Every project the harness makes is `bench` + tool letter (b Berth, c compose, f floor) + N +
 * `p` + the harness's pid, so that two runs on one engine (two CI jobs, `pnpm bench` beside
 * `npm test`) never remove each other's containers.
 */
export const BENCH_PROJECT = /^bench[bcf]\d+p(\d+)$/;

export function benchProject(tool, n, pid = process.pid) {
  return `bench${tool}${n}p${pid}`;
}

/** This run's projects. */
export const mine = (project) => BENCH_PROJECT.exec(project)?.[1] === String(process.pid);

/** Projects of bench runs on this host that are gone (killed before their clean-up), and this run's. */
export function mineOrStale(project) {
  const m = BENCH_PROJECT.exec(project);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code === "ESRCH";
  }
}

export async function cleanup(isOurs = mine) {
  const removed = { containers: 0, networks: 0, volumes: 0 };
  const containers = await request("GET", "/containers/json", { all: "1", filters: { label: [PROJECT_LABEL] } });
  await pool(
    containers.filter((c) => isOurs(c.Labels?.[PROJECT_LABEL] ?? "")),
    8,
    async (c) => {
      await request("DELETE", `/containers/${c.Id}`, { force: "1", v: "1" }).catch(notFound);
      removed.containers++;
    },
  );
  const networks = await request("GET", "/networks");
  for (const n of networks) {
    const project = n.Labels?.[PROJECT_LABEL];
    const lockOf = n.Name.startsWith("berth-lock-") ? n.Name.slice("berth-lock-".length) : undefined;
    if ((project && isOurs(project)) || (lockOf && isOurs(lockOf))) {
      await retryActiveEndpoints(() => request("DELETE", `/networks/${n.Id}`).catch(notFound));
      removed.networks++;
    }
  }
  const volumes = (await request("GET", "/volumes", { filters: { label: [PROJECT_LABEL] } })).Volumes ?? [];
  for (const v of volumes) {
    if (!isOurs(v.Labels?.[PROJECT_LABEL] ?? "")) continue;
    await request("DELETE", `/volumes/${encodeURIComponent(v.Name)}`, { force: "1" }).catch(notFound);
    removed.volumes++;
  }
  return removed;
}

/** What is left of one project (after a tool's own removal): should be nothing. */
export async function leftovers(project) {
  const filters = { label: [`${PROJECT_LABEL}=${project}`] };
  const [containers, networks, volumes] = await Promise.all([
    request("GET", "/containers/json", { all: "1", filters }),
    request("GET", "/networks", { filters }),
    request("GET", "/volumes", { filters }),
  ]);
  return [...containers.map((c) => `container ${c.Names?.[0]}`), ...networks.map((n) => `network ${n.Name}`), ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`)];
}

/**
 * The engine releases a removed container's network endpoint a moment after the remove call
 * returns (seen with Docker 20.10 under load): removing the network at once can fail with
 * "has active endpoints". Retry that one error for up to 10 s.
 */
export async function retryActiveEndpoints(fn, { timeoutMs = 10_000 } = {}) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!/active endpoints/.test(String(err?.message)) || Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function notFound(err) {
  if (err.statusCode !== 404) throw err;
}

export async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
