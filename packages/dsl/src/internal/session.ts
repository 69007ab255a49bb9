/**
 * The load session: which stacks were made while a stack file ran, and which one a new
 * construct joins. Kept on `globalThis` under a `Symbol.for` key so that a second copy of
 * the package (loaded by the stack file) shares it with the copy the runtime uses.
 */
import type { SourceLocation } from "../graph";

/** The part of a Stack the session needs; any copy's Stack fits. */
export interface SessionStack {
  readonly name: string;
}

/** A context value: text from `--set`, or a scalar of the stage file. */
export type ContextValue = string | number | boolean;

export interface SessionOptions {
  /** Name of the implicit stack made when a construct appears before any `new Stack(…)`. */
  readonly defaultProject: string;
  /** Maps a captured location (e.g. in a bundle) back to the user's file, via source maps. */
  readonly mapLocation?: (loc: SourceLocation) => SourceLocation;
  /** The variables `env()` reads (the loader's: the deployer's environment, then the `.env` beside the stack). */
  readonly env?: (name: string) => string | undefined;
  /** The context values `context()` reads. */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /** The stage `stage()` names. */
  readonly stage?: string;
}

export interface Session {
  readonly defaultProject: string;
  readonly mapLocation?: (loc: SourceLocation) => SourceLocation;
  readonly env: (name: string) => string | undefined;
  /** The context values (none: empty). */
  readonly context: Readonly<Record<string, ContextValue>>;
  /** The stage, if one was chosen. */
  readonly stage?: string;
  /** What `env()` returned, value → variable (the latest read wins), so `sensitive(env("X"))` knows X. */
  readonly reads: Map<string, string>;
  /** Every value given to `sensitive()` since the session opened, also of constructs that never reach a graph. */
  readonly sensitive: Set<string>;
  /** Every stack made since the session opened, in creation order. */
  readonly stacks: SessionStack[];
  /** The stack new constructs join: the most recently made one. */
  current?: SessionStack;
}

const KEY = Symbol.for("@berth/dsl.session");

type Holder = { [KEY]?: Session };

/** Without a loader, `env()` reads the process's environment (no `.env`: the DSL does no I/O). */
function processEnv(name: string): string | undefined {
  return typeof process !== "undefined" ? process.env[name] : undefined;
}

function fresh(options: SessionOptions): Session {
  return {
    defaultProject: options.defaultProject,
    mapLocation: options.mapLocation,
    env: options.env ?? processEnv,
    context: { ...options.context },
    stage: options.stage,
    reads: new Map(),
    sensitive: new Set(),
    stacks: [],
  };
}

export function currentSession(): Session {
  const holder = globalThis as Holder;
  let session = holder[KEY];
  if (!session) {
    session = fresh({ defaultProject: "default" });
    holder[KEY] = session;
  }
  return session;
}

export function startSession(options: SessionOptions): void {
  (globalThis as Holder)[KEY] = fresh(options);
}

export function endSession(): SessionStack[] {
  const stacks = [...currentSession().stacks];
  startSession({ defaultProject: "default" });
  return stacks;
}

/** Records a new stack and makes it the current one. */
export function registerStack(stack: SessionStack): void {
  const session = currentSession();
  session.stacks.push(stack);
  session.current = stack;
}

/** The current stack, made with `create` (named after the default project) when there is none yet. */
export function currentStack<S extends SessionStack>(create: (name: string) => S): SessionStack {
  const session = currentSession();
  return session.current ?? create(session.defaultProject);
}
