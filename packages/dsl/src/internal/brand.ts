/**
 * Brands identify constructs across copies of this package: a stack file may load a
 * second copy of `@berth/dsl`, whose classes are different objects, so `instanceof`
 * would lie. `Symbol.for` keys live in the global symbol registry and are shared.
 */
export const BRANDS = {
  construct: Symbol.for("@berth/dsl.Construct"),
  stack: Symbol.for("@berth/dsl.Stack"),
  service: Symbol.for("@berth/dsl.Service"),
  network: Symbol.for("@berth/dsl.Network"),
  volume: Symbol.for("@berth/dsl.Volume"),
  secret: Symbol.for("@berth/dsl.Secret"),
  config: Symbol.for("@berth/dsl.Config"),
  sensitive: Symbol.for("@berth/dsl.Sensitive"),
  validationError: Symbol.for("@berth/dsl.ValidationError"),
  berthError: Symbol.for("@berth/dsl.BerthError"),
} as const;

/** Marks `target` with `brand` (non-enumerable, so it never leaks into JSON or spreads). */
export function brand(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true, enumerable: false });
}

/** True when `x` carries `brand`, whichever copy of the package made it. */
export function hasBrand(x: unknown, key: symbol): boolean {
  return typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[key] === true;
}

/** True for the Stack class (of any copy of the package) and its subclasses: the roots of construct trees. */
export function isStackClass(cls: unknown): boolean {
  return typeof (cls as { isStack?: unknown } | undefined)?.isStack === "function";
}
