/**
 * The terminal side of `dsl exec` and `dsl run`: the user's stdin goes to the process (raw, with
 * a TTY, so that Ctrl-C reaches the process and not Berth), its output streams to ours as it
 * comes, and a resize of our window resizes its TTY.
 */
import type { Attached, TerminalSize } from "@berth/runtime";
import type { Io } from "./io";

type Stdin = NonNullable<Io["stdin"]> & { setRawMode?: (on: boolean) => unknown; pause?: () => unknown; resume?: () => unknown };
type Stdout = Io["stdout"] & { rows?: number; columns?: number };

export interface TerminalFlags {
  readonly interactive?: boolean;
  readonly tty?: boolean;
}

/**
 * What `-i`/`-t` mean here, as compose decides: stdin is attached with `-i` or when it is a
 * terminal; a TTY is allocated with `-t`, never with `-T` (`tty: false`), else when stdin is a terminal.
 */
export function attachMode(flags: TerminalFlags, io: Io): { stdin: boolean; tty: boolean } {
  const terminal = io.stdin?.isTTY === true;
  return { stdin: flags.interactive === true || terminal, tty: flags.tty ?? terminal };
}

/** Our window's size, when stdout is a terminal. */
export function terminalSize(io: Io): TerminalSize | undefined {
  const out = io.stdout as Stdout;
  return out.isTTY && out.rows && out.columns ? { rows: out.rows, cols: out.columns } : undefined;
}

/** Sends our stdin to `a`: raw when the process has a TTY and stdin is one. Returns the undo. */
function forwardStdin(a: Attached, io: Io, tty: boolean): () => void {
  const input = io.stdin as Stdin | undefined;
  if (!input) return () => undefined;
  const raw = tty && input.isTTY === true && typeof input.setRawMode === "function";
  if (raw) input.setRawMode?.(true);
  const onData = (d: Buffer | string) => a.input.write(d);
  const onEnd = () => a.input.end();
  input.on("data", onData);
  input.once("end", onEnd);
  input.resume?.();
  return () => {
    input.off("data", onData);
    input.off("end", onEnd);
    if (raw) input.setRawMode?.(false);
    input.pause?.();
  };
}

/** Resizes the process's TTY now and whenever our window changes. Returns the undo. */
function forwardResize(a: Attached, io: Io): () => void {
  const out = io.stdout as Stdout;
  if (!out.isTTY) return () => undefined;
  const send = () => {
    const size = terminalSize(io);
    if (size) void a.resize(size);
  };
  send();
  out.on("resize", send);
  return () => out.off("resize", send);
}

/** Without a TTY, Ctrl-C reaches Berth: pass it on to the process where the engine can (`docker run`'s sig-proxy). Returns the undo. */
function forwardSignals(a: Attached): () => void {
  const kill = a.kill;
  if (!kill) return () => undefined;
  const handlers = (["SIGINT", "SIGTERM"] as const).map((sig) => {
    const h = () => void kill(sig).catch(() => undefined);
    process.on(sig, h);
    return () => process.off(sig, h);
  });
  return () => handlers.forEach((off) => off());
}

/** Relays between the user's terminal and `a` until the process's output ends; resolves with its exit code. */
export async function relay(a: Attached, io: Io, mode: { stdin: boolean; tty: boolean }): Promise<number> {
  const none = () => undefined;
  const undo = [mode.stdin ? forwardStdin(a, io, mode.tty) : none, mode.tty ? forwardResize(a, io) : forwardSignals(a)];
  try {
    for await (const chunk of a.output) (chunk.stream === "stderr" ? io.stderr : io.stdout).write(chunk.data);
    return await a.wait();
  } finally {
    for (const u of undo) u();
    a.close();
  }
}
