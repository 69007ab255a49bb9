/**
 * The Swarm target's operations: one engine call per step, waits poll. A service update names
 * the version the plan read (the engine refuses one made from an older read: never a blind
 * overwrite) and records the tasks it replaces, so the wait after it knows its own tasks.
 */
import { BerthError } from "@berth/dsl";
import { isConflict } from "../engine/errors";
import type { Engine, NetworkCreateOptions, SwarmServiceSpec } from "../engine/types";
import { composeOps } from "../compose/ops";
import type { OpContext, OpHandlers } from "../target/execute";
import { reveal } from "../target/hidden";
import type { Step, SwarmOp, UpdateRecord } from "../target/types";
import { waitForService } from "./wait";
import { credentialsFor } from "../registry";

type OpOf<K extends SwarmOp["op"]> = Extract<SwarmOp, { op: K }> & Step;
type FileCreate = Extract<SwarmOp, { op: "secret.create" | "config.create" }> & Step;
type FileRemove = Extract<SwarmOp, { op: "secret.remove" | "config.remove" }> & Step;
type ServiceStep = OpOf<"service.create"> | OpOf<"service.update">;

/** The body with its secret and config ids filled in and its sensitive variables put back, for the one call that sends it. */
function serviceSpec(step: ServiceStep, ctx: OpContext): SwarmServiceSpec {
  const body = JSON.parse(JSON.stringify(step.body)) as { TaskTemplate?: { ContainerSpec?: Record<string, unknown> } };
  const spec = body.TaskTemplate?.ContainerSpec;
  if (spec) {
    for (const s of (spec.Secrets as { SecretName: string; SecretID: string }[] | undefined) ?? [])
      if (step.refs[s.SecretName] !== undefined) s.SecretID = ctx.ref(step.refs[s.SecretName]);
    for (const c of (spec.Configs as { ConfigName: string; ConfigID: string }[] | undefined) ?? [])
      if (step.refs[c.ConfigName] !== undefined) c.ConfigID = ctx.ref(step.refs[c.ConfigName]);
    const hidden = Object.entries(step.hiddenEnv ?? {}).map(([k, v]) => `${k}=${reveal(v)}`);
    if (hidden.length) spec.Env = [...((spec.Env as string[] | undefined) ?? []), ...hidden].sort();
  }
  return body as SwarmServiceSpec;
}

async function untilGone(ctx: OpContext, count: () => Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs;
  while ((await count()) > 0 && ctx.clock.now() < deadline) await ctx.clock.sleep(250);
}

/**
 * A network removed just before (`docker stack rm`) is still listed on the node for a few
 * seconds, so the plan saw it, but the swarm no longer has it. Wait until it is gone, make it
 * again (from the body the step carries for it), and let the caller retry once.
 */
async function remakeVanishedNetwork(err: unknown, step: OpOf<"service.create">, ctx: OpContext): Promise<boolean> {
  const name = /network (\S+) not found/.exec((err as Error).message)?.[1];
  const known = name ? step.networks[name] : undefined;
  if (!name || !known) return false;
  await untilGone(ctx, async () => (await ctx.engine.listNetworks({ names: [name] })).length, 30_000);
  await ctx.engine.createNetwork(known as unknown as NetworkCreateOptions);
  return true;
}

/** The user's credentials for the registry a service's image names, for the nodes that pull it (none for Docker Hub names without a login). */
function pullAuth(spec: SwarmServiceSpec) {
  const image = (spec.TaskTemplate as { ContainerSpec?: { Image?: string } } | undefined)?.ContainerSpec?.Image;
  return image ? credentialsFor(image) : undefined;
}

async function createService(step: OpOf<"service.create">, ctx: OpContext): Promise<{ output: string }> {
  const spec = serviceSpec(step, ctx);
  const auth = pullAuth(spec);
  try {
    return { output: await ctx.engine.createService(spec, auth) };
  } catch (err) {
    if (!(await remakeVanishedNetwork(err, step, ctx))) throw err;
    return { output: await ctx.engine.createService(spec, auth) };
  }
}

