/**
 * Berth's error taxonomy. Every error Berth throws on purpose is a {@link BerthError} and says
 * whose it is to fix: the user's (a bad stack, a refused plan: the CLI exits 1), the engine's
 * (unreachable, or it refused an operation: exit 3), or Berth's own (a bug: exit 2). Anything
 * that is not a BerthError is treated as Berth's own bug.
 *
 * Validation collects every {@link Problem}, then throws one {@link ValidationError} listing
 * them all, each pointing at the user's `new …(…)` line.
 */
import { formatLocation, type JsonValue, type SourceLocation } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";

/** Whose an error is to fix: `user` (exit 1), `engine` (the Docker engine: exit 3), `internal` (a bug in Berth: exit 2). */
export type ErrorKind = "user" | "engine" | "internal";

/** Options of a {@link BerthError}. */
export interface BerthErrorOptions {
  /** Whose it is to fix. @default "user" */
  readonly kind?: ErrorKind;
  /** The lower-level error this one explains. @default none */
  readonly cause?: unknown;
}

/**
 * The base of every error Berth throws on purpose. Its message is written for the person who
 * reads it: what went wrong, where (the user's `file:line:col` when there is one) and what to do.
 */
export class BerthError extends Error {
  /** True when `x` is a BerthError from any copy of Berth (brands survive a second copy of the package). */
  static isBerthError(x: unknown): x is BerthError {
    return hasBrand(x, BRANDS.berthError);
  }

  /** Whose it is to fix. */
  readonly kind: ErrorKind;

  constructor(message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.kind = options.kind ?? "user";
    brand(this, BRANDS.berthError);
  }
}

/** The {@link ErrorKind} of any thrown value: a BerthError's own, `internal` for everything else. */
export function errorKind(err: unknown): ErrorKind {
  return BerthError.isBerthError(err) ? err.kind : "internal";
}

/** The kinds of construct a problem can be about. */
export type ConstructKind = "stack" | "service" | "network" | "volume" | "secret" | "config" | "component";

/** Names a construct in messages: `service "web"`. */
export interface ConstructRef {
  /** What sort of construct. */
  readonly kind: ConstructKind;
  /** Its logical name (for a stack: the project name). */
  readonly name: string;
}

/** A component a construct was made in, so that a message also names the user's `new WebApp(…)` line. */
export interface Enclosing {
  /** The component's class, e.g. `WebApp`. */
  readonly type: string;
  /** Its path below the stack, joined by "-", e.g. `blue`. */
  readonly name: string;
  /** Where the user made it (`new WebApp(stack, "blue", …)`). */
  readonly location: SourceLocation;
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
  /** The components the construct was made in, innermost first. @default absent: made in the stack itself */
  readonly within?: readonly Enclosing[];
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
  const within = (problem.within ?? []).map((c) => `; in ${c.type} "${c.name}" at ${formatLocation(c.location)}`);
  return parts.join(": ") + within.join("");
}

/** Thrown by `stack.toGraph()` when the stack has problems; lists every one of them. */
export class ValidationError extends BerthError {
  /** True when `x` is a ValidationError from any copy of this package. */
  static isValidationError(x: unknown): x is ValidationError {
    return hasBrand(x, BRANDS.validationError);
  }

  /** Every problem found, in a stable order. */
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[], subject?: string) {
    const head = `${problems.length} problem${problems.length === 1 ? "" : "s"}${subject ? ` in ${subject}` : ""}:`;
    super([head, ...problems.map((p) => `  ${formatProblem(p)}`)].join("\n"));
    this.problems = problems;
    brand(this, BRANDS.validationError);
  }
}
