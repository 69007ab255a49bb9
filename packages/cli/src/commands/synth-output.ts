/** What `dsl synth` shares between its two outputs (a compose file, a Swarm stack file): the flags, where it writes, the env files. */
import * as fs from "node:fs";
import * as path from "node:path";
import { sensitiveFiles, type EnvFileSyntax, type SensitiveMode, type TargetName } from "@berth/runtime";
import type { Graph } from "@berth/dsl";
import type { Io } from "../io";
import type { EngineOptions } from "../engine";
import { UsageError } from "../errors";
import { writeUnredacted } from "../redact";

export interface SynthOptions extends EngineOptions {
  readonly output?: string;
  readonly target?: TargetName;
  readonly cache?: boolean;
  /** `--write-env-file FILE`: the sensitive values go into FILE (0600), named under `env_file:`. */
  readonly writeEnvFile?: string;
  /** `--inline-sensitive`: the sensitive values go into the output itself. */
  readonly inlineSensitive?: boolean;
}

/** Where the output goes: a file (absolute), or stdout; relative paths in it resolve against `dir`. */
export interface SynthTarget {
  readonly out?: string;
  readonly dir: string;
}

export function synthTarget(opts: SynthOptions, io: Io): SynthTarget {
  const out = !opts.output || opts.output === "-" ? undefined : path.resolve(io.cwd, opts.output);
  return { out, dir: out ? path.dirname(out) : io.cwd };
}

/** How the sensitive values are written, from the flags: references unless the user asked for a file or for the values. */
export function sensitiveMode(opts: SynthOptions, io: Io, target: SynthTarget): SensitiveMode {
  if (opts.writeEnvFile !== undefined && opts.inlineSensitive) throw new UsageError("--write-env-file and --inline-sensitive exclude each other; pick one");
  if (opts.inlineSensitive) return "inline";
  if (opts.writeEnvFile === undefined) return "reference";
  const rel = path.relative(target.dir, path.resolve(io.cwd, opts.writeEnvFile));
  return { envFile: rel.startsWith("..") || path.isAbsolute(rel) ? rel : `./${rel}` };
}

/**
 * The synthesized text: written to the file, or printed. With `--inline-sensitive` it holds the
 * values on purpose, so it passes the redactor (with a warning); the env files are written
 * beside it, readable by their owner only.
 */
export function emit(graph: Graph, text: string, mode: SensitiveMode, syntax: EnvFileSyntax, target: SynthTarget, io: Io): void {
  const shown = (file: string) => path.relative(io.cwd, file) || file;
  if (mode === "inline") {
    io.stderr.write("warning: --inline-sensitive: the output holds the stack's sensitive values in clear; do not commit it\n");
  }
  if (typeof mode === "object") {
    const files = sensitiveFiles(graph, mode, syntax);
    if (!files.length) io.stderr.write(`the stack has no sensitive values: ${shown(path.resolve(target.dir, mode.envFile))} not written\n`);
    for (const f of files) {
      const file = path.resolve(target.dir, f.path);
      fs.writeFileSync(file, f.content, { mode: 0o600 });
      fs.chmodSync(file, 0o600);
      io.stderr.write(`wrote ${shown(file)} (${f.holds}; sensitive: do not commit it)\n`);
    }
  }
  if (!target.out) {
    // The values are masked inside the document's values (never its keys: a secret `secret` must not
    // turn `secrets:` into `(sensitive)s:`), and the document then passes the text redactor as is.
    const masked: number[] = [];
    writeUnredacted(io, io.stdout, mode === "inline" || !io.redactor ? text : io.redactor.redactDocument(text, (line) => masked.push(line)));
    if (masked.length)
      io.stderr.write(
        `warning: ${masked.length === 1 ? "a value" : `${masked.length} values`} shown as (sensitive) on line${masked.length === 1 ? "" : "s"} ${masked.join(", ")}: ` +
          `each holds or equals a sensitive value of the stack, so this output is not the file -o writes (give a sensitive value one no other setting has, or mark that setting sensitive)\n`,
      );
    return;
  }
  fs.writeFileSync(target.out, text);
}
