/**
 * The compose target's operations: one engine call per step (waits poll), nothing decided
 * here. A created container's id flows to later steps as the create step's output.
 */
import { BerthError } from "@berth/dsl";
import { isNotFound } from "../engine/errors";
import type { ContainerCreateOptions, ContainerDetails, NetworkCreateOptions, VolumeCreateOptions } from "../engine/types";
import type { OpContext, OpHandlers } from "../target/execute";
import { reveal } from "../target/hidden";
import type { ComposeOp, ContainerFile, Step } from "../target/types";

type OpOf<K extends ComposeOp["op"]> = Extract<ComposeOp, { op: K }> & Step;

/** Makes an engine "port is already allocated / address in use" error say which service and port. */
export function explainStartError(service: string, name: string, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const port = /(?:listen \w+ |Bind for |bind for )([\d.:[\]a-f]*:\d+)/i.exec(msg)?.[1];
  const hint = port && /(in use|already allocated)/i.test(msg) ? `host port ${port} is already in use by another process; ` : "";
  return new BerthError(`service "${service}": container ${name} failed to start: ${hint}${msg}`, { cause: err, kind: "user" });
}

/** The files as one tar, to extract at `/` (the engine makes the parent folders). */
export async function filesArchive(files: readonly ContainerFile[]): Promise<Buffer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- only when a container gets files: not on every start
  const tar = require("tar-stream") as typeof import("tar-stream");
  const pack = tar.pack();
  for (const f of files) pack.entry({ name: f.path.replace(/^\/+/, ""), mode: f.mode, uid: f.uid, gid: f.gid, mtime: new Date() }, reveal(f.content));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The create body with its sensitive variables put back into `Env`, for the one call that sends it. */
function createBody(step: OpOf<"container.create">): ContainerCreateOptions {
  const hidden = Object.entries(step.hiddenEnv ?? {}).map(([k, v]) => `${k}=${reveal(v)}`);
  const env = [...((step.body.Env as string[] | undefined) ?? []), ...hidden].sort();
  return { ...step.body, Env: env } as unknown as ContainerCreateOptions;
}

/** `HostConfig.VolumesFrom` with each container's id for its name (`<id>:rw`), as docker-compose 1.29 sends it; an unknown name is left for the engine to refuse. */
async function withVolumesFromIds(body: ContainerCreateOptions, ctx: OpContext): Promise<ContainerCreateOptions> {
  const from = (body.HostConfig as { VolumesFrom?: string[] } | undefined)?.VolumesFrom;
  if (!from?.length) return body;
  const ids = await Promise.all(
    from.map(async (entry) => {
      const [name, mode] = [entry.slice(0, entry.lastIndexOf(":")), entry.slice(entry.lastIndexOf(":") + 1)];
      return `${(await ctx.engine.inspectContainer(name))?.id ?? name}:${mode}`;
    }),
  );
  return { ...body, HostConfig: { ...body.HostConfig, VolumesFrom: ids } } as ContainerCreateOptions;
}

