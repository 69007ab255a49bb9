/** One plan step → engine calls. Recreate keeps the old container until the new one runs. */
import { COMPOSE_VERSION_LABEL_VALUE, Labels } from "../labels";
import type { DesiredService, DesiredState } from "../desired/resolve";
import type { PlanStep } from "../plan/types";
import { type ContainerCreateBody, containerCreateBody, contentFiles, filesArchive, serviceNetworks } from "./container-config";
import type { ExecuteOptions } from "./executor";
import type { ApplyEngine } from "./ports";

type StepContext = ExecuteOptions & { clock: NonNullable<ExecuteOptions["clock"]> };

function service(ctx: StepContext, step: PlanStep): DesiredService {
  const svc = ctx.desired.services[step.resource];
  if (!svc) throw new Error(`internal: plan names service "${step.resource}" that the stack does not have`);
  return svc;
}

/**
 * Creates a container of `svc` from `body`, attaches it to every network of the service after
 * the first, and writes its secrets and configs given as content. Returns its id. When a step
 * after the create fails, the container is removed: it is not left behind under the service's
 * name (a recreate then puts the old container back under that name).
 */
export async function createServiceContainer(engine: ApplyEngine, desired: DesiredState, svc: DesiredService, body: ContainerCreateBody): Promise<string> {
  const id = await engine.createContainer(body);
  try {
    for (const net of serviceNetworks(desired, svc).slice(1)) await engine.connectNetwork(net.engineName, id, net.endpoint);
    const files = contentFiles(desired, svc.resolved);
    if (files.length) await engine.putArchive(id, "/", await filesArchive(files));
  } catch (err) {
    await engine.removeContainer(id, { force: true }).catch(() => undefined);
    throw err;
  }
  return id;
}

async function createContainer(ctx: StepContext, step: PlanStep): Promise<string> {
  const svc = service(ctx, step);
  const body = containerCreateBody({ desired: ctx.desired, service: svc, number: step.number ?? 1, configFile: ctx.stackFile, toolVersion: ctx.toolVersion });
  return createServiceContainer(ctx.engine, ctx.desired, svc, body);
}

/** Makes an engine "port is already allocated / address in use" error say which service and port. */
export function explainStartError(step: PlanStep, err: unknown): Error {
  const msg = err instanceof Error ? err.message : String(err);
  const port = /(?:listen \w+ |Bind for |bind for )([\d.:[\]a-f]*:\d+)/i.exec(msg)?.[1];
  const hint = port && /(in use|already allocated)/i.test(msg) ? `host port ${port} is already in use by another process; ` : "";
  return new Error(`service "${step.resource}": container ${step.engineName} failed to start: ${hint}${msg}`, { cause: err });
}

async function startNew(ctx: StepContext, step: PlanStep, id: string): Promise<void> {
  try {
    await ctx.engine.startContainer(id);
  } catch (err) {
    throw explainStartError(step, err);
  }
}

async function recreate(ctx: StepContext, step: PlanStep): Promise<string> {
  const engine = ctx.engine;
  const oldId = step.existingId as string;
  const before = await engine.inspectContainer(oldId);
  const wasRunning = before?.status === "running";
  const parked = `${step.engineName}_berth-old-${oldId.slice(0, 12)}`;
  await engine.renameContainer(oldId, parked);
  let newId: string | undefined;
  try {
    newId = await createContainer(ctx, step);
    if (wasRunning) await engine.stopContainer(oldId, step.stopTimeoutSeconds ?? 10);
    await startNew(ctx, step, newId);
  } catch (err) {
    await rollback(engine, { oldId, newId, name: step.engineName, wasRunning });
    throw err instanceof Error
      ? new Error(`${err.message} (rolled back: the previous container ${step.engineName} is ${wasRunning ? "running again" : "back"})`, { cause: err })
      : err;
  }
  await engine.removeContainer(oldId, { force: true });
  return "recreated";
}

