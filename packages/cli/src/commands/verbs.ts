/** kill, pause, unpause, top, port, images, ls, rm, cp: the rest of compose's verbs that users script. */
import {
  copyFiles,
  listProjects,
  parseCopyEnd,
  projectEvents,
  projectImages,
  publishedPort,
  removeStopped,
  serviceProcesses,
  type ObservedContainer,
  type PublishedPort,
} from "@berth/runtime";
import { engineFor, type EngineOptions, positionals } from "../engine";
import { UsageError } from "../errors";
import { type Io, writeJson } from "../io";
import { confirm } from "../prompt";
import { table } from "../render";
import { indexOf, projectOf, sinceOf } from "./day2";

/** `dsl top [service…]`: each running container's processes, under its name. */
export async function topCommand(args: string[], opts: EngineOptions, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const tops = await serviceProcesses(engineFor(opts, io), project, services);
  if (opts.json) {
    writeJson(
      io,
      tops.map((t) => ({ container: t.container.name, service: t.container.service, titles: t.processes.titles, processes: t.processes.processes })),
    );
    return 0;
  }
  if (!tops.length) io.stdout.write(`Project "${project}" has no running containers.\n`);
  io.stdout.write(tops.map((t) => `${t.container.name}\n${table([[...t.processes.titles], ...t.processes.processes.map((p) => [...p])])}`).join("\n"));
  return 0;
}

export interface PortOptions extends EngineOptions {
  readonly protocol?: PublishedPort["protocol"];
  readonly index?: string;
}

/** `dsl port <service> <port>`: the host address(es) the container port is published on, one a line. */
export async function portCommand(service: string, port: string, opts: PortOptions, io: Io): Promise<number> {
  const n = Number(port);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`port "${port}": expected a container port number (1–65535)`);
  const project = await projectOf(opts, io);
  const bound = await publishedPort(engineFor(opts, io), project, service, n, { protocol: opts.protocol, index: indexOf(opts.index) });
  if (opts.json) writeJson(io, bound);
  else io.stdout.write(bound.map((p) => `${p.hostIp.includes(":") ? `[${p.hostIp}]` : p.hostIp || "0.0.0.0"}:${p.hostPort}\n`).join(""));
  return 0;
}

/** Bytes the way docker prints them: `4.26MB`. */
function size(bytes: number | undefined): string {
  if (bytes === undefined) return "-";
  const units = ["B", "kB", "MB", "GB", "TB"];
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)}${units[u]}`;
}

/** `dsl images [service…]`: the image each container runs. */
export async function imagesCommand(args: string[], opts: EngineOptions, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const images = await projectImages(engineFor(opts, io), project, services);
  if (opts.json) {
    writeJson(io, images);
    return 0;
  }
  const split = (ref: string) => {
    const at = ref.lastIndexOf(":");
    return at > ref.lastIndexOf("/") ? [ref.slice(0, at), ref.slice(at + 1)] : [ref, "latest"];
  };
  const rows = images.map((i) => [i.container, ...split(i.repoTags[0] ?? i.image), i.id.replace(/^sha256:/, "").slice(0, 12), size(i.size)]);
  io.stdout.write(table([["CONTAINER", "REPOSITORY", "TAG", "IMAGE ID", "SIZE"], ...rows]));
  return 0;
}

/** `dsl ls`: every compose project on the engine, Berth's and docker compose's. */
export async function lsCommand(opts: EngineOptions, io: Io): Promise<number> {
  const projects = await listProjects(engineFor(opts, io));
  if (opts.json) {
    writeJson(io, projects);
    return 0;
  }
  const status = (states: Readonly<Record<string, number>>) =>
    Object.entries(states)
      .map(([s, n]) => `${s}(${n})`)
      .join(", ");
  const rows = projects.map((p) => [p.name, status(p.states), p.berth ? "berth" : "compose", p.configFiles.join(",")]);
  io.stdout.write(table([["NAME", "STATUS", "MADE BY", "CONFIG FILES"], ...rows]));
  return 0;
}

export interface RmOptions extends EngineOptions {
  readonly force?: boolean;
  readonly yes?: boolean;
  readonly stop?: boolean;
  readonly volumes?: boolean;
}

/** `dsl rm [service…]`: removes stopped containers (with `-s`, stops running ones first); asks first unless `-f`. */
export async function rmCommand(args: string[], opts: RmOptions, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const ask = async (cs: readonly ObservedContainer[]) => {
    if (!opts.json) io.stdout.write(`Going to remove ${cs.map((c) => c.name).join(", ")}\n`);
    return opts.force || opts.yes ? true : confirm(io, "Remove these containers?", "remove containers");
  };
  const removed = await removeStopped(engineFor(opts, io), project, services, { stop: opts.stop, volumes: opts.volumes, confirm: ask });
  if (opts.json) writeJson(io, { project, removed: removed.map((c) => c.name) });
  else if (!removed.length) io.stdout.write(`No stopped containers to remove.\n`);
  else for (const c of removed) io.stdout.write(`  ✓ ${c.name} removed\n`);
  return 0;
}

/** `dsl events [service…]`: the project's engine events as they happen, one a line (`--json`: one JSON object a line); until Ctrl-C or `--until`. */
export async function eventsCommand(args: string[], opts: EngineOptions & { readonly since?: string; readonly until?: string }, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const until = opts.until === undefined ? undefined : sinceOf(opts.until);
  for await (const e of projectEvents(engineFor(opts, io), project, services, { since: sinceOf(opts.since), until })) {
    if (opts.json) io.stdout.write(`${JSON.stringify(e)}\n`);
    else io.stdout.write(`${e.time} ${e.type} ${e.action} ${e.name ?? e.id.slice(0, 12)}${e.service ? ` (service ${e.service})` : ""}\n`);
  }
  return 0;
}

/** `dsl cp web:/path ./local` or `dsl cp ./local web:/path`. */
export async function cpCommand(from: string, to: string, opts: EngineOptions & { readonly index?: string }, io: Io): Promise<number> {
  const project = await projectOf(opts, io);
  await copyFiles(engineFor(opts, io), project, parseCopyEnd(from), parseCopyEnd(to), { cwd: io.cwd, index: indexOf(opts.index) });
  return 0;
}
