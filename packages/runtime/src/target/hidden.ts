/**
 * Sensitive values inside plans, kept out of every serialization by construction.
 *
 * A plan step that must send a sensitive value to the engine (an environment variable wrapped
 * in `sensitive()`, a secret's content) holds a {@link Hidden}: its value lives in a private
 * field, and its JSON form is a reference with a digest (`{ "sensitive": "service web:
 * environment.DB_PASSWORD", "digest": "sha256:…" }`). So `--json`, a saved plan file, a log line
 * or an error that prints a plan can never carry the value. A plan read back from a file holds
 * the references only; {@link restoreHidden} puts the values back from the stack (checking that
 * each digest still matches) before the plan can be executed.
 */
import { BerthError } from "@berth/dsl";
import { maskValue } from "../internal/hash";

/** The JSON form of a sensitive value: what it is and a digest of it, never the value. */
export interface HiddenRef {
  /** What the value is, e.g. `service web: environment.DB_PASSWORD` or `secret api_key`. */
  readonly sensitive: string;
  /** {@link maskValue} of the value: changes when the value does. */
  readonly digest: string;
}

const HIDDEN = Symbol.for("@berth/runtime.Hidden");

/** A sensitive value: `reveal()` gives it to the one engine call that needs it; JSON shows a {@link HiddenRef}. */
export class Hidden {
  /** True for a Hidden from any copy of the runtime. */
  static isHidden(x: unknown): x is Hidden {
    return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[HIDDEN] === true;
  }

  readonly #value: string;
  /** What the value is (see {@link HiddenRef.sensitive}). */
  readonly ref: string;
  /** {@link maskValue} of the value. */
  readonly digest: string;

  constructor(ref: string, value: string) {
    this.ref = ref;
    this.#value = value;
    this.digest = maskValue(value);
    Object.defineProperty(this, HIDDEN, { value: true });
  }

  /** The value, for the engine call that needs it. Never print it. */
  reveal(): string {
    return this.#value;
  }

  toJSON(): HiddenRef {
    return { sensitive: this.ref, digest: this.digest };
  }

  /** What `console.log`, `util.inspect` and string conversion show. */
  toString(): string {
    return `(sensitive: ${this.ref})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }
}

/** A value that may still be a bare reference (a plan read from a file whose values were not restored yet). */
export type HiddenValue = Hidden | HiddenRef;

/** True for the JSON form of a Hidden. */
export function isHiddenRef(x: unknown): x is HiddenRef {
  return (
    typeof x === "object" && x !== null && !Hidden.isHidden(x) && typeof (x as HiddenRef).sensitive === "string" && typeof (x as HiddenRef).digest === "string"
  );
}

/** The value of a restored Hidden; a bare reference means the plan's values were not restored (a bug in the caller). */
export function reveal(v: HiddenValue): string {
  if (Hidden.isHidden(v)) return v.reveal();
  throw new BerthError(`the plan holds a reference to ${v.sensitive}, not its value: it must be restored from the stack before it is applied`, {
    kind: "internal",
  });
}

/** Every bare reference in `value` (a plan read from a file), in order of appearance. */
export function hiddenRefs(value: unknown): HiddenRef[] {
  const out: HiddenRef[] = [];
  const walk = (v: unknown): void => {
    if (isHiddenRef(v)) out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object" && !Hidden.isHidden(v)) Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/** Every Hidden in `value`, by its ref. */
export function hiddenValues(value: unknown): Map<string, Hidden> {
  const out = new Map<string, Hidden>();
  const walk = (v: unknown): void => {
    if (Hidden.isHidden(v)) out.set(v.ref, v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === "object") Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

/**
 * `value` with each bare reference replaced by the Hidden of the same ref from `values`.
 * A missing value or a digest that no longer matches is a user error naming it: the stack's
 * sensitive value changed since the plan was saved, so the plan is no longer the one reviewed.
 */
export function restoreHidden<T>(value: T, values: ReadonlyMap<string, Hidden>): T {
  const walk = (v: unknown): unknown => {
    if (isHiddenRef(v)) {
      const found = values.get(v.sensitive);
      if (!found) throw new BerthError(`the saved plan needs the sensitive value ${v.sensitive}, which the stack no longer has: make a new plan`);
      if (found.digest !== v.digest) throw new BerthError(`the sensitive value ${v.sensitive} changed since the plan was saved: make a new plan`);
      return found;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === "object" && !Hidden.isHidden(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
