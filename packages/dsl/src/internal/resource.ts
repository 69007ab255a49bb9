/** The common core of every construct that lives in a stack and becomes a graph entry. */
import { Construct } from "../construct";
import { BerthError, type ConstructKind } from "../errors";
import { formatLocation } from "../graph";
import { Stack, type ConstructOptions } from "../stack";
import { captureLocation } from "./location";
import type { StackMember, SynthContext } from "./member";
import { currentStack } from "./session";

/** A constructor's arguments in either form: `(name, props?, options?)` or `(scope, id, props?, options?)`. */
export type ResourceArgs<P> = readonly [string | Construct, (string | P)?, (P | ConstructOptions)?, ConstructOptions?];

/** The arguments of either form, told apart by the first one. */
export interface ResolvedArgs<P> {
  readonly scope: Construct;
  readonly id: string;
  readonly props: P | undefined;
  readonly options: ConstructOptions | undefined;
}

/**
 * The scope and id of `new X(scope, id, props, options)`, or of the sugar `new X(name, props,
 * options)`: the stack of `options`, else the current one (made implicitly when there is none).
 */
export function resolveArgs<P>(args: ResourceArgs<P>): ResolvedArgs<P> {
  const [first, second, third, fourth] = args;
  const usage = () =>
    new BerthError(
      `${formatLocation(captureLocation())}: expected new X("name", props, options?) or new X(scope, "id", props, options?), where scope is a Stack or a component (a Construct)`,
    );
  if (typeof first === "string") {
    if (fourth !== undefined) throw usage();
    const options = third as ConstructOptions | undefined;
    const scope = options?.stack ?? (currentStack((project) => Stack._implicit(project, captureLocation())) as Stack);
    return { scope, id: first, props: second as P | undefined, options };
  }
  if (!Construct.isConstruct(first) || typeof second !== "string") throw usage();
  return { scope: first, id: second, props: third as P | undefined, options: fourth };
}

export abstract class Resource extends Construct implements StackMember {
  /** Resources, and users' subclasses of them, are located at the first frame outside the DSL (see Construct). @internal */
  static readonly _locatedAtSuper = true;

  /** The logical name: the key in the graph and the compose file, unprefixed (the path below the stack, `blue-web`, unless named). */
  readonly name: string;
  /** @internal */
  readonly kind: ConstructKind;

  protected constructor(kind: ConstructKind, args: ResolvedArgs<unknown>) {
    super(args.scope, args.id);
    this.kind = kind;
    this.name = args.options?.name ?? this.path.join("-");
    this.stack._add(this);
  }

  /** Keeps JSON of props that hold constructs short (and acyclic): `{ kind, name }`. */
  toJSON(): { kind: ConstructKind; name: string } {
    return { kind: this.kind, name: this.name };
  }

  /** @internal */
  abstract _synth(ctx: SynthContext): object;
}
