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

export interface SessionOptions {
  /** Name of the implicit stack made when a construct appears before any `new Stack(…)`. */
  readonly defaultProject: string;
  /** Maps a captured location (e.g. in a bundle) back to the user's file, via source maps. */
  readonly mapLocation?: (loc: SourceLocation) => SourceLocation;
}

export interface Session {
  readonly defaultProject: string;
  readonly mapLocation?: (loc: SourceLocation) => SourceLocation;
  /** Every stack made since the session opened, in creation order. */
  readonly stacks: SessionStack[];
  /** The stack new constructs join: the most recently made one. */
  current?: SessionStack;
}

const KEY = Symbol.for("@berth/dsl.session");

type Holder = { [KEY]?: Session };

function fresh(options: SessionOptions): Session {
  return { defaultProject: options.defaultProject, mapLocation: options.mapLocation, stacks: [] };
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
