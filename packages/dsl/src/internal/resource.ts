/** The common core of every construct that lives in a stack. */
import type { ConstructKind } from "../errors";
import type { SourceLocation } from "../graph";
import { Stack, type ConstructOptions } from "../stack";
import { captureSite } from "./location";
import type { StackMember, SynthContext } from "./member";
import { currentStack } from "./session";

export abstract class Resource implements StackMember {
  /** The logical name: the key in the graph and the compose file, unprefixed. */
  readonly name: string;
  /** Where the user wrote `new …(…)`. */
  readonly location: SourceLocation;
  /** When made in a helper file: the calls in other files that led here (`stack.ts:5:1`), innermost first. @internal */
  readonly callers: readonly SourceLocation[];
  /** The stack this construct belongs to. */
  readonly stack: Stack;
  /** @internal */
  readonly kind: ConstructKind;

  protected constructor(kind: ConstructKind, name: string, options?: ConstructOptions) {
    this.kind = kind;
    this.name = name;
    const site = captureSite();
    this.location = site.location;
    this.callers = site.callers;
    const location = this.location;
    this.stack = options?.stack ?? (currentStack((project) => Stack._implicit(project, location)) as Stack);
    this.stack._add(this);
  }

  /** Keeps JSON of props that hold constructs short (and acyclic): `{ kind, name }`. */
  toJSON(): { kind: ConstructKind; name: string } {
    return { kind: this.kind, name: this.name };
  }

  /** @internal */
  abstract _synth(ctx: SynthContext): object;
}
