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

/** True when an error is the user's to fix (exit code 1), whichever package threw it. */
export function isUserError(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { userError?: unknown; name?: unknown };
  return e.userError === true || e.name === "ValidationError";
}
