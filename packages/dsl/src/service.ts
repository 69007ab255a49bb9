/** A service: one or more containers run from the same image and settings. */
import type { ServiceSpec } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import type { SynthContext } from "./internal/member";
import { Resource, resolveArgs } from "./internal/resource";
import { serviceSpec } from "./internal/service-spec";
import { addedDependencies } from "./internal/dependencies";
import type { ServiceProps } from "./service-props";
import type { Construct } from "./construct";
import type { ConstructOptions, StackProps } from "./stack";

/** The service's props over the stack's defaults: labels and environment merged key by key (the service's own win), its restart policy else the stack's. */
function withStackDefaults(props: ServiceProps, stack: StackProps | undefined): ServiceProps {
  if (!stack || (stack.labels === undefined && stack.environment === undefined && stack.restart === undefined)) return props;
  const merged: { -readonly [K in keyof ServiceProps]: ServiceProps[K] } = { ...props };
  if (stack.labels !== undefined) merged.labels = { ...stack.labels, ...props.labels };
  if (stack.environment !== undefined) merged.environment = { ...stack.environment, ...props.environment };
  if (props.restart === undefined && stack.restart !== undefined) merged.restart = stack.restart;
  return merged;
}

export class Service extends Resource {
  /** True when `x` is a Service from any copy of this package. */
  static isService(x: unknown): x is Service {
    return hasBrand(x, BRANDS.service);
  }

  /** The props as written; normalized (and checked) when the stack builds its graph. */
  readonly props: ServiceProps;

  /**
   * Declares a service in the current stack (or `options.stack`):
   * `new Service("nginx", { image: "nginx:latest", ports: ["80:80"] })`; or under a scope (a stack
   * or a component), named after its path: `new Service(this, "db", {…})` in component "blue" is `blue-db`.
   * Malformed props do not throw here: `stack.toGraph()` reports them all at once.
   */
  constructor(
    scopeOrName: Construct | string,
    idOrProps?: string | ServiceProps,
    propsOrOptions?: ServiceProps | ConstructOptions,
    options?: ConstructOptions,
  ) {
    // One signature, not two overloads: TypeScript then reports a wrong prop at the prop itself, not as "No overload matches".
    const resolved = resolveArgs<ServiceProps>([scopeOrName, idOrProps, propsOrOptions, options]);
    super("service", resolved);
    this.props = resolved.props ?? ({} as ServiceProps);
    brand(this, BRANDS.service);
  }

  /** @internal */
  _synth(ctx: SynthContext): ServiceSpec {
    return serviceSpec(this.name, this.location, withStackDefaults(this.props, this.stack.props), addedDependencies(this), ctx);
  }
}