/** A container that is already gone is what a stop or a removal wanted. */
async function unlessGone(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** `ready`: healthy when the container has a healthcheck (its image's, or the stack's), else running for `stableMs` since it started. */
function ready(s: ContainerDetails, name: string, stableMs: number, now: number): string {
  if (s.status === "exited" || s.status === "dead") return `fail:container ${name} exited with code ${s.exitCode}${s.health ? " before it was healthy" : ""}`;
  if (s.health === "unhealthy") return `fail:container ${name} is unhealthy${s.healthLog ? `: ${s.healthLog.trim()}` : ""}`;
  if (s.health) return s.health === "healthy" ? "ok" : `${name} ${s.health}`;
  if (s.status !== "running") return `${name} ${s.status}`;
  const up = now - Date.parse(s.startedAt);
  return Number.isFinite(up) && up >= stableMs ? "ok" : `${name} running for ${Math.max(0, Math.round(up / 1000))}s`;
}

function judge(condition: OpOf<"wait.containers">["condition"], s: ContainerDetails | undefined, name: string, stableMs = 0, now = Date.now()): string {
  if (!s) return `fail:container ${name} does not exist`;
  if (condition === "ready") return ready(s, name, stableMs, now);
  if (condition === "service_completed_successfully") {
    if (s.status === "exited") return s.exitCode === 0 ? "ok" : `fail:container ${name} exited with code ${s.exitCode}`;
    return `${name} ${s.status}`;
  }
  if (s.health === "healthy") return "ok";
  if (s.status === "exited" || s.status === "dead") return `fail:container ${name} exited with code ${s.exitCode} before it was healthy`;
  if (s.health === "unhealthy") return `fail:container ${name} is unhealthy${s.healthLog ? `: ${s.healthLog.trim()}` : ""}`;
  if (!s.health) return `fail:container ${name} has no healthcheck, so it can never be healthy (use condition "started")`;
  return `${name} ${s.health}`;
}

async function waitContainers(step: OpOf<"wait.containers">, ctx: OpContext): Promise<{ message: string }> {
  const deadline = ctx.clock.now() + ctx.waitTimeoutMs;
  const what = step.condition === "service_healthy" ? "healthy" : step.condition === "ready" ? "ready" : "completed successfully";
  for (;;) {
    const states = await Promise.all(step.containers.map((n) => ctx.engine.inspectContainer(n)));
    const verdicts = states.map((s, i) => judge(step.condition, s, step.containers[i], step.stableMs, Date.now()));
    const failed = verdicts.find((v) => v.startsWith("fail:"));
    if (failed) throw new BerthError(`service "${step.service}": ${failed.slice(5)}`);
    if (verdicts.every((v) => v === "ok")) return { message: what };
    if (ctx.clock.now() > deadline)
      throw new BerthError(`service "${step.service}": not ${what} after ${Math.round(ctx.waitTimeoutMs / 1000)}s (${verdicts.join(", ")})`);
    await ctx.clock.sleep(ctx.pollMs ?? 250);
  }
}

/** The network's endpoints, split by whether their container still exists. */
async function endpointsOf(ctx: OpContext, network: string) {
  const all = (await ctx.engine.networkEndpoints(network)) ?? [];
  const exists = await Promise.all(all.map(async (e) => (await ctx.engine.inspectContainer(e.containerId)) !== undefined));
  return { live: all.filter((_, i) => exists[i]), stale: all.filter((_, i) => !exists[i]) };
}

/**
 * Docker 20.10 may refuse to remove a network just after its last container went ("has active
 * endpoints") while it tears the endpoint down: that one error is retried for 10 s (a Swarm's
 * tasks may take longer: the plan says how long). After 2 s of refusals, endpoints whose
 * container no longer exists (a stale endpoint, which that engine can keep until it restarts)
 * are force-disconnected, as `docker network disconnect -f` does. An endpoint of a container
 * that exists is never touched: the error then names the container. When the engine lists no
 * endpoint at all, its count is wrong (the same bug): only a restart of the engine clears that,
 * and the error says so at once instead of waiting out the 10 s.
 */
async function removeNetwork(step: OpOf<"network.remove">, ctx: OpContext): Promise<void> {
  const started = ctx.clock.now();
  const { network, name } = step;
  let cleared = false;
  for (;;) {
    try {
      return await ctx.engine.removeNetwork(network);
    } catch (err) {
      if (isNotFound(err)) return;
      if (!/active endpoints|in use/i.test((err as Error).message ?? "")) throw err;
      const waited = ctx.clock.now() - started;
      if (!cleared && waited >= 2_000) {
        cleared = true;
        const { live, stale } = await endpointsOf(ctx, network);
        for (const e of stale) await ctx.engine.disconnectNetwork(network, e.name, true);
        if (stale.length) continue;
        if (!live.length)
          throw new BerthError(
            `cannot remove network "${name}": the engine says it has active endpoints but lists none (a Docker Engine bug that lasts until the engine restarts); restart dockerd, then run the command again: nothing else is left`,
            { cause: err, kind: "engine" },
          );
      }
      if (waited > (step.timeoutMs ?? 10_000)) {
        const { live } = await endpointsOf(ctx, network);
        if (!live.length) throw err;
        const one = live.length === 1;
        throw new BerthError(
          `cannot remove network "${name}": ${one ? "container" : "containers"} ${live.map((e) => e.name).join(", ")} outside the plan ${one ? "is" : "are"} still attached to it; disconnect or remove ${one ? "it" : "them"}, then run the command again`,
          { cause: err },
        );
      }
      await ctx.clock.sleep(250);
    }
  }
}

export const composeOps: OpHandlers = {
  "network.create": async (s, ctx) => ({ output: await ctx.engine.createNetwork((s as OpOf<"network.create">).body as unknown as NetworkCreateOptions) }),
  "network.remove": (s, ctx) => removeNetwork(s as OpOf<"network.remove">, ctx),
  "network.connect": async (s, ctx) => {
    const step = s as OpOf<"network.connect">;
    await ctx.engine.connectNetwork(step.network, ctx.ref(step.container), step.endpoint);
  },
  "volume.create": async (s, ctx) => void (await ctx.engine.createVolume((s as OpOf<"volume.create">).body as unknown as VolumeCreateOptions)),
  "volume.remove": async (s, ctx) => unlessGone(() => ctx.engine.removeVolume((s as OpOf<"volume.remove">).name)),
  "container.create": async (s, ctx) => ({
    output: await ctx.engine.createContainer(await withVolumesFromIds(createBody(s as OpOf<"container.create">), ctx)),
  }),
  "container.files": async (s, ctx) => {
    const step = s as OpOf<"container.files">;
    await ctx.engine.putArchive(ctx.ref(step.container), "/", await filesArchive(step.files));
  },
  "container.start": async (s, ctx) => {
    const step = s as OpOf<"container.start">;
    const id = ctx.ref(step.container);
    if (step.unpause) return void (await ctx.engine.unpauseContainer(id));
    try {
      await ctx.engine.startContainer(id);
    } catch (err) {
      throw explainStartError(step.service, step.name, err);
    }
  },
  "container.stop": async (s, ctx) => {
    const step = s as OpOf<"container.stop">;
    await unlessGone(() => ctx.engine.stopContainer(ctx.ref(step.container), step.timeoutSeconds));
  },
  "container.restart": async (s, ctx) => {
    const step = s as OpOf<"container.restart">;
    await ctx.engine.restartContainer(ctx.ref(step.container), step.timeoutSeconds);
  },
  "container.rename": async (s, ctx) => {
    const step = s as OpOf<"container.rename">;
    await ctx.engine.renameContainer(ctx.ref(step.container), step.to);
  },
  "container.remove": async (s, ctx) => {
    const step = s as OpOf<"container.remove">;
    const id = ctx.ref(step.container);
    for (const net of step.leaveNetworks ?? []) await unlessGone(() => ctx.engine.disconnectNetwork(net, id, false));
    await unlessGone(() => ctx.engine.removeContainer(id, { force: true }));
  },
  "wait.containers": (s, ctx) => waitContainers(s as OpOf<"wait.containers">, ctx),
  "network.disconnect": async (s, ctx) => {
    const step = s as OpOf<"network.disconnect">;
    await unlessGone(() => ctx.engine.disconnectNetwork(step.network, ctx.ref(step.container), false));
  },
  "wait.sleep": async (s, ctx) => ctx.clock.sleep((s as OpOf<"wait.sleep">).ms),
};
