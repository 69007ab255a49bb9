/** `--stage NAME`: the flat object of context values in `berth.NAME.json` beside the stack file. */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ContextValue } from "@berth/dsl";
import { LoadError } from "../errors";

/** The file `--stage name` reads, beside the stack file. */
export function stageFile(dir: string, stage: string): string {
  return path.join(dir, `berth.${stage}.json`);
}

/** The context values of stage `stage`; a missing or malformed file is a LoadError naming it and what to do. */
export function readStage(dir: string, stage: string, cwd: string): Record<string, ContextValue> {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(stage)) {
    throw new LoadError(`stage "${stage}": expected a name of letters, digits, "_", "-" and "." (it names the file berth.<stage>.json)`);
  }
  const file = stageFile(dir, stage);
  const shown = path.relative(cwd, file) || file;
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new LoadError(`${shown}: stage file not found: create it beside the stack with the stage's context values, e.g. {"tag": "1.0"} ({} for none)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new LoadError(`${shown}: not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new LoadError(`${shown}: expected a flat object of context values, e.g. {"tag": "1.0", "replicas": 2}`);
  }
  const values: Record<string, ContextValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
      throw new LoadError(`${shown}: "${key}" is ${JSON.stringify(value)}: expected text, a number or a boolean (the file is a flat object)`);
    }
    values[key] = value;
  }
  return values;
}
