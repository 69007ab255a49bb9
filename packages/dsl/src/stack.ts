/**
 * A stack is one compose project: the services, networks, volumes, secrets and configs
 * that are deployed, updated and removed together.
 */
import type { Config, Secret } from "./file-resources";
import { ValidationError } from "./errors";
import type { Graph, SourceLocation } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import { buildGraph } from "./internal/build-graph";
import { captureLocation } from "./internal/location";
import type { StackMember } from "./internal/member";
import { registerStack } from "./internal/session";
import type { Network } from "./network";
import type { Service } from "./service";
import type { Volume } from "./volume";

/** The optional last argument of every construct's constructor. */
export interface ConstructOptions {
  /** The stack to join. @default the current stack: the most recent `new Stack(…)`, else an implicit one named after the project folder */
  readonly stack?: Stack;
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
}

/** Any construct a stack can hold. */
export type Construct = Service | Network | Volume | Secret | Config;

/** Set while {@link Stack._implicit} runs: an implicit stack is located at its first construct. */
let implicitLocation: SourceLocation | undefined;

export class Stack {
  /** True when `x` is a Stack from any copy of this package. */
  static isStack(x: unknown): x is Stack {
    return hasBrand(x, BRANDS.stack);
  }

  /** Makes the stack a construct joins when no `new Stack(…)` came before it. @internal */
  static _implicit(name: string, location: SourceLocation): Stack {
    implicitLocation = location;
    try {
      return new Stack(name);
    } finally {
      implicitLocation = undefined;
    }
  }

  /** The compose project name (lowercase letters, digits, `_`, `-`). */
  readonly name: string;
  /** Where the user wrote `new Stack(…)` (for an implicit stack: its first construct). */
  readonly location: SourceLocation;
  /** True when the stack was made implicitly by a construct, not by `new Stack(…)`. */
  readonly implicit: boolean;
  /** The default deploy target (see {@link StackProps.target}); undefined means compose. */
  readonly target?: "compose" | "swarm";
  private readonly members: StackMember[] = [];
  /** The props as written, checked when the graph is built. @internal */
  readonly _props: unknown;

  /**
   * Makes a stack and makes it the current one: constructs created after it join it
   * unless they pass `{ stack }`.
   */
  constructor(name: string, props: StackProps = {}) {
    this.name = name;
    this._props = props;
    if (props?.target !== undefined) this.target = props.target;
    this.implicit = implicitLocation !== undefined;
    this.location = implicitLocation ?? captureLocation();
    brand(this, BRANDS.stack);
    registerStack(this);
  }

  /** Keeps JSON of values that hold a stack short (and acyclic). */
  toJSON(): { kind: "stack"; name: string } {
    return { kind: "stack", name: this.name };
  }

  /** Adds a member; constructors call it. @internal */
  _add(member: StackMember): void {
    this.members.push(member);
  }

  /** Every construct of the stack, in creation order. */
  get constructs(): readonly Construct[] {
    return [...this.members] as unknown as Construct[];
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
