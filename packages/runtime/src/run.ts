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
import { applyPort } from "./apply/adapter";
import { containerCreateBody, serviceNetworks } from "./apply/container-config";
import { ensureImages, type ImageProgress } from "./apply/images";
import { createServiceContainer } from "./apply/steps";
import type { Prepared } from "./deploy";
import type { Engine, LogChunk } from "./engine/types";
import { serviceNamed } from "./desired/resolve";
import { Labels } from "./labels";

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
  readonly toolVersion?: string;
}

export interface RunResult {
  readonly container: string;
  readonly exitCode: number;
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

  const base = containerCreateBody({ desired, service: svc, number: 1, configFile: prepared.file, toolVersion: opts.toolVersion });
  const name = `${desired.project}-${service}-run-${randomBytes(6).toString("hex")}`;
  const body = {
    ...base,
    name,
    ...(opts.command?.length ? { Cmd: [...opts.command] } : {}),
    Env: [...(base.Env as string[]), ...(opts.env ?? [])],
    ...(opts.user ? { User: opts.user } : {}),
    ...(opts.workingDir ? { WorkingDir: opts.workingDir } : {}),
    Labels: { ...base.Labels, [Labels.oneoff]: "True" },
    ExposedPorts: undefined,
    HostConfig: { ...base.HostConfig, PortBindings: undefined, RestartPolicy: undefined },
  };
  const id = await createServiceContainer(applyPort(engine), desired, svc, body);
  try {
    await engine.startContainer(id);
    const logs = await engine.containerLogs(id, { follow: true });
    for await (const chunk of logs) opts.onOutput?.(chunk);
    const { exitCode } = await engine.waitContainer(id);
    return { container: name, exitCode };
  } finally {
    if (opts.remove) await engine.removeContainer(id, { force: true }).catch(() => undefined);
  }
}
