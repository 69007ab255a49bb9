/** A named volume: data that outlives containers. */
import type { JsonValue, VolumeSpec } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import type { SynthContext } from "./internal/member";
import { stringRecord } from "./internal/records";
import { Resource, resolveArgs } from "./internal/resource";
import type { Construct } from "./construct";
import type { ConstructOptions } from "./stack";

/** How a volume is made (or found, when external). */
export interface VolumeProps {
  /** Volume driver. @default "local" */
  readonly driver?: string;
  /** Driver-specific options, e.g. `{ type: "nfs", o: "addr=…" }`. @default {} */
  readonly driverOpts?: Readonly<Record<string, string>>;
  /** Volume labels. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** The volume exists outside the stack: Berth neither creates nor removes it. @default false */
  readonly external?: boolean;
  /** Engine name of an external volume. @default the logical name */
  readonly externalName?: string;
  /** Compose keys the DSL does not model, emitted verbatim. @default {} */
  readonly extra?: Readonly<Record<string, JsonValue>>;
}

export class Volume extends Resource {
  /** True when `x` is a Volume from any copy of this package. */
  static isVolume(x: unknown): x is Volume {
    return hasBrand(x, BRANDS.volume);
  }

  readonly props: VolumeProps;

  /**
   * Declares a named volume; mount it with `volumes: [{ source: volume, target: "/data" }]`.
   * Either `new Volume("name", props)` in the current stack or `new Volume(scope, "id", props)` under a stack or a component, named after its path (`blue-data`).
   */
  constructor(scopeOrName: Construct | string, idOrProps?: string | VolumeProps, propsOrOptions?: VolumeProps | ConstructOptions, options?: ConstructOptions) {
    // One signature, not two overloads: TypeScript then reports a wrong prop at the prop itself, not as "No overload matches".
    const resolved = resolveArgs<VolumeProps>([scopeOrName, idOrProps, propsOrOptions, options]);
    super("volume", resolved);
    this.props = resolved.props ?? ({} as VolumeProps);
    brand(this, BRANDS.volume);
  }

  /** @internal */
  _synth(_ctx: SynthContext): VolumeSpec {
    const p = this.props;
    return {
      name: this.name,
      location: this.location,
      driver: p.driver,
      driverOpts: stringRecord(p.driverOpts),
      labels: stringRecord(p.labels),
      external: p.external,
      externalName: p.externalName,
      extra: p.extra,
    };
  }
}
