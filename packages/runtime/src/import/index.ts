/**
 * `importCompose(file)`: a docker-compose file → a typed stack.ts, as a person would write it.
 *
 * Read (YAML 1.1, positions kept) → check every key against the compose specification →
 * interpolate `${VAR}` (environment, then `.env` beside the file) → merge `extends` → map
 * each resource to its construct's props (references as objects, unmodeled keys in `extra`)
 * → order the declarations so that every reference points up → generate with ts-morph.
 * Any problem is one {@link ImportError} line naming the file and the line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { composeToModel } from "./build-model";
import { generateStack } from "./codegen";
import { ImportError } from "./errors";
import type { Variables } from "./interpolate";
import type { StackModel } from "./model";
import { readVariables } from "./origins";
import { rebaseModel } from "./rebase";

export { composeToModel } from "./build-model";
export { ImportError } from "./errors";
export type { StackModel } from "./model";

export interface ImportOptions {
  /** Folder that the file name in messages is relative to. @default process.cwd() */
  readonly cwd?: string;
  /** Variables for `${VAR}`; they win over the `.env` beside the file. @default process.env */
  readonly env?: Variables;
  /** The folder the stack.ts will be written to: relative paths are rebased to it. @default the compose file's folder */
  readonly outDir?: string;
  /** The project name. @default the file's `name:`, else its `# project:` comment (written by `dsl synth`), else its folder's name */
  readonly project?: string;
}

export interface ImportResult {
  /** The generated stack.ts. */
  readonly code: string;
  readonly project: string;
  readonly model: StackModel;
  /**
   * Secret-looking environment values the compose file held in clear (`services.db.environment.SA_PASSWORD`):
   * kept as `sensitive("…")`; better read from the environment with `env()`.
   */
  readonly inlineSecrets: readonly string[];
}

/** Reads `file` and generates its stack.ts. Throws {@link ImportError} (one line, with file and line) on any problem. */
export function importCompose(file: string, options: ImportOptions = {}): ImportResult {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  let text: string;
  try {
    text = fs.readFileSync(abs, "utf8");
  } catch (err) {
    throw new ImportError(`${path.relative(cwd, abs) || abs}: cannot read the compose file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, {
      cause: err,
    });
  }
  const outDir = path.resolve(cwd, options.outDir ?? path.dirname(abs));
  const rebased = rebaseModel(composeToModel(text, abs, options), path.dirname(abs), outDir);
  // After rebasing: a path rebased no longer equals what the file interpolated, and keeps its literal.
  const { model, inlineSecrets } = rebased.origins ? readVariables(rebased, rebased.origins) : { model: rebased, inlineSecrets: [] };
  const header = `Imported from ${path.basename(abs)} by \`dsl import\`. Edit freely: \`dsl synth\` writes the compose file back.`;
  return { code: generateStack(model, header, outDir), project: model.project, model, inlineSecrets };
}
