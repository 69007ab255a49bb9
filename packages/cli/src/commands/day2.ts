/** ps, logs, exec, stop, start, restart: compose's day-2 verbs on the project of the stack. */
import * as fs from "node:fs";
import * as path from "node:path";
import {
  controlServices,
  execAttachedInService,
  execInService,
  parseDurationText,
  ps,
  runOneOff,
  serviceLogs,
  targetOf,
  type Attached,
  type Day2Action,
  type Prepared,
  type TargetName,
} from "@berth/runtime";
import { UsageError } from "../errors";
import { attachMode, relay, terminalSize, type TerminalFlags } from "../terminal";
import { engineFor, type EngineOptions, positionals, prepareStack, stackFile } from "../engine";
import { type Io, paint, useColor, writeJson } from "../io";
import { imagePrinter, leftRunning, table } from "../render";
import { printSwarmStatus } from "./swarm";

/** The command words after `--` (commander keeps the `--` with passThroughOptions). */
function afterDashes(args: readonly string[]): string[] {
  return args[0] === "--" ? args.slice(1) : [...args];
}

/** The project: `-p`, else the name of the stack (the positional stack file, else `-f`, else ./stack.ts). */
export async function projectOf(opts: EngineOptions, io: Io, positional?: string): Promise<string> {
  if (opts.project) return opts.project;
  return (await prepareStack(stackFile(positional, opts), opts, io)).desired.project;
}

/** Options of the verbs that act on the named services and what they depend on. */
export interface SelectFlags extends EngineOptions {
  /** `--no-deps`: only the named services. */
  readonly deps?: boolean;
}

/** The project (`-p`, else the stack's), and the target (`--target`, else the stack's default when there is a stack, else compose). */
async function projectAndTarget(opts: EngineOptions, io: Io, positional?: string): Promise<{ project: string; target: TargetName }> {
  const file = stackFile(positional, opts);
  const needStack = !opts.project || (!opts.target && fs.existsSync(path.resolve(io.cwd, file)));
  const prepared = needStack ? await prepareStack(file, opts, io) : undefined;
  return { project: opts.project ?? (prepared as Prepared).desired.project, target: targetOf(prepared, opts.target) };
}

/** `dsl ps [service…]`: the project's services (or the named ones and their dependencies) and their containers (swarm: stack → service → tasks). */
export async function psCommand(args: string[], opts: SelectFlags, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const { project, target } = await projectAndTarget(opts, io, file);
  const status = await ps(engineFor(opts, io), project, { target, services, deps: opts.deps !== false });
  if (!opts.json)
    for (const l of status.locks)
      io.stdout.write(`Locked by ${l.holder}${l.age ? `, held for ${l.age}` : ""}${l.stale ? " (its process is gone: dsl unlock removes it)" : ""}\n`);
  if (status.target === "swarm") {
    if (opts.json) writeJson(io, status);
    else printSwarmStatus(status, io);
    return 0;
  }
  const { containers } = status;
  if (opts.json) {
    const rows = containers.map((c) => ({
      service: c.service,
      number: c.number,
      name: c.name,
      state: c.state,
      status: c.status,
      health: c.health,
      image: c.image,
    }));
    writeJson(io, { project, containers: rows, locks: status.locks });
    return 0;
  }
  if (!containers.length) {
    io.stdout.write(`Project "${project}" has no containers (dsl apply creates them).\n`);
    return 0;
  }
  const rows = [["SERVICE", "CONTAINER", "STATE", "STATUS", "IMAGE"], ...containers.map((c) => [c.service, c.name, c.state, c.status, c.image])];
  io.stdout.write(`Project "${project}"\n${table(rows)}`);
  return 0;
}

export interface LogsOptions extends SelectFlags {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly timestamps?: boolean;
  /** `10m`, `1h30m`, or an RFC 3339 time / unix seconds. */
  readonly since?: string;
}

/** `--since`: a duration before now, else a date the engine's way (RFC 3339 or unix seconds); in unix seconds. */
export function sinceOf(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = parseDurationText(text);
  if (ms !== undefined) return Math.floor((now - ms) / 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) throw new UsageError(`--since "${text}": expected a duration like 10m, a date like 2024-05-01T10:00:00Z, or unix seconds`);
  return Math.floor(date / 1000);
}

