/**
 * The Swarm executor: walks a plan without making decisions. Networks, secrets and configs
 * first; then services, created or updated from the version the plan read (the engine refuses
 * an update made from an older read: never a blind overwrite); then it waits until each
 * changed service has converged; removals last (old secret and config versions included).
 */
import { BerthError } from "@berth/dsl";
import type { Engine } from "../engine/types";
import { isConflict } from "../engine/errors";
import { serviceBody, stackLabels, type SwarmDesired } from "./desired";
import { StackLabels } from "./names";
import type { SwarmPlan, SwarmStep } from "./types";
import { ConvergeError, waitForService } from "./wait";

export interface SwarmProgressEvent {
  readonly step: SwarmStep;
  readonly status: "started" | "waiting" | "done" | "failed";
  readonly message?: string;
  readonly elapsedMs?: number;
}

export interface SwarmExecuteOptions {
  readonly engine: Engine;
  readonly desired: SwarmDesired;
  readonly onProgress?: (e: SwarmProgressEvent) => void;
  /** How long a service may take to converge. Default 180 s. */
  readonly waitTimeoutMs?: number;
  readonly pollMs?: number;
}

/** Some services did not converge (or an engine call failed): every failure, one per line. */
export class SwarmApplyError extends BerthError {
  constructor(
    readonly failures: readonly string[],
    readonly rolledBack: readonly string[],
  ) {
    super(`apply failed:\n${failures.map((f) => `  ${f}`).join("\n")}`);
  }
}

async function timed(step: SwarmStep, opts: SwarmExecuteOptions, fn: () => Promise<string | void>): Promise<void> {
  const t0 = Date.now();
  opts.onProgress?.({ step, status: "started" });
  try {
    const message = await fn();
    opts.onProgress?.({ step, status: "done", elapsedMs: Date.now() - t0, ...(message ? { message } : {}) });
  } catch (err) {
    opts.onProgress?.({ step, status: "failed", message: (err as Error).message, elapsedMs: Date.now() - t0 });
    throw err;
  }
}

function createResource(step: SwarmStep, opts: SwarmExecuteOptions): Promise<void> {
  const d = opts.desired;
  return timed(step, opts, async () => {
    if (step.kind === "network") {
      await createNetwork(d, d.networks[step.resource], opts.engine);
      return;
    }
    const f = step.kind === "secret" ? d.secrets[step.resource] : d.configs[step.resource];
    const body = {
      Name: f.engineName,
      Labels: { ...stackLabels(d.stack, f.labels), [StackLabels.logical]: f.name },
      Data: (f.data ?? Buffer.alloc(0)).toString("base64"),
    };
    if (step.kind === "secret") await opts.engine.createSecret(body);
    else await opts.engine.createConfig(body);
  });
}

function createNetwork(d: SwarmDesired, n: SwarmDesired["networks"][string], engine: Engine): Promise<string> {
  return engine.createNetwork({
    Name: n.engineName,
    Driver: "overlay",
    ...(n.attachable !== undefined ? { Attachable: n.attachable } : {}),
    ...(n.internal !== undefined ? { Internal: n.internal } : {}),
    ...(n.driverOpts ? { Options: { ...n.driverOpts } } : {}),
    ...(n.ipam?.config?.length
      ? { IPAM: { Driver: n.ipam.driver ?? "default", Config: n.ipam.config.map((c) => ({ Subnet: c.subnet, Gateway: c.gateway, IPRange: c.ipRange })) } }
      : {}),
    Labels: stackLabels(d.stack, n.labels),
  });
}

/**
 * A network removed just before (`docker stack rm`) is still listed on the node for a few
 * seconds, so the plan saw it, but the swarm no longer has it. Wait until it is gone, make it
 * again, and let the caller retry once.
 */
async function remakeVanishedNetwork(err: unknown, d: SwarmDesired, engine: Engine): Promise<boolean> {
  const name = /network (\S+) not found/.exec((err as Error).message)?.[1];
  const n = Object.values(d.networks).find((x) => x.engineName === name && !x.external);
  if (!n) return false;
  await untilGone(async () => (await engine.listNetworks({ names: [n.engineName] })).length, 30_000);
  await createNetwork(d, n, engine);
  return true;
}

async function fileIds(engine: Engine): Promise<Record<string, string>> {
  const [secrets, configs] = await Promise.all([engine.listSecrets(), engine.listConfigs()]);
  return Object.fromEntries([...secrets, ...configs].map((x) => [x.name, x.id]));
}

/** New tasks must keep running this long before a create or scale-up counts as converged. */
const STABLE_MS = 3000;

function scalesUp(step: SwarmStep): boolean {
  const c = step.changes?.find((x) => x.path === "replicas");
  return c !== undefined && Number(c.after) > Number(c.before ?? 0);
}

