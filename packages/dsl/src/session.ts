/**
 * The load session, for loaders (e.g. `@berth/runtime`'s `load`): open one before running
 * a stack file, close it after to collect the stacks the file made.
 */
import type { SourceLocation } from "./graph";
import { currentSession, endSession, startSession } from "./internal/session";
import type { Stack } from "./stack";

/** Options of {@link openSession}. */
export interface OpenSessionOptions {
  /** Name of the implicit stack made when a construct appears before any `new Stack(…)` (compose names it after the folder). */
  readonly defaultProject: string;
  /** Maps each captured location (e.g. in a bundle) back to the user's source, e.g. through source maps. @default locations as captured, relative to the working directory */
  readonly mapLocation?: (loc: SourceLocation) => SourceLocation;
  /**
   * Looks up the variables {@link env} reads: a loader passes the deployer's environment, then
   * the `.env` beside the stack file, as compose reads them. The DSL itself does no I/O.
   * @default the process's environment
   */
  readonly env?: (name: string) => string | undefined;
  /** The values {@link context} reads: `--set key=value` over the stage file's. @default none */
  readonly context?: Readonly<Record<string, string | number | boolean>>;
  /** The stage {@link stage} names (`--stage NAME`). @default none */
  readonly stage?: string;
}

/** Starts a fresh session, forgetting earlier stacks: constructs made from now on join its stacks. */
export function openSession(options: OpenSessionOptions): void {
  startSession(options);
}

/** Every stack made since {@link openSession}, in creation order; then resets to a default session (project "default"). */
export function closeSession(): Stack[] {
  return endSession() as Stack[];
}

/**
 * Every value given to `sensitive()` since {@link openSession}, as text, in first-seen order:
 * also those of constructs that failed validation or never joined a stack, so that a loader
 * can keep them out of every output even when loading fails. Call it before {@link closeSession}.
 */
export function sensitiveValues(): string[] {
  return [...currentSession().sensitive];
}
