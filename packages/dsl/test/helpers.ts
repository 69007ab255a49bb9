/** Test helpers: where a marked line is, and the problems a stack reports. */
import * as fs from "node:fs";
import * as path from "node:path";
import { ValidationError, type Stack } from "@berth/dsl";

/**
 * `file:line:` of the line of `file` that carries the comment `// <marker>` (or, when the
 * comment stands alone on its line, of the line after it: where the formatter keeps it), as
 * locations print it (relative to the working directory), so tests name lines, not line numbers.
 */
export function at(file: string, marker: string): string {
  const lines = fs.readFileSync(file, "utf8").split("\n");
  const index = lines.findIndex((l) => l.includes(`// ${marker}`) && !l.includes(`at(__filename, "${marker}")`));
  if (index < 0) throw new Error(`no line marked // ${marker} in ${file}`);
  const line = lines[index].trim() === `// ${marker}` ? index + 2 : index + 1;
  return `${path.relative(process.cwd(), file)}:${line}:`;
}

/** The lines of the ValidationError that `stack.toGraph()` throws (fails when it does not throw). */
export function problemLines(stack: Stack): string[] {
  try {
    stack.toGraph();
  } catch (e) {
    if (!ValidationError.isValidationError(e)) throw e;
    return e.message
      .split("\n")
      .slice(1)
      .map((l) => l.trim());
  }
  throw new Error(`expected stack "${stack.name}" to be invalid`);
}
