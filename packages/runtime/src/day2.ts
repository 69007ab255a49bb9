/**
 * Day-2 verbs on what a project runs: ps, logs, exec, stop, start, restart. Containers are
 * found by compose's labels, so they act on containers made by docker-compose as well.
 */
import { BerthError } from "@berth/dsl";
import type { Attached, Engine, ExecResult, LogsOptions, LogStream, TerminalSize } from "./engine/types";
import { dependentsLeft, observedDependencies } from "./select";
import { observe } from "./compose/observe";
import type { ObservedContainer } from "./compose/observed";

/** A service name that the project does not run. */
export class UnknownServiceError extends BerthError {
  constructor(project: string, service: string, known: readonly string[]) {
    super(
      `project "${project}" has no running service "${service}"${known.length ? ` (services: ${known.join(", ")})` : " (nothing is deployed; run dsl apply)"}`,
    );
  }
}

/** Which services a day-2 verb acts on. */
export interface SelectOptions {
  /** Also the services the named ones depend on (by the containers' `depends_on` labels). Default false. */
  readonly deps?: boolean;
}

/** The project's service containers (one-off `run` containers left out), optionally only some services (and their dependencies). */
export async function projectContainers(
  engine: Engine,
  project: string,
  services: readonly string[] = [],
  options: SelectOptions = {},
): Promise<ObservedContainer[]> {
  const all = (await observe(engine, project)).containers.filter((c) => !c.oneoff);
  return selectContainers(project, all, services, options);
}

function selectContainers(project: string, all: readonly ObservedContainer[], services: readonly string[], options: SelectOptions): ObservedContainer[] {
  const known = [...new Set(all.map((c) => c.service))].sort();
  for (const s of services) if (!known.includes(s)) throw new UnknownServiceError(project, s, known);
  if (!services.length) return [...all];
  const wanted = options.deps ? new Set(observedDependencies(all, services).keys()) : new Set(services);
  return all.filter((c) => wanted.has(c.service));
}

export type Day2Action = "stop" | "start" | "restart" | "kill" | "pause" | "unpause";

/** Only start and restart bring up what the named services depend on; the others act on the named ones only. */
const UP_ACTIONS: ReadonlySet<Day2Action> = new Set(["start", "restart"]);

/** The containers each action applies to: a kill or a pause needs a running one, an unpause a paused one. */
function applies(action: Day2Action, c: ObservedContainer): boolean {
  if (action === "kill" || action === "pause") return c.state === "running";
  if (action === "unpause") return c.state === "paused";
  return true;
}

function act(engine: Engine, action: Day2Action, id: string, signal?: string): Promise<void> {
  switch (action) {
    case "stop":
      return engine.stopContainer(id);
    case "start":
      return engine.startContainer(id);
    case "restart":
      return engine.restartContainer(id);
    case "kill":
      return engine.killContainer(id, signal);
    case "pause":
      return engine.pauseContainer(id);
    case "unpause":
      return engine.unpauseContainer(id);
  }
}

export interface ControlResult {
  readonly containers: ObservedContainer[];
  /** For a stop, kill or pause of named services: the services left running that depend on them. */
  readonly dependentsLeft: { service: string; dependsOn: string[] }[];
}

/**
 * `stop`, `start`, `restart`, `kill` (with `signal`, default SIGKILL), `pause` or `unpause` the
 * project's containers, or the named services'. Start and restart with `deps` also act on what
 * the named services depend on, dependencies first, wave by wave; the others act on the named
 * ones only, and a stop, kill or pause reports the running services that depend on them.
 */
