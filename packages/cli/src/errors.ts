/**
 * The CLI's one error boundary: every error a command throws ends here and becomes a
 * message and an exit code. 1: the user's to fix (bad stack, bad flag). 2: ours (a bug).
 * 3: the Docker engine could not be reached or refused an operation (its own reason is in the
 * message): not a bug in Berth, and not a problem in the stack either.
 */
import { BerthError, errorKind, LockedError, type ErrorKind } from "@berth/runtime";
import { type GlobalOptions, type Io, paint, useColor, writeJson } from "./io";

export const EXIT_OK = 0;
export const EXIT_USER = 1;
export const EXIT_INTERNAL = 2;
export const EXIT_ENGINE = 3;

/** An error in how the command was called (bad flag value, missing argument). */
export class UsageError extends BerthError {}

const EXIT_CODES: Readonly<Record<ErrorKind, number>> = { user: EXIT_USER, engine: EXIT_ENGINE, internal: EXIT_INTERNAL };

interface ErrorLike {
  name?: string;
  message?: string;
  stack?: string;
  problems?: readonly unknown[];
}

/** What the CLI adds to a runtime error that a flag of its own answers (runtime messages never name flags). */
function hint(err: unknown): string {
  if (err instanceof LockedError) return " (or pass --lock-timeout 60s to wait here)";
  return "";
}

export function reportError(err: unknown, io: Io, opts: GlobalOptions): number {
  const raw = (typeof err === "object" && err !== null ? err : { message: String(err) }) as ErrorLike;
  const e: ErrorLike = { name: raw.name, message: `${raw.message ?? String(err)}${hint(err)}`, stack: raw.stack, problems: raw.problems };
  const kind = errorKind(err);
  const code = EXIT_CODES[kind];
  if (opts.json) {
    writeJson(io, { error: { type: e.name ?? "Error", message: e.message ?? String(err), problems: e.problems, exitCode: code } });
    return code;
  }
  const c = paint(useColor(io, io.stderr, opts));
  if (kind !== "internal") {
    io.stderr.write(`${c.red("error:")} ${io.env.BERTH_DEBUG && kind === "engine" ? (e.stack ?? e.message) : e.message}\n`);
  } else {
    const detail = io.env.BERTH_DEBUG ? (e.stack ?? e.message) : e.message;
    io.stderr.write(`${c.red("internal error:")} ${detail}\n(this is a bug in Berth; rerun with BERTH_DEBUG=1 for the stack trace and report it)\n`);
  }
  return code;
}
