import type { Redactor } from "@berth/runtime";
import { writeUnredacted } from "./redact";

/** Everything a command touches outside itself, injected so that tests can run the CLI in-process. */
export interface Io {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Redacts the loaded stack's sensitive values from stdout and stderr (see `redact.ts`); commands add what they load. */
  readonly redactor?: Redactor;
}

/** Options every command receives from the global flags. */
export interface GlobalOptions {
  readonly json?: boolean;
  readonly color?: boolean;
}

/** Colors only for a terminal, and never when NO_COLOR is set or --no-color is given. */
export function useColor(io: Io, stream: Io["stdout"], opts: GlobalOptions): boolean {
  if (opts.color === false || io.env.NO_COLOR !== undefined) return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true;
}

export function paint(on: boolean) {
  const wrap = (code: number, reset: number) => (s: string) => (on ? `\u001b[${code}m${s}\u001b[${reset}m` : s);
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    cyan: wrap(36, 39),
    bold: wrap(1, 22),
    dim: wrap(2, 22),
  };
}

/** `value` as JSON on stdout, its sensitive values masked in its values, never in its keys (see {@link Redactor.redactValue}). */
export function writeJson(io: Io, value: unknown): void {
  const shown = io.redactor ? io.redactor.redactValue(value) : value;
  writeUnredacted(io, io.stdout, `${JSON.stringify(shown, null, 2)}\n`);
}
