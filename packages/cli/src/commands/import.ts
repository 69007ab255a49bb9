import * as fs from "node:fs";
import * as path from "node:path";
import { importCompose } from "@berth/runtime";
import { type GlobalOptions, type Io, writeJson } from "../io";
import { UsageError } from "../errors";

export interface ImportCommandOptions extends GlobalOptions {
  readonly output?: string;
  readonly project?: string;
  readonly force?: boolean;
}

/** Writes `text` to `file` whole or not at all (a failed import leaves no half-written stack). */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function counts(model: { constructs: readonly { kind: string }[] }): string {
  const n = (kind: string) => model.constructs.filter((c) => c.kind === kind).length;
  return (["service", "network", "volume", "secret", "config"] as const)
    .filter((k) => n(k) > 0)
    .map((k) => `${n(k)} ${k}${n(k) === 1 ? "" : "s"}`)
    .join(", ");
}

/** `dsl import compose.yml`: writes the typed stack.ts beside it (`-o file`, `-o -` for stdout). */
export async function importCommand(file: string, opts: ImportCommandOptions, io: Io): Promise<void> {
  const composeDir = path.dirname(path.resolve(io.cwd, file));
  const toStdout = opts.output === "-";
  const out = toStdout ? undefined : path.resolve(io.cwd, opts.output ?? path.join(composeDir, "stack.ts"));
  if (out && fs.existsSync(out) && !opts.force) {
    throw new UsageError(`${path.relative(io.cwd, out) || out} already exists; pass --force to overwrite it, or -o another file`);
  }
  const result = importCompose(file, { cwd: io.cwd, env: io.env, project: opts.project, outDir: out ? path.dirname(out) : io.cwd });
  if (opts.json) {
    writeJson(io, { project: result.project, output: out ?? "-", code: result.code, inlineSecrets: result.inlineSecrets });
    if (out) writeAtomically(out, result.code);
    return;
  }
  for (const at of result.inlineSecrets) {
    const key = at.split(".").pop() as string;
    io.stderr.write(
      `warning: ${file}: ${at} is written in the compose file itself; the stack keeps it as sensitive("…"): better env("${key}"), with the value in .env\n`,
    );
  }
  if (!out) {
    io.stdout.write(result.code);
    return;
  }
  writeAtomically(out, result.code);
  io.stderr.write(`wrote ${path.relative(io.cwd, out) || out}: project "${result.project}", ${counts(result.model)}\n`);
}