/** `--tail`: `all` or a number of lines. */
function tailOf(text: string | undefined): number | "all" {
  if (text === undefined || text === "all") return "all";
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--tail "${text}": expected a number of lines, or all`);
  return n;
}

/** `dsl logs [service…]`: every container's output (or the named services' and their dependencies'), each line prefixed with its container, like compose. */
export async function logsCommand(args: string[], opts: LogsOptions, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const sources = await serviceLogs(engineFor(opts, io), project, services, {
    follow: opts.follow,
    tail: tailOf(opts.tail),
    timestamps: opts.timestamps,
    since: sinceOf(opts.since),
    deps: opts.deps !== false,
  });
  const c = paint(useColor(io, io.stdout, opts));
  const width = Math.max(0, ...sources.map((s) => `${s.container.service}-${s.container.number}`.length));
  await Promise.all(
    sources.map(async ({ container, stream }) => {
      const prefix = c.cyan(`${`${container.service}-${container.number}`.padEnd(width)} | `);
      let rest = "";
      for await (const chunk of stream) {
        const text = rest + chunk.data.toString("utf8");
        const lines = text.split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) (chunk.stream === "stderr" ? io.stderr : io.stdout).write(`${prefix}${line}\n`);
      }
      if (rest) io.stdout.write(`${prefix}${rest}\n`);
    }),
  );
  return 0;
}

export interface ExecCommandOptions extends EngineOptions, TerminalFlags {
  readonly index?: string;
  readonly user?: string;
  readonly workdir?: string;
  readonly env?: string[];
}

/** `--index N`: a positive container number. */
export function indexOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--index "${text}": expected a container number (1, 2, …)`);
  return n;
}

/**
 * `dsl exec <service> [-- command…]`: runs it in the service's container, stdin attached and a
 * TTY allocated when asked (default: when stdin is a terminal), output streamed; exits with its code.
 * With `--json` the output is collected and printed as one object.
 */
export async function execCommand(service: string, args: string[], opts: ExecCommandOptions, io: Io): Promise<number> {
  const command = afterDashes(args);
  if (!command.length) throw new UsageError(`dsl exec ${service}: no command given; e.g. dsl exec ${service} -- sh -c 'echo hi'`);
  const project = await projectOf(opts, io);
  const engine = engineFor(opts, io);
  const options = { index: indexOf(opts.index), user: opts.user, workingDir: opts.workdir, env: opts.env };
  if (opts.json) {
    const res = await execInService(engine, project, service, command, options);
    writeJson(io, res);
    return res.exitCode;
  }
  const mode = attachMode(opts, io);
  const attached = await execAttachedInService(engine, project, service, command, { ...options, ...mode, size: terminalSize(io) });
  return relay(attached, io, mode);
}

export interface RunCommandOptions extends EngineOptions, TerminalFlags {
  readonly rm?: boolean;
  readonly user?: string;
  readonly workdir?: string;
  readonly env?: string[];
}

/** `dsl run <service> [-- command…]`: a one-off container of the service, attached as `exec` is; exits with the command's code. */
export async function runCommand(service: string, args: string[], opts: RunCommandOptions, io: Io): Promise<number> {
  const command = afterDashes(args);
  const prepared = await prepareStack(stackFile(undefined, opts), opts, io);
  const mode = opts.json ? { stdin: false, tty: false } : attachMode(opts, io);
  const out: { stream: string; text: string }[] = [];
  const res = await runOneOff(engineFor(opts, io), prepared, service, {
    command,
    env: opts.env,
    user: opts.user,
    workingDir: opts.workdir,
    remove: opts.rm,
    ...(opts.json ? {} : { tty: mode.tty, stdin: mode.stdin, onAttach: (a: Attached) => relay(a, io, mode) }),
    onImage: opts.json ? undefined : imagePrinter(io),
    onOutput: (chunk) => out.push({ stream: chunk.stream, text: chunk.data.toString("utf8") }),
  });
  if (opts.json) {
    const text = (s: string) =>
      out
        .filter((o) => o.stream === s)
        .map((o) => o.text)
        .join("");
    writeJson(io, { container: res.container, exitCode: res.exitCode, stdout: text("stdout"), stderr: text("stderr") });
  }
  return res.exitCode;
}

/**
 * `dsl stop|start|restart [service…]`: start and restart also act on what the named services
 * depend on (unless `--no-deps`), dependencies first; stop acts on the named ones only and says
 * which of their dependents it leaves running.
 */
export async function controlCommand(action: Day2Action, args: string[], opts: SelectFlags & { readonly signal?: string }, io: Io): Promise<number> {
  const { file, services } = positionals(args);
  const project = await projectOf(opts, io, file);
  const verb = { stop: "stopped", start: "started", restart: "restarted", kill: "killed", pause: "paused", unpause: "unpaused" }[action];
  const done = await controlServices(
    engineFor(opts, io),
    project,
    action,
    services,
    (c) => {
      if (!opts.json) io.stdout.write(`  ✓ ${c.name} ${verb}\n`);
    },
    { deps: opts.deps !== false, signal: opts.signal },
  );
  if (opts.json) writeJson(io, { project, action, containers: done.containers.map((c) => c.name), dependentsLeft: done.dependentsLeft });
  else if (!done.containers.length) io.stdout.write(`Project "${project}" has no containers to ${action}.\n`);
  if (!opts.json) io.stdout.write(leftRunning(done.dependentsLeft));
  return 0;
}