async function rollback(engine: ApplyEngine, r: { oldId: string; newId?: string; name: string; wasRunning: boolean }): Promise<void> {
  if (r.newId) await engine.removeContainer(r.newId, { force: true }).catch(() => undefined);
  await engine.renameContainer(r.oldId, r.name);
  if (r.wasRunning) await engine.startContainer(r.oldId);
}

async function waitFor(ctx: StepContext, step: PlanStep): Promise<string> {
  const svc = service(ctx, step);
  const deadline = ctx.clock.now() + (ctx.waitTimeoutMs ?? 300_000);
  const names = Array.from({ length: svc.replicas }, (_, i) => svc.resolved.containerName ?? `${ctx.desired.project}-${svc.name}-${i + 1}`);
  for (;;) {
    const states = await Promise.all(names.map((n) => ctx.engine.inspectContainer(n)));
    const verdicts = states.map((s, i) => judge(step, s, names[i]));
    const failed = verdicts.find((v) => v.startsWith("fail:"));
    if (failed) throw new Error(`service "${svc.name}": ${failed.slice(5)}`);
    if (verdicts.every((v) => v === "ok")) return step.cause;
    if (ctx.clock.now() > deadline)
      throw new Error(`service "${svc.name}": not ${step.cause} after ${Math.round((ctx.waitTimeoutMs ?? 300_000) / 1000)}s (${verdicts.join(", ")})`);
    await ctx.clock.sleep(250);
  }
}

function judge(step: PlanStep, s: Awaited<ReturnType<ApplyEngine["inspectContainer"]>>, name: string): string {
  if (!s) return `fail:container ${name} does not exist`;
  if (step.condition === "service_completed_successfully") {
    if (s.status === "exited") return s.exitCode === 0 ? "ok" : `fail:container ${name} exited with code ${s.exitCode}`;
    return `${name} ${s.status}`;
  }
  if (s.health === "healthy") return "ok";
  if (s.status === "exited" || s.status === "dead") return `fail:container ${name} exited with code ${s.exitCode} before it was healthy`;
  if (s.health === "unhealthy") return `fail:container ${name} is unhealthy${s.healthLog ? `: ${s.healthLog.trim()}` : ""}`;
  if (!s.health) return `fail:container ${name} has no healthcheck, so it can never be healthy (use condition "started")`;
  return `${name} ${s.health}`;
}

function resourceLabels(ctx: StepContext, kind: "network" | "volume", name: string, user?: Readonly<Record<string, string>>) {
  return {
    ...user,
    [Labels.project]: ctx.desired.project,
    [kind === "network" ? Labels.network : Labels.volume]: name,
    [Labels.version]: COMPOSE_VERSION_LABEL_VALUE,
  };
}

/**
 * Docker 20.10 may refuse to remove a network just after its last container went ("has active
 * endpoints") while it tears the endpoint down: that one error is retried for 10 s. After 2 s of
 * refusals, endpoints whose container no longer exists (a stale endpoint, which that engine can
 * keep until it restarts) are force-disconnected, as `docker network disconnect -f` does. An
 * endpoint of a container that exists is never touched: the error then names the container.
 * When the engine lists no endpoint at all, its count is wrong (the same bug): only a restart
 * of the engine clears that, and the error says so at once instead of waiting out the 10 s.
 */
async function removeNetwork(ctx: StepContext, idOrName: string, name: string): Promise<void> {
  const started = ctx.clock.now();
  let cleared = false;
  for (;;) {
    try {
      return await ctx.engine.removeNetwork(idOrName);
    } catch (err) {
      if (!/active endpoints/i.test((err as Error).message ?? "")) throw err;
      const waited = ctx.clock.now() - started;
      if (!cleared && waited >= 2_000) {
        cleared = true;
        const { live, stale } = await endpointsOf(ctx, idOrName);
        for (const e of stale) await ctx.engine.disconnectNetwork(idOrName, e.name, true);
        if (stale.length) continue;
        if (!live.length)
          throw new Error(
            `cannot remove network "${name}": the engine says it has active endpoints but lists none (a Docker Engine bug that lasts until the engine restarts); restart dockerd, then run the command again: nothing else is left`,
            { cause: err },
          );
      }
      if (waited > 10_000) {
        const { live } = await endpointsOf(ctx, idOrName);
        if (!live.length) throw err;
        throw new Error(
          `cannot remove network "${name}": ${live.length === 1 ? "container" : "containers"} ${live.map((e) => e.name).join(", ")} outside the plan ${live.length === 1 ? "is" : "are"} still attached to it; disconnect or remove ${live.length === 1 ? "it" : "them"}, then run the command again`,
          { cause: err },
        );
      }
      await ctx.clock.sleep(250);
    }
  }
}

