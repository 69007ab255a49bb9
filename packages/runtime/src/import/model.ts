/**
 * What import produces before any code exists: the constructs to declare, in order, with
 * their props as expressions. References are {@link Ref}s to another construct's variable.
 */
import type { Origins } from "./origins";

/** A reference to the variable of another construct (`dependsOn: [db]`). */
export class Ref {
  constructor(readonly ident: string) {}
}

/** A file mode, written in octal (`0o440`) as people write modes. */
export class Octal {
  constructor(readonly value: number) {}
}

/** One piece of an {@link EnvRead}: literal text, or a variable with compose's `:-` default or `:?` message. */
export type EnvPiece = string | { readonly name: string; readonly default?: string; readonly required?: string };

/** A string the compose file interpolated: written `env("TAG", "1.0")`, or a template literal around such reads. */
export class EnvRead {
  constructor(readonly pieces: readonly EnvPiece[]) {}
}

/** A value the stack marks `sensitive(…)`. */
export class SensitiveExpr {
  constructor(readonly value: string | number | EnvRead) {}
}

/** A TypeScript expression as data: literals, references, env reads, sensitive values, arrays and object literals. */
export type Expr = string | number | boolean | null | Ref | Octal | EnvRead | SensitiveExpr | readonly Expr[] | { readonly [key: string]: Expr };

export type ConstructKind = "network" | "volume" | "secret" | "config" | "service";

export interface ConstructDecl {
  readonly kind: ConstructKind;
  /** The compose name (the constructor's first argument). */
  readonly name: string;
  /** The variable it is declared as. */
  readonly ident: string;
  /** Its props; undefined when it has none. */
  readonly props?: { readonly [key: string]: Expr };
  /** True when another construct refers to it: only then is it bound to a `const`. */
  readonly referenced: boolean;
  /** A comment written above the declaration (e.g. why a key went to `extra`). */
  readonly comment?: string;
}

export interface StackModel {
  readonly project: string;
  /** In declaration order: every reference points at an earlier entry. */
  readonly constructs: readonly ConstructDecl[];
  /** Which variables the file's interpolated strings came from (see `origins.ts`). */
  readonly origins?: Origins;
}

/** The identifiers a compose value refers to (to order declarations). */
export function refsOf(expr: Expr | undefined, out: Set<string> = new Set()): Set<string> {
  if (expr instanceof Ref) out.add(expr.ident);
  else if (Array.isArray(expr)) for (const e of expr) refsOf(e as Expr, out);
  else if (expr !== null && typeof expr === "object") for (const v of Object.values(expr)) refsOf(v as Expr, out);
  return out;
}