async function updateService(step: OpOf<"service.update">, ctx: OpContext): Promise<{ output: UpdateRecord; message?: string }> {
  const current = await ctx.engine.inspectService(step.service);
  const record: UpdateRecord = {
    tasksBefore: (await ctx.engine.listTasks({ services: [step.service] })).map((t) => t.id),
    ...(current?.updateStatus?.startedAt ? { updateStartedBefore: current.updateStatus.startedAt } : {}),
  };
  const name = String(step.body.Name ?? step.service);
  const spec = serviceSpec(step, ctx);
  const warnings = await ctx.engine.updateService(step.service, step.version, spec, pullAuth(spec)).catch((err: Error) => {
    if (!/out of sequence/.test(err.message)) throw err;
    throw new BerthError(
      `${name} changed on the swarm after the plan was made (version ${step.version}); nothing was overwritten: run the command again to see the new plan (${err.message})`,
      { cause: err },
    );
  });
  return { output: record, ...(warnings.length ? { message: warnings.join("; ") } : {}) };
}

async function waitConverge(step: OpOf<"wait.converge">, ctx: OpContext): Promise<void> {
  const since = step.since ? (ctx.output(step.since.output) as UpdateRecord | undefined) : undefined;
  const c = step.converge;
  await waitForService(
    ctx.engine,
    {
      serviceId: ctx.ref(step.service),
      engineName: c.engineName,
      replicas: c.replicas,
      before: new Set(since?.tasksBefore ?? []),
      newTasks: c.newTasks,
      updateStartedBefore: since?.updateStartedBefore,
      stableMs: c.stableMs,
    },
    {
      timeoutMs: ctx.waitTimeoutMs,
      pollMs: ctx.pollMs,
      maxFailures: c.maxFailures,
      onWaiting: (m) => ctx.waiting(m),
      sleep: (ms) => ctx.clock.sleep(ms),
      now: () => ctx.clock.now(),
    },
  );
}

/** Retries a removal the engine refuses while tasks still shut down (secret in use). */
async function removeWithRetry(ctx: OpContext, fn: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  const deadline = ctx.clock.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const busy = isConflict(err) || /in use|is being used/i.test((err as Error).message);
      if (!busy || ctx.clock.now() >= deadline) throw err;
      await ctx.clock.sleep(500);
    }
  }
}

/** Tasks of removed services whose containers are still there (they hold their networks). */
async function tasksLeft(engine: Engine, serviceIds: readonly string[]): Promise<number> {
  const tasks = await engine.listTasks({ services: serviceIds }).catch(() => []);
  const containers = await Promise.all(serviceIds.map((id) => engine.listContainers({ all: true, labels: { "com.docker.swarm.service.id": id } })));
  return tasks.filter((t) => t.state === "running" || t.state === "starting").length + containers.flat().length;
}

export const swarmOps: OpHandlers = {
  "network.create": composeOps["network.create"],
  "network.remove": composeOps["network.remove"],
  "secret.create": async (s, ctx) => {
    const step = s as FileCreate;
    return { output: await ctx.engine.createSecret({ Name: step.name, Labels: step.labels, Data: reveal(step.data) }) };
  },
  "config.create": async (s, ctx) => {
    const step = s as FileCreate;
    return { output: await ctx.engine.createConfig({ Name: step.name, Labels: step.labels, Data: reveal(step.data) }) };
  },
  "secret.remove": (s, ctx) => removeWithRetry(ctx, () => ctx.engine.removeSecret((s as FileRemove).object)),
  "config.remove": (s, ctx) => removeWithRetry(ctx, () => ctx.engine.removeConfig((s as FileRemove).object)),
  "service.create": (s, ctx) => createService(s as OpOf<"service.create">, ctx),
  "service.update": (s, ctx) => updateService(s as OpOf<"service.update">, ctx),
  "service.remove": (s, ctx) => ctx.engine.removeService((s as OpOf<"service.remove">).service),
  "wait.converge": (s, ctx) => waitConverge(s as OpOf<"wait.converge">, ctx),
  "wait.tasksGone": (s, ctx) => untilGone(ctx, () => tasksLeft(ctx.engine, (s as OpOf<"wait.tasksGone">).services), 60_000),
  "wait.networksGone": (s, ctx) =>
    untilGone(ctx, async () => (await ctx.engine.listNetworks({ names: (s as OpOf<"wait.networksGone">).names })).length, 30_000),
};
