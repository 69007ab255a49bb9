/** Container operations of the Docker engine adapter. */
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
  const rows = await client.get<Parameters<typeof toContainerSummary>[0][]>("list containers", "/containers/json", { all: options.all === true ? "true" : undefined, filters });
  const wanted = options.names ? new Set(options.names) : undefined;
  return rows
    .map(toContainerSummary)
    .filter((c) => !wanted || wanted.has(c.name))
    .sort((a, b) => byName(a, b) || cmp(a.id, b.id));
}

export async function inspectContainer(client: Client, idOrName: string): Promise<ContainerDetails | undefined> {
  const info = await client.maybe("inspect container", idOrName, (d) => d.getContainer(idOrName).inspect());
  return info && toContainerDetails(info);
}

export async function createContainer(client: Client, options: ContainerCreateOptions): Promise<string> {
  const c = await client.must("create container", options.name ?? options.Image, (d) => d.createContainer(options));
  return c.id;
}

/** 304: already in the asked state, which is what the caller wanted. */
const NOT_MODIFIED = [304];

export async function startContainer(client: Client, id: string): Promise<void> {
  await client.call("start container", id, (d) => d.getContainer(id).start(), NOT_MODIFIED);
}

export async function stopContainer(client: Client, id: string, timeoutSeconds?: number): Promise<void> {
  const opts = timeoutSeconds === undefined ? {} : { t: timeoutSeconds };
  await client.call("stop container", id, (d) => d.getContainer(id).stop(opts), NOT_MODIFIED);
}

export async function restartContainer(client: Client, id: string, timeoutSeconds?: number): Promise<void> {
  const opts = timeoutSeconds === undefined ? {} : { t: timeoutSeconds };
  await client.call("restart container", id, (d) => d.getContainer(id).restart(opts));
}

export async function pauseContainer(client: Client, id: string): Promise<void> {
  await client.call("pause container", id, (d) => d.getContainer(id).pause());
}

export async function unpauseContainer(client: Client, id: string): Promise<void> {
  await client.call("unpause container", id, (d) => d.getContainer(id).unpause());
}

export async function renameContainer(client: Client, id: string, newName: string): Promise<void> {
  await client.call("rename container", `${id}" to "${newName}`, (d) => d.getContainer(id).rename({ name: newName }));
}

export async function removeContainer(client: Client, id: string, options: { readonly force?: boolean; readonly volumes?: boolean } = {}): Promise<void> {
  await client.call("remove container", id, (d) => d.getContainer(id).remove({ force: options.force === true, v: options.volumes === true }));
}

export async function waitContainer(client: Client, id: string, condition: "not-running" | "next-exit" | "removed" = "not-running"): Promise<WaitResult> {
  const r = (await client.must("wait for container", id, (d) => d.getContainer(id).wait({ condition }))) as { StatusCode: number; Error?: { Message?: string } | null };
  return { exitCode: r.StatusCode, ...(r.Error?.Message ? { error: r.Error.Message } : {}) };
}

export async function containerLogs(client: Client, id: string, options: LogsOptions = {}): Promise<LogStream> {
  // The engine multiplexes stdout and stderr unless the container has a TTY: ask which.
  const info = await client.must("read logs of container", id, (d) => d.getContainer(id).inspect());
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
  const ex = await client.must("exec", what, (d) =>
    d.getContainer(id).exec({
      Cmd: [...command],
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
      ...(options.env ? { Env: [...options.env] } : {}),
      ...(options.user ? { User: options.user } : {}),
      ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
      ...(options.privileged ? { Privileged: true } : {}),
    }),
  );
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
