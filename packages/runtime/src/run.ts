/**
 * `dsl run <service> [command…]`: a one-off container of a service, as `docker compose run
 * --no-deps` makes it: the service's image, environment, volumes, networks and secrets, the
 * given command instead of its own, no published ports, no restart policy, labelled one-off (so
 * apply leaves it alone and destroy removes it). Its output streams to the caller; it resolves
 * to the command's exit code.
 *
 * It joins the project's networks but does not create them, nor start the service's
 * dependencies: those are `dsl apply`'s, and a missing network says so.
 */
import { BerthError } from "@berth/dsl";
import { randomBytes } from "node:crypto";
import { containerCreateBody, hiddenEnv, serviceNetworks } from "./compose/container-config";
import { containerChain } from "./compose/expand";
import { ensureImages, type ImageProgress } from "./compose/images";
import { composeOps } from "./compose/ops";
import type { Prepared } from "./deploy";
import type { Attached, Engine, LogChunk } from "./engine/types";
import { serviceNamed } from "./desired/resolve";
import { oneOffName } from "./internal/names";
import { Labels } from "./labels";
import { chainSteps } from "./target/chain";
import { execute } from "./target/execute";
import { PLAN_FORMAT, type Plan } from "./target/types";

export interface RunOptions {
  /** Replaces the service's command. Default: the service's own. */
  readonly command?: readonly string[];
  /** Extra `KEY=VALUE` environment entries. */
  readonly env?: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  /** Remove the container when the command has exited. */
  readonly remove?: boolean;
  readonly onOutput?: (chunk: LogChunk) => void;
  readonly onImage?: (p: ImageProgress) => void;
  /** Allocate a TTY (`docker run -t`). Default false. */
  readonly tty?: boolean;
  /** Keep stdin open (`docker run -i`). Default false. */
  readonly stdin?: boolean;
  /**
   * Attach instead of following the logs: called with the container's streams, attached before
   * it starts and resized after; resolves with its exit code. `onOutput` is then not called.
   */
  readonly onAttach?: (attached: Attached) => Promise<number>;
}

export interface RunResult {
  readonly container: string;
  readonly exitCode: number;
}

/** Makes the one-off container with the same steps apply uses (create, connect, write files; removed again if any fails). */
async function makeOneOff(engine: Engine, prepared: Prepared, service: string, name: string, body: Record<string, unknown>): Promise<string> {
  const { desired } = prepared;
  const svc = serviceNamed(desired, service);
  const action = `run:${service}`;
  const hidden = hiddenEnv(svc);
  const chain = containerChain(desired, svc, body, `${action}/1`).map((l, i) => (i === 0 && hidden ? { ...l, op: { ...l.op, hiddenEnv: hidden } } : l));
  const steps = chainSteps(action, chain, []);
  const plan: Plan = {
    format: PLAN_FORMAT,
    target: "compose",
    mode: "apply",
    project: desired.project,
    endpoint: engine.endpoint,
    actions: [{ id: action, verb: "create", kind: "service", resource: service, engineName: name, cause: "dsl run", after: [] }],
    steps,
    blockers: [],
    warnings: [],
    keptVolumes: [],
    fingerprint: { objects: {}, query: {} },
  };
  const outputs = await execute(plan, { engine, ops: composeOps });
  return String(outputs.get(`${action}/1`));
}

export async function runOneOff(engine: Engine, prepared: Prepared, service: string, opts: RunOptions = {}): Promise<RunResult> {
  const { desired } = prepared;
  const svc = serviceNamed(desired, service);
  const networks = serviceNetworks(desired, svc);
  const present = new Set((await engine.listNetworks({ names: networks.map((n) => n.engineName) })).map((n) => n.name));
  const missing = networks.filter((n) => !present.has(n.engineName)).map((n) => n.engineName);
  if (missing.length) {
    const message = `network ${missing.map((n) => `"${n}"`).join(", ")} of service "${service}" does not exist: run dsl apply first (dsl run joins the project's networks, it does not create them)`;
    throw new BerthError(message);
  }
  await ensureImages(engine, { ...desired, services: { [service]: { ...svc, replicas: 1 } } }, { onProgress: opts.onImage });

  const base = containerCreateBody({ desired, service: svc, number: 1 });
  const name = oneOffName(desired.project, service, randomBytes(6).toString("hex"));
  const body = {
    ...base,
    name,
    ...(opts.command?.length ? { Cmd: [...opts.command] } : {}),
    Env: [...(base.Env as string[]), ...(opts.env ?? [])],
    ...(opts.user ? { User: opts.user } : {}),
    ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
    ...(opts.tty !== undefined ? { Tty: opts.tty } : {}),
    ...(opts.stdin ? { OpenStdin: true, StdinOnce: true, AttachStdin: true } : {}),
    Labels: { ...base.Labels, [Labels.oneoff]: "True" },
    ExposedPorts: undefined,
    HostConfig: { ...base.HostConfig, PortBindings: undefined, RestartPolicy: undefined },
  };
  const id = await makeOneOff(engine, prepared, service, name, JSON.parse(JSON.stringify(body)) as Record<string, unknown>);
  try {
    if (opts.onAttach) {
      const attached = await engine.attachContainer(id, { stdin: opts.stdin, tty: body.Tty === true });
      await engine.startContainer(id);
      return { container: name, exitCode: await opts.onAttach(attached) };
    }
    await engine.startContainer(id);
    const logs = await engine.containerLogs(id, { follow: true });
    for await (const chunk of logs) opts.onOutput?.(chunk);
    const { exitCode } = await engine.waitContainer(id);
    return { container: name, exitCode };
  } finally {
    if (opts.remove) await engine.removeContainer(id, { force: true }).catch(() => undefined);
  }
}