export async function controlServices(
  engine: Engine,
  project: string,
  action: Day2Action,
  services: readonly string[] = [],
  onDone?: (c: ObservedContainer) => void,
  options: SelectOptions & { readonly signal?: string } = {},
): Promise<ControlResult> {
  const all = (await observe(engine, project)).containers.filter((c) => !c.oneoff);
  const containers = selectContainers(project, all, services, UP_ACTIONS.has(action) ? options : {}).filter((c) => applies(action, c));
  const depth = observedDependencies(all, [...new Set(containers.map((c) => c.service))]);
  const waves = [...new Set(containers.map((c) => depth.get(c.service) ?? 0))].sort((a, b) => (UP_ACTIONS.has(action) ? a - b : b - a));
  for (const wave of waves) {
    await Promise.all(
      containers
        .filter((c) => (depth.get(c.service) ?? 0) === wave)
        .map(async (c) => {
          await act(engine, action, c.id, options.signal);
          onDone?.(c);
        }),
    );
  }
  // What a stop, kill or pause of named services leaves running on top of them.
  const down = !UP_ACTIONS.has(action) && action !== "unpause";
  const left =
    down && services.length
      ? dependentsLeft(
          all.filter((c) => c.state === "running"),
          services,
        )
      : [];
  return { containers, dependentsLeft: left };
}

/** The running services that depend on one of `services` and are not among them (what `dsl destroy web` leaves). */
export async function runningDependents(engine: Engine, project: string, services: readonly string[]): Promise<{ service: string; dependsOn: string[] }[]> {
  const all = (await observe(engine, project)).containers.filter((c) => !c.oneoff && c.state === "running");
  return dependentsLeft(all, services);
}

export interface LogSource {
  readonly container: ObservedContainer;
  readonly stream: LogStream;
}

export async function serviceLogs(engine: Engine, project: string, services: readonly string[], options: LogsOptions & SelectOptions): Promise<LogSource[]> {
  const containers = await projectContainers(engine, project, services, { deps: options.deps });
  return Promise.all(containers.map(async (container) => ({ container, stream: await engine.containerLogs(container.id, options) })));
}

export interface ExecInServiceOptions {
  /** Which container of the service (its `container-number`). Default 1. */
  readonly index?: number;
  readonly user?: string;
  readonly workingDir?: string;
  /** `KEY=VALUE` entries. */
  readonly env?: readonly string[];
}

/** The running container `index` (default 1) of a service; a clear error when there is none or it is not running (with `running: false`, in any state). */
export async function serviceContainer(
  engine: Engine,
  project: string,
  service: string,
  index = 1,
  options: { readonly running?: boolean } = {},
): Promise<ObservedContainer> {
  const containers = await projectContainers(engine, project, [service]);
  const target = containers.find((c) => c.number === index);
  if (!target) {
    const numbers = containers.map((c) => c.number).sort((a, b) => a - b);
    throw new BerthError(`service "${service}" of project "${project}" has no container #${index} (containers: ${numbers.map((n) => `#${n}`).join(", ")})`);
  }
  if (target.state !== "running" && options.running !== false) {
    throw new BerthError(`service "${service}": container ${target.name} is ${target.state}; start it first (dsl start ${service})`);
  }
  return target;
}

/** Runs a command in a service's container (`index`, default 1), like `docker compose exec -T`, and collects its output. */
export async function execInService(
  engine: Engine,
  project: string,
  service: string,
  command: readonly string[],
  options: ExecInServiceOptions = {},
): Promise<ExecResult> {
  const target = await serviceContainer(engine, project, service, options.index);
  return engine.exec(target.id, command, { user: options.user, workingDir: options.workingDir, env: options.env });
}

/**
 * Starts a command in a service's container with its streams attached, like `docker compose
 * exec`: write its stdin, stream its output, resize its TTY, await its exit code.
 */
export async function execAttachedInService(
  engine: Engine,
  project: string,
  service: string,
  command: readonly string[],
  options: ExecInServiceOptions & { readonly tty?: boolean; readonly stdin?: boolean; readonly size?: TerminalSize } = {},
): Promise<Attached> {
  const target = await serviceContainer(engine, project, service, options.index);
  const { index: _index, ...rest } = options;
  return engine.execAttached(target.id, command, rest);
}
