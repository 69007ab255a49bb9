/**
 * The runtime's error taxonomy. Each error says whose fault it is: `userError` errors
 * (a bad stack file, a refused plan) exit 1 in the CLI; anything else is ours and exits 2.
 * Wrap lower-level errors at the boundary with `{ cause }` so the original stays readable.
 */

/** The stack file could not be found, compiled or run. The message points at the user's file:line:col. */
export class LoadError extends Error {
  readonly userError = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "LoadError";
  }
}

/**
 * A package that an operation needs is not installed (TypeScript for `typecheck`, ts-morph for
 * `importCompose`: optional peer dependencies, left out of a default install). The message says
 * which and how to add it.
 */
export class MissingPackageError extends Error {
  readonly userError = true;
  /** The npm name of the missing package, e.g. `ts-morph`. */
  readonly packageName: string;
  /** `purpose` starts the message ("Type-checking a stack"); `range` is what to install ("28", or "latest" for any). */
  constructor(packageName: string, purpose: string, range: string) {
    const spec = range === "latest" ? packageName : `${packageName}@${range}`;
    super(`${purpose} needs the ${packageName} package, which is not installed: npm install --save-dev ${spec} (pnpm add -D ${spec})`);
    this.name = "MissingPackageError";
    this.packageName = packageName;
  }
}

/** True when an error is the user's to fix (exit code 1), whichever package threw it. */
export function isUserError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { userError?: unknown; name?: unknown };
  return e.userError === true || e.name === "ValidationError";
}
