/**
 * The runtime's errors. Every one is a {@link BerthError} (from `@berth/dsl`) whose `kind` says
 * whose it is to fix: `user` (exit 1 in the CLI), `engine` (exit 3), `internal` (exit 2). Wrap
 * lower-level errors at the boundary with `{ cause }` so the original stays readable.
 */
import { BerthError } from "@berth/dsl";

export { BerthError, errorKind, type BerthErrorOptions, type ErrorKind } from "@berth/dsl";

/** The stack file could not be found, compiled or run. The message points at the user's file:line:col. */
export class LoadError extends BerthError {}

/**
 * A package that an operation needs is not installed (TypeScript for `typecheck`, ts-morph for
 * `importCompose`: optional peer dependencies, left out of a default install). The message says
 * which and how to add it.
 */
export class MissingPackageError extends BerthError {
  /** The npm name of the missing package, e.g. `ts-morph`. */
  readonly packageName: string;
  /** `purpose` starts the message ("Type-checking a stack"); `range` is what to install ("28", or "latest" for any). */
  constructor(packageName: string, purpose: string, range: string) {
    const spec = range === "latest" ? packageName : `${packageName}@${range}`;
    super(`${purpose} needs the ${packageName} package, which is not installed: npm install --save-dev ${spec} (pnpm add -D ${spec})`);
    this.packageName = packageName;
  }
}
/** The stack cannot be written as the file asked for (e.g. two sensitive values would share one variable). */
export class SynthError extends BerthError {}
