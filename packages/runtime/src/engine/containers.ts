/** Container operations of the Docker engine adapter. */
import { execBody } from "./attach";
import type { Client } from "./client";
import { byName, cmp, exactNameFilter, labelFilter, toContainerDetails, toContainerSummary } from "./convert";
import { EngineError } from "./errors";
import { collect, demux } from "./streams";
import type {
  ContainerCreateOptions,
  ContainerDetails,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  ListContainersOptions,
  LogStream,
  LogsOptions,
  WaitResult,
} from "./types";

export async function listContainers(client: Client, options: ListContainersOptions = {}): Promise<ContainerSummary[]> {
  const filters: Record<string, string[]> = {};
  const labels = labelFilter(options.labels);
  if (labels.length) filters.label = labels;
  if (options.names?.length) filters.name = exactNameFilter(options.names, true);
  const rows = await client.get<Parameters<typeof toContainerSummary>[0][]>("list containers", "/containers/json", {
    all: options.all === true ? "true" : undefined,
    filters,
  });
  const wanted = options.names ? new Set(options.names) : undefined;
  return rows
    .map(toContainerSummary)
    .filter((c) => !wanted || wanted.has(c.name))
    .sort((a, b) => byName(a, b) || cmp(a.id, b.id));
}

const at = (id: string) => `/containers/${encodeURIComponent(id)}`;

export async function inspectContainer(client: Client, idOrName: string): Promise<ContainerDetails | undefined> {
  const info = await client.request<Parameters<typeof toContainerDetails>[0]>("inspect container", idOrName, {
    method: "GET",
    path: `${at(idOrName)}/json`,
    ok: [404],
  });
  return info && toContainerDetails(info);
}

export async function createContainer(client: Client, options: ContainerCreateOptions): Promise<string> {
  const { name, platform, ...body } = options;
  const res = await client.send<{ Id: string }>("create container", name ?? options.Image, {
    method: "POST",
    path: "/containers/create",
    query: { name, platform },
    body,
  });
  return res.Id;
}

/** Extracts a tar archive into the container's filesystem at `dir` (also before it first starts). */
export async function putArchive(client: Client, id: string, dir: string, tar: Buffer): Promise<void> {
  await client.request("copy files into container", id, { method: "PUT", path: `${at(id)}/archive`, query: { path: dir }, tar });
}

/** 304: already in the asked state, which is what the caller wanted. */
const NOT_MODIFIED = [304];

export async function startContainer(client: Client, id: string): Promise<void> {
  await client.request("start container", id, { method: "POST", path: `${at(id)}/start`, ok: NOT_MODIFIED });
}

export async function stopContainer(client: Client, id: string, timeoutSeconds?: number): Promise<void> {
  await client.request("stop container", id, { method: "POST", path: `${at(id)}/stop`, query: { t: timeoutSeconds }, ok: NOT_MODIFIED });
}

export async function restartContainer(client: Client, id: string, timeoutSeconds?: number): Promise<void> {
  await client.request("restart container", id, { method: "POST", path: `${at(id)}/restart`, query: { t: timeoutSeconds } });
}

export async function pauseContainer(client: Client, id: string): Promise<void> {
  await client.request("pause container", id, { method: "POST", path: `${at(id)}/pause` });
}

export async function unpauseContainer(client: Client, id: string): Promise<void> {
  await client.request("unpause container", id, { method: "POST", path: `${at(id)}/unpause` });
}

export async function renameContainer(client: Client, id: string, newName: string): Promise<void> {
  await client.request("rename container", `${id}" to "${newName}`, { method: "POST", path: `${at(id)}/rename`, query: { name: newName } });
}

export async function removeContainer(client: Client, id: string, options: { readonly force?: boolean; readonly volumes?: boolean } = {}): Promise<void> {
  await client.request("remove container", id, { method: "DELETE", path: at(id), query: { force: options.force === true, v: options.volumes === true } });
}

export async function waitContainer(client: Client, id: string, condition: "not-running" | "next-exit" | "removed" = "not-running"): Promise<WaitResult> {
  const r = await client.send<{ StatusCode: number; Error?: { Message?: string } | null }>("wait for container", id, {
    method: "POST",
    path: `${at(id)}/wait`,
    query: { condition },
  });
  return { exitCode: r.StatusCode, ...(r.Error?.Message ? { error: r.Error.Message } : {}) };
}

export async function containerLogs(client: Client, id: string, options: LogsOptions = {}): Promise<LogStream> {
  // The engine multiplexes stdout and stderr unless the container has a TTY: ask which.
  const info = await client.send<{ Config?: { Tty?: boolean } }>("read logs of container", id, { method: "GET", path: `${at(id)}/json` });
  const query = {
    stdout: true,
    stderr: true,
    follow: options.follow === true,
    timestamps: options.timestamps === true,
    tail: options.tail === undefined ? "all" : String(options.tail),
    ...(options.since !== undefined ? { since: options.since } : {}),
  };
  // dockerode answers a stream when following and a Buffer otherwise; its overloads cannot say so.
  const raw = (await client.must("read logs of container", id, (d) =>
    (d.getContainer(id).logs as (o: object) => Promise<NodeJS.ReadableStream | Buffer>)(query),
  )) as NodeJS.ReadableStream | Buffer;
  return demux(raw, info.Config?.Tty === true) as unknown as LogStream;
}

export async function exec(client: Client, id: string, command: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const what = `${command.join(" ")}" in "${id}`;
  const tty = options.tty === true;
  const ex = await client.must("exec", what, (d) => d.getContainer(id).exec(execBody(command, options)));
  const stream = await client.must("exec", what, () => ex.start({ hijack: true, stdin: false, Tty: tty }));
  const output = await collect(demux(stream, tty) as unknown as LogStream);
  // The stream ends when the process closes its output; its exit code may land a moment later.
  for (let i = 0; i < 100; i++) {
    const info = await client.must("exec", what, () => ex.inspect());
    if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return { exitCode: info.ExitCode, ...output };
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new EngineError(`cannot exec "${what}": the engine did not report an exit code after its output ended`, { operation: "exec", object: id });
}
