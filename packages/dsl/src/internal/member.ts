/**
 * What a stack needs from its members to build a graph, kept structural so that members
 * made by another copy of the package still fit.
 */
import type { ConstructKind, Enclosing, Problem } from "../errors";
import type { JsonValue, SourceLocation } from "../graph";

/** The identity every construct in a stack has. */
export interface MemberIdentity {
  readonly kind: ConstructKind;
  readonly name: string;
  readonly location: SourceLocation;
  readonly stack: { readonly name: string };
}

/** A construct that belongs to a stack and can describe itself as a graph entry. */
export interface StackMember extends MemberIdentity {
  /** Builds the graph entry, reporting problems to `ctx`. @internal */
  _synth(ctx: SynthContext): object;
}

/** Collects the problems of one construct while its graph entry is built. */
export class SynthContext {
  readonly problems: Problem[] = [];
  /** Graph paths whose props path differs (a port range expands, a bad entry is left out): `ports[3]` → `ports[1]`. */
  readonly propsPaths = new Map<string, string>();

  constructor(
    readonly stack: { readonly name: string },
    readonly member: MemberIdentity,
    /** The components the member was made in, innermost first (empty: the stack itself). */
    readonly within: readonly Enclosing[] = [],
  ) {}

  /** Records a problem at the member's `new …(…)`. */
  report(message: string, path?: string, value?: JsonValue): void {
    const construct = { kind: this.member.kind, name: this.member.name };
    this.problems.push({ message, location: this.member.location, construct, path, value, ...this.placed() });
  }

  /** `within` for a problem of this member, absent when it was made in the stack itself. */
  placed(): { within?: readonly Enclosing[] } {
    return this.within.length > 0 ? { within: this.within } : {};
  }

  /** Records that the graph's `graphPath` came from the props' `propsPath`, so graph-level problems name what the user wrote. */
  mapPath(graphPath: string, propsPath: string): void {
    if (graphPath !== propsPath) this.propsPaths.set(graphPath, propsPath);
  }

  /** The props path a graph path came from (`ports[3].published` → `ports[1].published`). */
  propsPath(path: string): string {
    const m = /^([a-zA-Z]+\[\d+\])(.*)$/.exec(path);
    const mapped = m ? this.propsPaths.get(m[1]) : undefined;
    return m && mapped ? mapped + m[2] : path;
  }

  /**
   * The graph name of a referenced construct, or undefined (with a problem recorded) when
   * it belongs to another stack: a graph can only name its own entries.
   */
  ref(path: string, target: MemberIdentity): string | undefined {
    if (target.stack === this.stack) return target.name;
    const where = `${target.location.file}:${target.location.line}:${target.location.column}`;
    const hint = (target.stack as { implicit?: boolean }).implicit
      ? `; it was made before \`new Stack("${this.stack.name}")\` and so joined the implicit stack: create the Stack first`
      : "";
    this.report(
      `${target.kind} "${target.name}" belongs to stack "${target.stack.name}" (declared at ${where}); ` +
        `a service can only reference constructs of its own stack "${this.stack.name}"${hint}`,
      path,
    );
    return undefined;
  }
}
