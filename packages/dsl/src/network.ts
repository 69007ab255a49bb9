/** A network services join to reach each other by name. */
import type { JsonValue, NetworkSpec } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import type { SynthContext } from "./internal/member";
import { Resource, resolveArgs } from "./internal/resource";
import { stringRecord } from "./internal/records";
import type { Construct } from "./construct";
import type { ConstructOptions } from "./stack";

/** One address pool of a network. */
export interface IpamPool {
  /** CIDR, e.g. `"172.28.0.0/16"`. @default chosen by the engine */
  readonly subnet?: string;
  /** Gateway address. @default the first address of the subnet */
  readonly gateway?: string;
  /** Range containers get addresses from. @default the whole subnet */
  readonly ipRange?: string;
}

/** How a network is made (or found, when external). */
export interface NetworkProps {
  /** Network driver: `"bridge"`, `"overlay"`, … @default "bridge" ("overlay" on Swarm) */
  readonly driver?: string;
  /** Driver-specific options. @default {} */
  readonly driverOpts?: Readonly<Record<string, string>>;
  /** Cut the network off from the outside world. @default false */
  readonly internal?: boolean;
  /** Let standalone containers attach (Swarm overlay networks). @default false */
  readonly attachable?: boolean;
  /** Enable IPv6. @default false */
  readonly enableIpv6?: boolean;
  /** Network labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** Address management. @default the driver's */
  readonly ipam?: {
    /** IPAM driver. @default "default" */
    readonly driver?: string;
    /** Subnets. @default one chosen by the engine */
    readonly config?: readonly IpamPool[];
  };
  /** The network exists outside the stack: Berth neither creates nor removes it. @default false */
  readonly external?: boolean;
  /** Engine name of an external network. @default the logical name */
  readonly externalName?: string;
  /** Compose keys the DSL does not model, emitted verbatim. @default {} */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

export class Network extends Resource {
  /** True when `x` is a Network from any copy of this package. */
  static isNetwork(x: unknown): x is Network {
    return hasBrand(x, BRANDS.network);
  }

  readonly props: NetworkProps;

  /**
   * Declares a network; its engine name is prefixed with the project (`blog_backend`) unless external.
   * Either `new Network("name", props)` in the current stack or `new Network(scope, "id", props)` under a stack or a component, named after its path (`blue-data`).
   */
  constructor(
    scopeOrName: Construct | string,
    idOrProps?: string | NetworkProps,
    propsOrOptions?: NetworkProps | ConstructOptions,
    options?: ConstructOptions,
  ) {
    // One signature, not two overloads: TypeScript then reports a wrong prop at the prop itself, not as "No overload matches".
    const resolved = resolveArgs<NetworkProps>([scopeOrName, idOrProps, propsOrOptions, options]);
    super("network", resolved);
    this.props = resolved.props ?? ({} as NetworkProps);
    brand(this, BRANDS.network);
  }

  /** @internal */
  _synth(_ctx: SynthContext): NetworkSpec {
    const p = this.props;
    return {
      name: this.name,
      location: this.location,
      driver: p.driver,
      driverOpts: stringRecord(p.driverOpts),
      internal: p.internal,
      attachable: p.attachable,
      enableIpv6: p.enableIpv6,
      labels: stringRecord(p.labels),
      ipam: p.ipam && { driver: p.ipam.driver, config: p.ipam.config?.map((c) => ({ ...c })) },
      external: p.external,
      externalName: p.externalName,
      extra: p.extra,
    };
  }
}
