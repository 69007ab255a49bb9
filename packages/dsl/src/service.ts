/** A service: one or more containers run from the same image and settings. */
import type { ServiceSpec } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import type { SynthContext } from "./internal/member";
import { checkProps } from "./internal/check-props";
import { Resource } from "./internal/resource";
import { serviceSpec } from "./internal/service-spec";
import type { Dependency, DependencyCondition, ServiceProps } from "./service-props";
import type { ConstructOptions } from "./stack";

export class Service extends Resource {
  /** True when `x` is a Service from any copy of this package. */
  static isService(x: unknown): x is Service {
    return hasBrand(x, BRANDS.service);
  }

  /** The props as written; normalized (and checked) when the stack builds its graph. */
  readonly props: ServiceProps;
  private readonly addedDependencies: Dependency[] = [];

  /**
   * Declares a service in the current stack (or `options.stack`):
   * `new Service("nginx", { image: "nginx:latest", ports: ["80:80"] })`.
   * Malformed props do not throw here: `stack.toGraph()` reports them all at once.
   */
  constructor(name: string, props: ServiceProps = {}, options?: ConstructOptions) {
    super("service", name, options);
    this.props = props;
    brand(this, BRANDS.service);
  }

  /**
   * Starts `service` before this one (and waits for `condition`), for dependencies that
   * cannot be passed to the constructor, e.g. because the other service is made later.
   */
  addDependency(service: Service, condition: DependencyCondition = "started"): this {
    this.addedDependencies.push({ service, condition });
    return this;
  }

  /** @internal */
  _synth(ctx: SynthContext): ServiceSpec {
    const props = checkProps<ServiceProps>("service", this.props, ctx);
    return serviceSpec(this.name, this.location, props, this.addedDependencies, ctx);
  }
}
