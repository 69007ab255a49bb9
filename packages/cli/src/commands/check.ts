import { BerthError } from "@berth/runtime";
import { formatDiagnostic, typecheck, type CheckResult } from "@berth/runtime";
import { positionals, stackFile, type EngineOptions } from "../engine";
import { EXIT_OK, EXIT_USER } from "../errors";
import { type Io, paint, useColor, writeJson } from "../io";

export interface CheckCommandOptions extends EngineOptions {
  readonly cache?: boolean;
}

/** Thrown by `--typecheck` when the stack has type errors: the diagnostics are the message. */
export class TypecheckError extends BerthError {
  constructor(result: CheckResult) {
    const errors = result.diagnostics.filter((d) => d.category === "error");
    super(`${errors.length} type error${errors.length === 1 ? "" : "s"}:\n${errors.map((d) => `  ${formatDiagnostic(d)}`).join("\n")}`);
  }
}

const hasErrors = (r: CheckResult) => r.diagnostics.some((d) => d.category === "error");

/** `dsl check`: type-checks the stack (and its local imports) against the DSL; exit 1 on any error. */
export async function checkCommand(file: string | undefined, opts: CheckCommandOptions, io: Io): Promise<number> {
  const shown = stackFile(file, opts);
  const started = Date.now();
  const result = await typecheck(shown, { cwd: io.cwd, cache: opts.cache });
  if (opts.json) {
    writeJson(io, { file: shown, ok: !hasErrors(result), cached: result.cached, diagnostics: result.diagnostics });
    return hasErrors(result) ? EXIT_USER : EXIT_OK;
  }
  const c = paint(useColor(io, io.stdout, opts));
  for (const d of result.diagnostics) {
    const [first, ...rest] = formatDiagnostic(d).split("\n");
    const head = first.replace(
      /: (error|warning) (TS\d+):/,
      (_m, cat: string, code: string) => `: ${cat === "error" ? c.red(cat) : c.yellow(cat)} ${c.dim(code)}:`,
    );
    io.stdout.write(`${[head, ...rest.map((l) => `    ${l}`)].join("\n")}\n`);
  }
  const n = result.diagnostics.length;
  const took = `${Date.now() - started} ms${result.cached ? ", cached" : ""}`;
  io.stderr.write(n === 0 ? `${shown}: no type errors (${took})\n` : `${shown}: ${n} problem${n === 1 ? "" : "s"} (${took})\n`);
  return hasErrors(result) ? EXIT_USER : EXIT_OK;
}

/** For `synth --typecheck` / `apply --typecheck`: runs the check first and stops on a type error. */
export function withTypecheck<F extends string | string[] | undefined, A extends unknown[], R>(
  action: (file: F, opts: CheckCommandOptions & { typecheck?: boolean }, io: Io, ...rest: A) => Promise<R>,
) {
  return async (file: F, opts: CheckCommandOptions & { typecheck?: boolean }, io: Io, ...rest: A): Promise<R> => {
    if (opts.typecheck) {
      const result = await typecheck(stackFile(Array.isArray(file) ? positionals(file).file : file, opts), { cwd: io.cwd });
      if (hasErrors(result)) throw new TypecheckError(result);
    }
    return action(file, opts, io, ...rest);
  };
}