async function applyService(step: SwarmStep, ids: Readonly<Record<string, string>>, opts: SwarmExecuteOptions): Promise<void> {
  const svc = opts.desired.services[step.resource];
  const body = serviceBody(opts.desired, svc, ids);
  let serviceId = step.existingId ?? "";
  let before = new Set<string>();
  let updateStartedBefore: string | undefined;
  await timed(step, opts, async () => {
    if (step.op === "create") {
      try {
        serviceId = await opts.engine.createService(body);
      } catch (err) {
        if (!(await remakeVanishedNetwork(err, opts.desired, opts.engine))) throw err;
        serviceId = await opts.engine.createService(body);
      }
      return;
    }
    const current = await opts.engine.inspectService(serviceId);
    updateStartedBefore = current?.updateStatus?.startedAt;
    before = new Set((await opts.engine.listTasks({ services: [serviceId] })).map((t) => t.id));
    const warnings = await opts.engine.updateService(serviceId, step.version ?? 0, body).catch((err: Error) => {
      if (!/out of sequence/.test(err.message)) throw err;
      throw new BerthError(
        `${svc.engineName} changed on the swarm after the plan was made (version ${step.version}); nothing was overwritten: run the command again to see the new plan (${err.message})`,
        { cause: err },
      );
    });
    return warnings.length ? warnings.join("; ") : undefined;
  });
  const waitStep: SwarmStep = { ...step, cause: "converge" };
  await timed(waitStep, opts, async () => {
    opts.onProgress?.({ step: waitStep, status: "waiting", message: `waiting for ${svc.engineName} to converge` });
    await waitForService(
      opts.engine,
      {
        serviceId,
        engineName: svc.engineName,
        replicas: svc.global ? undefined : svc.replicas,
        before,
        newTasks: step.op === "create" || step.rolling !== undefined,
        updateStartedBefore,
        stableMs: step.op === "create" || scalesUp(step) ? STABLE_MS : 0,
      },
      {
        timeoutMs: opts.waitTimeoutMs ?? 180_000,
        pollMs: opts.pollMs,
        maxFailures: step.op === "create" ? Math.max(3, 2 * svc.replicas) : undefined,
        onWaiting: (message) => opts.onProgress?.({ step: waitStep, status: "waiting", message }),
      },
    );
  });
}

/** Retries a removal the engine refuses while tasks still shut down (network in use, secret in use). */
async function removeWithRetry(fn: () => Promise<void>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      const msg = (err as Error).message;
      const busy = isConflict(err) || /in use|active endpoints|has active|is being used/i.test(msg);
      if (!busy || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function removeStep(step: SwarmStep, opts: SwarmExecuteOptions): Promise<void> {
  const e = opts.engine;
  const id = step.existingId ?? step.engineName;
  return timed(step, opts, () => {
    switch (step.kind) {
      case "service":
        return e.removeService(id);
      case "network":
        return removeWithRetry(() => e.removeNetwork(id));
      case "secret":
        return removeWithRetry(() => e.removeSecret(id));
      case "config":
        return removeWithRetry(() => e.removeConfig(id));
    }
  });
}

/** Runs the plan; rejects with a {@link SwarmApplyError} naming every service that did not converge. */
export async function executeSwarm(plan: SwarmPlan, opts: SwarmExecuteOptions): Promise<void> {
  const of = (op: SwarmStep["op"], kinds: readonly SwarmStep["kind"][]) => plan.steps.filter((s) => s.op === op && kinds.includes(s.kind));
  await Promise.all(of("create", ["network", "secret", "config"]).map((s) => createResource(s, opts)));
  const services = [...of("create", ["service"]), ...of("update", ["service"])];
  const ids = services.some(
    (s) => (opts.desired.services[s.resource].spec.secrets?.length ?? 0) + (opts.desired.services[s.resource].spec.configs?.length ?? 0) > 0,
  )
    ? await fileIds(opts.engine)
    : {};
  const results = await Promise.allSettled(services.map((s) => applyService(s, ids, opts)));
  const failures = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []));
  const rolledBack = results.flatMap((r) => (r.status === "rejected" && r.reason instanceof ConvergeError && r.reason.rolledBack ? [r.reason.service] : []));
  if (failures.length) throw new SwarmApplyError(failures, rolledBack);
  const removed = of("remove", ["service"]);
  await Promise.all(removed.map((s) => removeStep(s, opts)));
  if (removed.length)
    await untilGone(
      () =>
        tasksLeft(
          opts.engine,
          removed.map((s) => s.existingId ?? s.engineName),
        ),
      60_000,
    );
  const networks = of("remove", ["network"]);
  await Promise.all([...networks, ...of("remove", ["secret", "config"])].map((s) => removeStep(s, opts)));
  // A removed overlay network lingers on the node for a moment; a new one of that name could not be made until it is gone.
  if (networks.length) await untilGone(async () => (await opts.engine.listNetworks({ names: networks.map((n) => n.engineName) })).length, 30_000);
}

/** Tasks of removed services whose containers are still there (they hold their networks). */
async function tasksLeft(engine: Engine, serviceIds: readonly string[]): Promise<number> {
  const tasks = await engine.listTasks({ services: serviceIds }).catch(() => []);
  const containers = await Promise.all(serviceIds.map((id) => engine.listContainers({ all: true, labels: { "com.docker.swarm.service.id": id } })));
  return tasks.filter((t) => t.state === "running" || t.state === "starting").length + containers.flat().length;
}

async function untilGone(count: () => Promise<number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await count()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
}
