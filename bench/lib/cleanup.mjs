/**
 * Removes everything the harness can have made on the engine: containers, networks and volumes
 * whose compose project label matches, and Berth's lock volumes (label `dev.berth.lock.project`)
 * of those projects. Idempotent; safe to call at start (leftovers of a killed run), between rows,
 * and on the way out (errors, Ctrl-C).
 */
import { PROJECT_LABEL, request } from "./docker-api.mjs";

/**
 * Every project the harness makes is `bench` + tool letter (b Berth, c compose, f floor, r the rollout rows, w the watch row) + N +
 * `p` + the harness's pid, so that two runs on one engine (two CI jobs, `pnpm bench` beside
 * `npm test`) never remove each other's containers.
 */
/** Berth's lock volumes carry their project in this label (packages/runtime/src/apply/lock.ts). */
const LOCK_LABEL = "dev.berth.lock.project";

export const BENCH_PROJECT = /^bench[bcfrw]\d+p(\d+)$/;

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
    if (project && isOurs(project)) {
      await retryActiveEndpoints(() => request("DELETE", `/networks/${n.Id}`).catch(notFound), { networkId: n.Id });
      removed.networks++;
    }
  }
  const volumes = (await request("GET", "/volumes", { filters: { label: [PROJECT_LABEL] } })).Volumes ?? [];
  const locks = (await request("GET", "/volumes", { filters: { label: [LOCK_LABEL] } })).Volumes ?? [];
  for (const v of [...volumes, ...locks]) {
    if (!isOurs(v.Labels?.[PROJECT_LABEL] ?? v.Labels?.[LOCK_LABEL] ?? "")) continue;
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
  return [
    ...containers.map((c) => `container ${c.Names?.[0]}`),
    ...networks.map((n) => `network ${n.Name}`),
    ...(volumes.Volumes ?? []).map((v) => `volume ${v.Name}`),
  ];
}

/**
 * The engine releases a removed container's network endpoint a moment after the remove call
 * returns (seen with Docker 20.10 under load): removing the network at once can fail with
 * "has active endpoints". Retry that one error for up to 10 s. After 2 s, endpoints of
 * `networkId` whose container is gone are force-disconnected: Docker 20.10 can keep such a stale
 * endpoint until it restarts (it stopped a full run once), and `docker network disconnect -f`
 * is the cure. Berth's own destroy does the same (packages/runtime/src/apply/steps.ts).
 */
export async function retryActiveEndpoints(fn, { networkId, timeoutMs = 10_000 } = {}) {
  const started = Date.now();
  let cleared = false;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (!/active endpoints/.test(String(err?.message)) || Date.now() - started > timeoutMs) throw err;
      if (networkId && !cleared && Date.now() - started >= 2_000) {
        cleared = true;
        const n = await request("GET", `/networks/${networkId}`).catch(() => ({}));
        for (const [containerId, e] of Object.entries(n.Containers ?? {})) {
          const gone = await request("GET", `/containers/${containerId}/json`).then(
            () => false,
            (e2) => e2.statusCode === 404,
          );
          if (!gone) continue;
          process.stderr.write(`bench: network ${n.Name}: removing the stale endpoint ${e.Name} (its container is gone)\n`);
          await request("POST", `/networks/${networkId}/disconnect`, undefined, { Container: e.Name, Force: true }).catch(() => undefined);
        }
      }
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
