/**
 * The package's error taxonomy: validation collects every {@link Problem}, then throws one
 * {@link ValidationError} listing them all, each pointing at the user's `new …(…)` line.
 */
import { formatLocation, type JsonValue, type SourceLocation } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";

/** The kinds of construct a problem can be about. */
export type ConstructKind = "stack" | "service" | "network" | "volume" | "secret" | "config";

/** Names a construct in messages: `service "web"`. */
export interface ConstructRef {
  /** What sort of construct. */
  readonly kind: ConstructKind;
  /** Its logical name (for a stack: the project name). */
  readonly name: string;
}

/** One thing wrong with a stack. */
export interface Problem {
  /** What is wrong and what was expected, e.g. `host port 70000 is outside 0–65535`. */
  readonly message: string;
  /** The `new …(…)` that made the construct at fault. */
  readonly location: SourceLocation;
  /** The construct at fault. */
  readonly construct: ConstructRef;
  /** Where inside the construct's props, e.g. `ports[1]` or `healthcheck.interval`. @default absent: the construct as a whole */
  readonly path?: string;
  /** The offending value, as written (sensitive values are never put here). @default absent: no single value is at fault */
  readonly value?: JsonValue;
}

function formatValue(value: JsonValue): string {
  return typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/** `file:line:col: service "web": ports[1] "70000:80": host port 70000 is outside 0–65535`. */
export function formatProblem(problem: Problem): string {
  const parts = [formatLocation(problem.location), `${problem.construct.kind} "${problem.construct.name}"`];
  if (problem.path !== undefined) {
    parts.push(problem.value !== undefined ? `${problem.path} ${formatValue(problem.value)}` : problem.path);
  } else if (problem.value !== undefined) {
    parts.push(formatValue(problem.value));
  }
  parts.push(problem.message);
  return parts.join(": ");
}

/** Thrown by `stack.toGraph()` when the stack has problems; lists every one of them. */
export class ValidationError extends Error {
  /** True when `x` is a ValidationError from any copy of this package. */
  static isValidationError(x: unknown): x is ValidationError {
    return hasBrand(x, BRANDS.validationError);
  }

  /** Every problem found, in a stable order. */
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], subject?: string) {
    const head = `${problems.length} problem${problems.length === 1 ? "" : "s"}${subject ? ` in ${subject}` : ""}:`;
    super([head, ...problems.map((p) => `  ${formatProblem(p)}`)].join("\n"));
    this.name = "ValidationError";
    this.problems = problems;
    brand(this, BRANDS.validationError);
  }
}
