/**
 * The rest of compose's verbs that users script: `top`, `port`, `images`, `ls` and `rm`. Like
 * the other day-2 verbs they find containers by compose's labels, so they work on projects made
 * by docker compose as well. (`cp` is in `copy.ts`.)
 */
import { BerthError } from "@berth/dsl";
import { anonymousVolumes, observe } from "./compose/observe";
import type { ObservedContainer } from "./compose/observed";
import { projectContainers, serviceContainer } from "./day2";
import type { Engine, EngineEvent, ProcessList, PublishedPort } from "./engine/types";
import { compareStrings } from "./internal/sort";
import { Labels } from "./labels";

/** `dsl top`: the processes of each running container of the project (or of the named services). */
export async function serviceProcesses(
  engine: Engine,
  project: string,
  services: readonly string[] = [],
): Promise<{ container: ObservedContainer; processes: ProcessList }[]> {
  const running = (await projectContainers(engine, project, services)).filter((c) => c.state === "running");
  return Promise.all(running.map(async (container) => ({ container, processes: await engine.topContainer(container.id) })));
}

/**
 * `dsl port web 80`: the host address a container port of the service is published on
 * (`127.0.0.1:8080`); every binding of it, sorted. An unpublished port is an error.
 */
export async function publishedPort(
  engine: Engine,
  project: string,
  service: string,
  port: number,
  options: { readonly protocol?: PublishedPort["protocol"]; readonly index?: number } = {},
): Promise<PublishedPort[]> {
  const target = await serviceContainer(engine, project, service, options.index);
  const protocol = options.protocol ?? "tcp";
  const details = await engine.inspectContainer(target.id);
  const bound = (details?.ports ?? []).filter((p) => p.target === port && p.protocol === protocol);
  if (!bound.length) throw new BerthError(`service "${service}": port ${port}/${protocol} of ${target.name} is not published`);
  return bound;
}

export interface ContainerImage {
  readonly container: string;
  readonly service: string;
  /** The reference the container was created with. */
  readonly image: string;
  readonly id: string;
  readonly repoTags: readonly string[];
  /** Bytes; absent when the engine no longer has the image. */
  readonly size?: number;
}

/** `dsl images`: the image of each of the project's containers (or of the named services'). */
export async function projectImages(engine: Engine, project: string, services: readonly string[] = []): Promise<ContainerImage[]> {
  const containers = await projectContainers(engine, project, services);
  const images = new Map((await engine.listImages()).map((i) => [i.id, i]));
  return containers.map((c) => {
    const img = images.get(c.imageId);
    return { container: c.name, service: c.service, image: c.image, id: c.imageId, repoTags: img?.repoTags ?? [], ...(img ? { size: img.size } : {}) };
  });
}

export interface ProjectSummary {
  readonly name: string;
  /** Container count by state, states sorted: `{ exited: 1, running: 2 }`. */
  readonly states: Readonly<Record<string, number>>;
  /** The stack or compose files the project was made from (compose's `config_files` label). */
  readonly configFiles: readonly string[];
  /** Whether Berth made it (else docker compose, or another tool). */
  readonly berth: boolean;
}

/** `dsl ls`: every compose project on the engine (made by Berth or by docker compose), by name. */
export async function listProjects(engine: Engine): Promise<ProjectSummary[]> {
  const containers = await engine.listContainers({ all: true, labels: { [Labels.project]: true } });
  const byProject = new Map<string, { states: Record<string, number>; files: Set<string>; berth: boolean }>();
  for (const c of containers) {
    const name = c.labels[Labels.project];
    const p = byProject.get(name) ?? { states: {}, files: new Set<string>(), berth: false };
    p.states[c.state] = (p.states[c.state] ?? 0) + 1;
    for (const f of (c.labels[Labels.configFiles] ?? "").split(",").filter(Boolean)) p.files.add(f);
    if (c.labels[Labels.managedBy]) p.berth = true;
    byProject.set(name, p);
  }
  return [...byProject]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([name, p]) => ({
      name,
      states: Object.fromEntries(Object.entries(p.states).sort(([a], [b]) => compareStrings(a, b))),
      configFiles: [...p.files].sort(compareStrings),
      berth: p.berth,
    }));
}

export interface ProjectEvent {
  /** RFC 3339, nanoseconds. */
  readonly time: string;
  readonly type: string;
  readonly action: string;
  readonly id: string;
  /** The object's name (`blog-web-1`), when the engine says. */
  readonly name?: string;
  /** The compose service it belongs to, for a container. */
  readonly service?: string;
  readonly attributes: Readonly<Record<string, string>>;
}

function toProjectEvent(e: EngineEvent): ProjectEvent {
  const ms = Math.floor(e.timeNano / 1e6);
  const time = `${new Date(ms).toISOString().slice(0, 19)}.${String(e.timeNano % 1e9).padStart(9, "0")}Z`;
  const service = e.attributes[Labels.service];
  return {
    time,
    type: e.type,
    action: e.action,
    id: e.id,
    ...(e.attributes.name ? { name: e.attributes.name } : {}),
    ...(service ? { service } : {}),
    attributes: e.attributes,
  };
}

/**
 * `dsl events`: the engine's events for the project's objects (or the named services'
 * containers) as they happen, until `until` (unix seconds) or until the caller stops iterating.
 */
export async function* projectEvents(
  engine: Engine,
  project: string,
  services: readonly string[] = [],
  options: { readonly since?: number; readonly until?: number } = {},
): AsyncGenerator<ProjectEvent> {
  const stream = await engine.events({ labels: { [Labels.project]: project }, ...options });
  try {
    for await (const e of stream) {
      const ev = toProjectEvent(e);
      if (!services.length || (ev.service !== undefined && services.includes(ev.service))) yield ev;
    }
  } finally {
    stream.destroy();
  }
}

export interface RemoveOptions {
  /** Stop running containers first (else only stopped ones are removed). */
  readonly stop?: boolean;
  /** Also remove their anonymous volumes. */
  readonly volumes?: boolean;
  /** Called with the containers about to go; resolve false to keep them. */
  readonly confirm?: (containers: readonly ObservedContainer[]) => Promise<boolean>;
}

/** `dsl rm`: removes the project's stopped containers (one-offs included), or the named services'; resolves to those removed. */
export async function removeStopped(
  engine: Engine,
  project: string,
  services: readonly string[] = [],
  options: RemoveOptions = {},
): Promise<ObservedContainer[]> {
  const all = (await observe(engine, project)).containers;
  const known = new Set(all.map((c) => c.service));
  const unknown = services.filter((s) => !known.has(s));
  if (unknown.length) await projectContainers(engine, project, unknown); // throws the error that lists the services
  const named = (c: ObservedContainer) => !services.length || services.includes(c.service);
  const targets = all.filter((c) => named(c) && (options.stop || (c.state !== "running" && c.state !== "paused" && c.state !== "restarting")));
  if (!targets.length || (options.confirm && !(await options.confirm(targets)))) return [];
  await Promise.all(
    targets.map(async (c) => {
      if (c.state === "running" || c.state === "paused") await engine.stopContainer(c.id);
      await engine.removeContainer(c.id, { force: true, volumes: options.volumes });
      // One a recreate handed on is mounted by name, which `docker rm -v` leaves: removed by name (left when gone or still in use).
      if (options.volumes) for (const name of anonymousVolumes(c)) await engine.removeVolume(name).catch(() => undefined);
    }),
  );
  return targets;
}
