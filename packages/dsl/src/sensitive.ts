/**
 * Marks a value as sensitive: it still reaches the container, but previews, logs, JSON
 * output and errors show `(sensitive)` instead.
 */
import { BRANDS, brand, hasBrand } from "./internal/brand";

/** A value wrapped by {@link sensitive}. */
export interface Sensitive {
  /** The real value; read it only to hand it to the engine. */
  readonly value: string | number | boolean;
}

/** Wraps `value` so that Berth never prints it: `environment: { DB_PASSWORD: sensitive(pw) }`. */
export function sensitive(value: string | number | boolean): Sensitive {
  const wrapped = { value };
  brand(wrapped, BRANDS.sensitive);
  Object.defineProperty(wrapped, "toJSON", { value: () => "(sensitive)", enumerable: false });
  Object.defineProperty(wrapped, "toString", { value: () => "(sensitive)", enumerable: false });
  return Object.freeze(wrapped);
}

/** True when `x` was made by {@link sensitive} (in any copy of this package). */
export function isSensitive(x: unknown): x is Sensitive {
  return hasBrand(x, BRANDS.sensitive);
}
