/**
 * The runtime's errors. Every one is a {@link BerthError} (from `@berth/dsl`) whose `kind` says
 * whose it is to fix: `user` (exit 1 in the CLI), `engine` (exit 3), `internal` (exit 2). Wrap
 * lower-level errors at the boundary with `{ cause }` so the original stays readable.
 */
import { BerthError } from "@berth/dsl";

export { BerthError, errorKind, type BerthErrorOptions, type ErrorKind } from "@berth/dsl";

/** The stack file could not be found, compiled or run. The message points at the user's file:line:col. */
export class LoadError extends BerthError {}

/** The stack cannot be written as the file asked for (e.g. two sensitive values would share one variable). */
export class SynthError extends BerthError {}
