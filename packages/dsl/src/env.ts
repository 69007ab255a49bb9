/**
 * `env("TAG", "1.0")`: an environment variable, read as compose reads one: the deployer's
 * environment, then the `.env` beside the stack file (the loader provides both through its
 * session; the DSL does no I/O). The value remembers its variable, so that
 * `sensitive(env("DB_PASSWORD"))` is synthesized as `${DB_PASSWORD:?set DB_PASSWORD}`.
 */
import { BerthError } from "./errors";
import { formatLocation } from "./graph";
import { captureLocation, constructorTrail } from "./internal/location";
import { currentSession } from "./internal/session";

/** Options of {@link env}. */
export interface EnvOptions {
  /** The value when the variable is unset or empty (compose's `${VAR:-default}`). @default none: an unset variable is an error */
  readonly default?: string;
  /**
   * The error message when the variable is unset or empty (compose's `${VAR:?message}`).
   * @default none: an unset variable is an error that says how to set it, an empty one is ""
   */
  readonly required?: string;
}

/** Thrown by {@link env} for a variable that is not set: at the user's line, with what to do. */
export class EnvError extends BerthError {}

function unset(name: string, required: string | undefined): EnvError {
  const where = formatLocation(captureLocation());
  const why = required !== undefined ? `${required}` : `set it in the environment or in the .env file beside the stack, or give a default: env("${name}", "…")`;
  return new EnvError(`${where}: environment variable ${name} is not set: ${why}${constructorTrail()}`);
}

/**
 * The value of the environment variable `name`: from the deployer's environment, else the
 * `.env` beside the stack file. `env("TAG", "1.0")` (or `{ default: "1.0" }`) falls back to
 * the default when it is unset or empty; without a default an unset variable is an error at
 * this line (`{ required: "message" }` words it, and rejects an empty value too).
 */
export function env(name: string, defaultOrOptions?: string | EnvOptions): string {
  const options: EnvOptions = typeof defaultOrOptions === "string" ? { default: defaultOrOptions } : (defaultOrOptions ?? {});
  const session = currentSession();
  const found = session.env(name);
  let value: string;
  if (found !== undefined && (found !== "" || (options.default === undefined && options.required === undefined))) value = found;
  else if (options.default !== undefined) value = options.default;
  else throw unset(name, options.required);
  session.reads.delete(value);
  session.reads.set(value, name);
  return value;
}