/** The network's endpoints, split by whether their container still exists. */
async function endpointsOf(ctx: StepContext, network: string) {
  const all = (await ctx.engine.networkEndpoints(network)) ?? [];
  const exists = await Promise.all(all.map(async (e) => (await ctx.engine.inspectContainer(e.containerId)) !== undefined));
  return { live: all.filter((_, i) => exists[i]), stale: all.filter((_, i) => !exists[i]) };
}

async function networkStep(ctx: StepContext, step: PlanStep): Promise<string | undefined> {
  if (step.op === "remove") return void (await removeNetwork(ctx, step.existingId ?? step.engineName, step.engineName));
  const n = ctx.desired.networks[step.resource];
  const ipam = n.ipam && {
    Driver: n.ipam.driver ?? "default",
    Config: (n.ipam.config ?? []).map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ipRange })),
  };
  await ctx.engine.createNetwork(
    JSON.parse(
      JSON.stringify({
        Name: n.engineName,
        Driver: n.driver ?? "bridge",
        Options: n.driverOpts,
        Internal: n.internal,
        Attachable: n.attachable,
        EnableIPv6: n.enableIpv6,
        IPAM: ipam,
        Labels: resourceLabels(ctx, "network", n.name, n.labels),
        CheckDuplicate: true,
      }),
    ),
  );
  return undefined;
}

async function volumeStep(ctx: StepContext, step: PlanStep): Promise<string | undefined> {
  if (step.op === "remove") return void (await ctx.engine.removeVolume(step.engineName));
  const v = ctx.desired.volumes[step.resource];
  await ctx.engine.createVolume(
    JSON.parse(
      JSON.stringify({ Name: v.engineName, Driver: v.driver ?? "local", DriverOpts: v.driverOpts, Labels: resourceLabels(ctx, "volume", v.name, v.labels) }),
    ),
  );
  return undefined;
}

async function containerStep(ctx: StepContext, step: PlanStep): Promise<string | undefined> {
  const engine = ctx.engine;
  switch (step.op) {
    case "create": {
      const id = await createContainer(ctx, step);
      await startNew(ctx, step, id);
      return undefined;
    }
    case "recreate":
      return recreate(ctx, step);
    case "start": {
      const s = await engine.inspectContainer(step.existingId as string);
      if (s?.status === "paused") await engine.unpauseContainer(step.existingId as string);
      else await startNew(ctx, step, step.existingId as string);
      return undefined;
    }
    case "stop":
      return void (await engine.stopContainer(step.existingId as string, step.stopTimeoutSeconds ?? 10));
    case "restart":
      return void (await engine.restartContainer(step.existingId as string, step.stopTimeoutSeconds ?? 10));
    case "remove":
      await engine.stopContainer(step.existingId as string, step.stopTimeoutSeconds ?? 10).catch(() => undefined);
      return void (await engine.removeContainer(step.existingId as string, { force: true }));
    case "wait":
      return waitFor(ctx, step);
  }
}

/** Performs one step; resolves to an optional detail for the progress line. */
export async function runStep(step: PlanStep, ctx: StepContext): Promise<string | undefined> {
  if (step.kind === "network") return networkStep(ctx, step);
  if (step.kind === "volume") return volumeStep(ctx, step);
  return containerStep(ctx, step);
}
