/** `addDependency` on any construct → the dependencies of each service below it. */
import type { Construct } from "../construct";
import type { Service } from "../service";
import type { Dependency } from "../service-props";
import { BRANDS, hasBrand } from "./brand";

/** The services of `target`: itself when it is one, else every service below it. */
function servicesOf(target: Construct): Service[] {
  if (hasBrand(target, BRANDS.service)) return [target as Service];
  const below = typeof target?.descendants === "function" ? target.descendants() : [];
  return below.filter((c): c is Service => hasBrand(c, BRANDS.service));
}

/**
 * What `service` depends on through `addDependency`: its own calls, then those of each
 * component above it (innermost first). A component target stands for all of its services
 * (but not `service` itself); a target with no service is kept as given, so that validation
 * says what it got instead of a service.
 */
export function addedDependencies(service: Service): Dependency[] {
  const out: Dependency[] = [];
  for (let c: Construct | undefined = service; c !== undefined && c.scope !== undefined; c = c.scope) {
    for (const { target, condition } of c._dependencies) {
      const services = servicesOf(target);
      if (services.length === 0) out.push({ service: target as Service, condition });
      for (const s of services) if (s !== service || target === service) out.push({ service: s, condition });
    }
  }
  return out;
}
