/**
 * Interactive streams of the Docker engine adapter: an exec or a container attached to, with the
 * process's stdin to write, its output streamed as it comes, and its TTY resized (the hijacked
 * connections `docker exec -it` and `docker run -it` use; they go through dockerode); and the
 * other calls of compose's scripting verbs: signals, processes, archives out of a container.
 */
import type Dockerode from "dockerode";
import { Transform, type Duplex, type Readable } from "node:stream";
import type { Client } from "./client";
import { EngineError } from "./errors";
import { demux } from "./streams";
import { labelFilter } from "./convert";
import type { AttachOptions, Attached, EngineEvent, EventsOptions, LogStream, ProcessList, TerminalSize } from "./types";

const at = (id: string) => `/containers/${encodeURIComponent(id)}`;

/** Wraps a hijacked connection: `input` is its write side, `output` its (demultiplexed) read side. */
function attached(socket: Duplex, tty: boolean, resize: Attached["resize"], wait: Attached["wait"], kill?: Attached["kill"]): Attached {
  const output = demux(socket, tty) as unknown as LogStream;
  return { input: socket, output, resize, wait, close: () => socket.destroy(), ...(kill ? { kill } : {}) };
}

/** The body of `POST /containers/{id}/exec`. */
export function execBody(command: readonly string[], options: AttachOptions): Dockerode.ExecCreateOptions {
  const tty = options.tty === true;
  return {
    Cmd: [...command],
    AttachStdin: options.stdin === true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: tty,
    ...(options.env ? { Env: [...options.env] } : {}),
    ...(options.user ? { User: options.user } : {}),
    ...(options.workingDir ? { WorkingDir: options.workingDir } : {}),
    ...(options.privileged ? { Privileged: true } : {}),
    ...(tty && options.size ? { ConsoleSize: [options.size.rows, options.size.cols] } : {}),
  };
}

/**
 * Starts `command` in a running container with its streams attached (`docker exec [-i] [-t]`).
 * `wait()` resolves with the exit code once the output has ended.
 */
export async function execAttached(client: Client, id: string, command: readonly string[], options: AttachOptions = {}): Promise<Attached> {
  const what = `${command.join(" ")}" in "${id}`;
  const tty = options.tty === true;
  const stdin = options.stdin === true;
  const ex = await client.must("exec", what, (d) => d.getContainer(id).exec(execBody(command, options)));
  const socket = (await client.must("exec", what, () => ex.start({ hijack: true, stdin, Tty: tty }))) as Duplex;
  const ended = new Promise<void>((resolve) => {
    socket.once("end", resolve);
    socket.once("close", resolve);
  });
  const resize = async (size: TerminalSize) => {
    if (tty) await client.call("resize exec", what, () => ex.resize({ h: size.rows, w: size.cols })).catch(() => undefined);
  };
  const wait = async () => {
    await ended;
    // The stream ends when the process closes its output; its exit code may land a moment later.
    for (let i = 0; i < 250; i++) {
      const info = await client.must("exec", what, () => ex.inspect());
      if (!info.Running && info.ExitCode !== null && info.ExitCode !== undefined) return info.ExitCode;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new EngineError(`cannot exec "${what}": the engine did not report an exit code after its output ended`, { operation: "exec", object: id });
  };
  return attached(socket, tty, resize, wait);
}

/**
 * Attaches to a container's stdin and output (`docker attach`, before `docker start` for
 * `docker run -it`: nothing it prints is missed). `tty` must match the container's `Tty`.
 * `wait()` resolves with the container's exit code.
 */
export async function attachContainer(client: Client, id: string, options: { readonly stdin?: boolean; readonly tty?: boolean } = {}): Promise<Attached> {
  const tty = options.tty === true;
  const socket = (await client.must("attach to container", id, (d) =>
    d.getContainer(id).attach({ stream: true, stdin: options.stdin === true, stdout: true, stderr: true, hijack: true }),
  )) as unknown as Duplex;
  const resize = async (size: TerminalSize) => {
    if (tty) await resizeContainer(client, id, size).catch(() => undefined);
  };
  const wait = async () => {
    const r = await client.send<{ StatusCode: number }>("wait for container", id, { method: "POST", path: `${at(id)}/wait` });
    return r.StatusCode;
  };
  return attached(socket, tty, resize, wait, (signal) => killContainer(client, id, signal));
}

interface RawEvent {
  readonly Type?: string;
  readonly Action?: string;
  readonly Actor?: { readonly ID?: string; readonly Attributes?: Record<string, string> };
  readonly timeNano?: number;
}

/** The engine's event stream (newline-delimited JSON), as {@link EngineEvent} objects. */
export async function events(client: Client, options: EventsOptions = {}): Promise<Readable & AsyncIterable<EngineEvent>> {
  const labels = labelFilter(options.labels);
  const opts = {
    ...(labels.length ? { filters: { label: labels } } : {}),
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.until !== undefined ? { until: options.until } : {}),
  };
  const raw = (await client.must("read events of", client.endpoint, (d) => d.getEvents(opts))) as Readable;
  let pending = "";
  const out = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _enc, done) {
      pending += chunk.toString("utf8");
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) this.push(toEvent(JSON.parse(line) as RawEvent));
      done();
    },
  });
  raw.on("error", (err) => out.destroy(err));
  out.on("close", () => raw.destroy());
  return raw.pipe(out) as Readable & AsyncIterable<EngineEvent>;
}

function toEvent(e: RawEvent): EngineEvent {
  return { type: e.Type ?? "", action: e.Action ?? "", id: e.Actor?.ID ?? "", attributes: { ...(e.Actor?.Attributes ?? {}) }, timeNano: e.timeNano ?? 0 };
}

/** The container's processes (`docker top`). */
export async function topContainer(client: Client, id: string, psArgs?: string): Promise<ProcessList> {
  const r = await client.send<{ Titles?: string[]; Processes?: string[][] }>("list processes of container", id, {
    method: "GET",
    path: `${at(id)}/top`,
    query: { ps_args: psArgs },
  });
  return { titles: r.Titles ?? [], processes: r.Processes ?? [] };
}

/** A tar stream of `path` in the container, or undefined when the path does not exist there. */
export async function getArchive(client: Client, id: string, path: string): Promise<NodeJS.ReadableStream | undefined> {
  return client.call("copy files from container", `${id}:${path}`, (d) => d.getContainer(id).getArchive({ path }), [404]);
}

/** Resizes the TTY of a container that has one. */
export async function resizeContainer(client: Client, id: string, size: TerminalSize): Promise<void> {
  await client.request("resize container", id, { method: "POST", path: `${at(id)}/resize`, query: { h: size.rows, w: size.cols } });
}

/** Sends a signal (default SIGKILL, as the engine's) to the container's main process. */
export async function killContainer(client: Client, id: string, signal?: string): Promise<void> {
  await client.request("kill container", id, { method: "POST", path: `${at(id)}/kill`, query: { signal } });
}
