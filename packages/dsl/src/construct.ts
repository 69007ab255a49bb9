/**
 * The construct tree: every construct has a scope (its parent) and an id that names it in that
 * scope; a {@link Stack} is the root. A user component is a subclass of `Construct` that
 * makes its constructs with `this` as their scope, so that it can be used twice: the engine
 * name of a service is its path below the stack (`blue-web`), never a global name.
 */
import type { DependencyCondition } from "./service-props";
import { BerthError } from "./errors";
import { formatLocation, type Graph, type SourceLocation } from "./graph";
import { BRANDS, brand, hasBrand, isStackClass } from "./internal/brand";
import { captureLocation, locatedAtSuper } from "./internal/location";
import type { Stack } from "./stack";

/** What a validation gets: the stack's graph, built and checked by the built-in rules. */
export interface ValidationContext {
  /** The whole stack's graph; find a service's entry with `graph.services[service.name]`. */
  readonly graph: Graph;
}

/** What a validation returns: a message per violation (none: valid). */
export type ValidationResult = string | readonly string[] | undefined | void;

/** A check of one construct, run when its stack builds its graph; each message is a problem at the construct's line. */
export type Validation<T extends Construct = Construct> = (construct: T, context: ValidationContext) => ValidationResult;

/** One dependency added with {@link Construct.addDependency}. @internal */
export interface AddedDependency {
  /** What to start first. */
  readonly target: Construct;
  /** What to wait for. */
  readonly condition: DependencyCondition;
}

/** A validation, a rule's test, and where it was added (so that a violation can name the rule). @internal */
export interface AddedValidation {
  /** Whether the check applies to a construct. */
  readonly applies: (construct: Construct) => boolean;
  /** The user's check. */
  readonly check: Validation;
  /** Where the user added it. */
  readonly location: SourceLocation;
  /** True for {@link Construct.addRule}: it applies to the whole subtree, not just the construct. */
  readonly subtree: boolean;
}

export class Construct {
  /** True when `x` is a construct (of any kind) from any copy of this package. */
  static isConstruct(x: unknown): x is Construct {
    return hasBrand(x, BRANDS.construct);
  }

  /**
   * Names the construct in its scope; the ids below the stack, joined by "-", name its engine
   * objects. Two graph entries of one kind with the same path are reported as duplicates.
   */
  readonly id: string;
  /** The parent; undefined only for a {@link Stack}, the root of its tree. */
  readonly scope?: Construct;
  /** The stack at the root of the tree (a stack's own is itself). */
  readonly stack: Stack;
  /**
   * Where the user wrote `new …(…)`. For a component (a subclass), the line that made the
   * component, not the `super(…)` call inside it, so that errors point at the user's use of it.
   */
  readonly location: SourceLocation;
  /** @internal */
  readonly _children: Construct[] = [];
  /** @internal */
  readonly _dependencies: AddedDependency[] = [];
  /** @internal */
  readonly _validations: AddedValidation[] = [];

  /**
   * Adds a construct to the tree under `scope`. A component calls `super(scope, id)`, then
   * makes its own constructs with `this` as their scope: `new Service(this, "db", {…})`.
   */
  constructor(scope: Construct, id: string) {
    this.id = id;
    // A component is located where the user made it; a resource (and a user's subclass of one) at its first frame outside the DSL.
    this.location = captureLocation(locatedAtSuper(new.target) ? undefined : new.target);
    brand(this, BRANDS.construct);
    const isRoot = isStackClass(new.target);
    if (!isRoot && (typeof id !== "string" || !Construct.isConstruct(scope))) {
      // Plain JavaScript (or an `as any`) can get here: say what was meant, at the user's line. (A bad name is the graph's to report.)
      throw new BerthError(
        `${formatLocation(this.location)}: expected new ${new.target.name}(scope, "id", …), where scope is a Stack or a component (a Construct)`,
      );
    }
    // Only a Stack has no scope: it is the root (see Stack's constructor).
    if (isRoot) {
      this.stack = this as unknown as Stack;
      return;
    }
    this.scope = scope;
    this.stack = scope.stack;
    scope._children.push(this);
  }

  /** The direct children, in creation order. */
  get children(): readonly Construct[] {
    return [...this._children];
  }

  /** The ids from below the stack down to this construct (`["blue", "web"]`; a stack's is empty). */
  get path(): readonly string[] {
    return this.scope === undefined ? [] : [...this.scope.path, this.id];
  }

  /** This construct and every construct below it, depth first in creation order. */
  descendants(): Construct[] {
    return [this, ...this._children.flatMap((c) => c.descendants())];
  }

  /**
   * Starts every service of `target` (a service, or every service below a component) before
   * every service of this construct, waiting for `condition`. On a component it applies to
   * all of its services; a component depending on a component is all of their services.
   */
  addDependency(target: Construct, condition: DependencyCondition = "started"): this {
    this._dependencies.push({ target, condition });
    return this;
  }

  /**
   * Adds a check of this construct, run by `stack.toGraph()` after the built-in rules: each
   * message it returns is a problem at this construct's line, like the built-in ones.
   */
  addValidation(check: Validation<this>): this {
    this._validations.push({ applies: (c) => c === this, check: check as Validation, location: captureLocation(), subtree: false });
    return this;
  }

  /**
   * Applies `check` to every construct below this one (itself included) for which `test` is
   * true, also to those made after this call: a team's rule for every construct of a kind,
   * e.g. `stack.addRule(Service.isService, (s) => …)` (what cdk calls an Aspect).
   */
  addRule<T extends Construct>(test: (construct: Construct) => construct is T, check: Validation<T>): this {
    this._validations.push({ applies: test, check: check as Validation, location: captureLocation(), subtree: true });
    return this;
  }

  /** Keeps JSON of values that hold a component short (and acyclic). */
  toJSON(): { kind: string; name: string } {
    return { kind: "component", name: this.path.join("-") };
  }
}
