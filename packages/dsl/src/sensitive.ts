/**
 * Marks a value as sensitive: it still reaches the container, but previews, logs, JSON
 * output and errors show `(sensitive)` instead, and `dsl synth` writes a reference to an
 * environment variable (`${DB_PASSWORD:?set DB_PASSWORD}`) instead of the value.
 */
import { BRANDS, brand, hasBrand } from "./internal/brand";
import { currentSession } from "./internal/session";

/** A value wrapped by {@link sensitive}. */
export interface Sensitive {
  /** The real value; read it only to hand it to the engine. */
  readonly value: string | number | boolean;
  /**
   * The environment variable the value was read from with `env()` (`sensitive(env("DB_PASSWORD"))`),
   * so that `dsl synth` writes `${DB_PASSWORD:?set DB_PASSWORD}` for it.
   * @default absent: synth names the variable after the environment key the value is given to
   */
  readonly variable?: string;
}

/** Wraps `value` so that Berth never prints it: `environment: { DB_PASSWORD: sensitive(env("DB_PASSWORD")) }`. */
export function sensitive(value: string | number | boolean): Sensitive {
  const session = currentSession();
  const variable = typeof value === "string" ? session.reads.get(value) : undefined;
  const wrapped: { value: string | number | boolean; variable?: string } = { value };
  if (variable !== undefined) wrapped.variable = variable;
  session.sensitive.add(String(value));
  brand(wrapped, BRANDS.sensitive);
  Object.defineProperty(wrapped, "toJSON", { value: () => "(sensitive)", enumerable: false });
  Object.defineProperty(wrapped, "toString", { value: () => "(sensitive)", enumerable: false });
  return Object.freeze(wrapped);
}

/** True when `x` was made by {@link sensitive} (in any copy of this package). */
export function isSensitive(x: unknown): x is Sensitive {
  return hasBrand(x, BRANDS.sensitive);
}
