/**
 * A stack is one compose project: the services, networks, volumes, secrets and configs
 * that are deployed, updated and removed together.
 */
import { Construct } from "./construct";
import type { Config, Secret } from "./file-resources";
import { ValidationError } from "./errors";
import type { Graph, SourceLocation } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import { buildGraph } from "./internal/build-graph";
import { locatedAt } from "./internal/location";
import type { StackMember } from "./internal/member";
import { registerStack } from "./internal/session";
import type { Network } from "./network";
import type { Service } from "./service";
import type { EnvironmentValue, ServiceProps } from "./service-props";
import type { Volume } from "./volume";

/** The optional last argument of every construct's constructor. */
export interface ConstructOptions {
  /** The stack to join, with the `new X("name", props)` form. @default the current stack: the most recent `new Stack(…)`, else an implicit one named after the project folder */
  readonly stack?: Stack;
  /** The logical name (graph key, compose name). @default the path of ids below the stack joined by "-": `blue-web` */
  readonly name?: string;
}

/** Options of a {@link Stack}. */
export interface StackProps {
  /**
   * Where `dsl synth/diff/apply/destroy/ps` deploy this stack when no `--target` is given:
   * a compose project on one engine, or a Docker Swarm stack (services with replicas and
   * rolling updates). `--target` on the command line wins.
   * @default "compose"
   */
  readonly target?: "compose" | "swarm";
  /** Labels on every service's containers; a service's own label of the same key wins. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Environment variables of every service; a service's own variable of the same name wins. @default {} */
  readonly environment?: Readonly<Record<string, EnvironmentValue>>;
  /** The restart policy of every service that sets none. @default "no" */
  readonly restart?: ServiceProps["restart"];
}

/** Any construct that becomes an entry of a stack's graph. */
export type StackResource = Service | Network | Volume | Secret | Config;

/** True while {@link Stack._implicit} runs. */
let makingImplicit = false;

export class Stack extends Construct {
  /** True when `x` is a Stack from any copy of this package. */
  static isStack(x: unknown): x is Stack {
    return hasBrand(x, BRANDS.stack);
  }

  /** Makes the stack a construct joins when no `new Stack(…)` came before it. @internal */
  static _implicit(name: string, location: SourceLocation): Stack {
    makingImplicit = true;
    try {
      return locatedAt(location, () => new Stack(name));
    } finally {
      makingImplicit = false;
    }
  }

  /** The compose project name (lowercase letters, digits, `_`, `-`). */
  readonly name: string;
  /** True when the stack was made implicitly by a construct, not by `new Stack(…)`. */
  readonly implicit: boolean;
  /** The default deploy target (see {@link StackProps.target}); undefined means compose. */
  readonly target?: "compose" | "swarm";
  /** The props as written: defaults for every service (see {@link StackProps}). */
  readonly props: StackProps;
  private readonly members: StackMember[] = [];

  /**
   * Makes a stack and makes it the current one: constructs created after it join it
   * unless they pass `{ stack }`.
   */
  constructor(name: string, props: StackProps = {}) {
    // The root of its tree: the only construct without a scope.
    super(undefined as unknown as Construct, name);
    this.name = name;
    this.props = props;
    if (props.target !== undefined) this.target = props.target;
    this.implicit = makingImplicit;
    brand(this, BRANDS.stack);
    registerStack(this);
  }

  /** Keeps JSON of values that hold a stack short (and acyclic). */
  override toJSON(): { kind: "stack"; name: string } {
    return { kind: "stack", name: this.name };
  }

  /** Adds a member; constructors call it. @internal */
  _add(member: StackMember): void {
    this.members.push(member);
  }

  /** Every construct of the stack, in creation order. */
  get constructs(): readonly StackResource[] {
    return [...this.members] as unknown as StackResource[];
  }

  /** The services, in creation order. */
  get services(): readonly Service[] {
    return this.members.filter((m) => m.kind === "service") as unknown as Service[];
  }

  /** The networks, in creation order. */
  get networks(): readonly Network[] {
    return this.members.filter((m) => m.kind === "network") as unknown as Network[];
  }

  /** The volumes, in creation order. */
  get volumes(): readonly Volume[] {
    return this.members.filter((m) => m.kind === "volume") as unknown as Volume[];
  }

  /** The secrets, in creation order. */
  get secrets(): readonly Secret[] {
    return this.members.filter((m) => m.kind === "secret") as unknown as Secret[];
  }

  /** The configs, in creation order. */
  get configs(): readonly Config[] {
    return this.members.filter((m) => m.kind === "config") as unknown as Config[];
  }

  /**
   * Builds the stack's {@link Graph} and validates it.
   * @throws ValidationError listing every problem, each at the user's `new …(…)` line.
   */
  toGraph(): Graph {
    const { graph, problems } = buildGraph(this, this.members);
    if (problems.length > 0) throw new ValidationError(problems, `stack "${this.name}"`);
    return graph;
  }
}
