/**
 * Where a construct sits in its tree (for messages), and the validations users add:
 * `addValidation` on one construct, `addRule` on every matching construct below one.
 */
import type { Construct, ValidationResult } from "../construct";
import type { ConstructRef, Enclosing, Problem } from "../errors";
import { formatLocation, type Graph } from "../graph";

/** The components `construct` was made in, innermost first (the stack is not one). */
export function enclosing(construct: Construct): Enclosing[] {
  const out: Enclosing[] = [];
  for (let c = construct.scope; c !== undefined && c.scope !== undefined; c = c.scope) {
    out.push({ type: c.constructor.name, name: c.path.join("-"), location: c.location });
  }
  return out;
}

/** How messages name a construct: a resource by kind and name, a component by its path. */
function refOf(construct: Construct): ConstructRef {
  const c = construct as Construct & Partial<ConstructRef>;
  if (c.scope === undefined) return { kind: "stack", name: (c as { name?: string }).name ?? c.id };
  if (c.kind !== undefined && c.name !== undefined) return { kind: c.kind, name: c.name };
  return { kind: "component", name: c.path.join("-") };
}

function messages(result: ValidationResult): string[] {
  if (result === undefined || result === null) return [];
  return typeof result === "string" ? [result] : [...result];
}

/** Every violation of the validations and rules added to the constructs of `stack`'s tree. */
export function checkPolicies(stack: Construct, graph: Graph): Problem[] {
  const problems: Problem[] = [];
  const visit = (construct: Construct, rules: readonly Construct["_validations"][number][]) => {
    const inScope = [...rules, ...construct._validations.filter((v) => v.subtree)];
    const own = construct._validations.filter((v) => !v.subtree);
    for (const v of [...own, ...inScope]) {
      if (!v.applies(construct)) continue;
      let found: string[];
      try {
        found = messages(v.check(construct, { graph }));
      } catch (err) {
        found = [`the check threw: ${err instanceof Error ? err.message : String(err)}`];
      }
      const within = enclosing(construct);
      const rule = v.subtree ? ` (rule at ${formatLocation(v.location)})` : "";
      for (const message of found) {
        problems.push({ message: message + rule, location: construct.location, construct: refOf(construct), ...(within.length > 0 ? { within } : {}) });
      }
    }
    for (const child of construct._children) visit(child, inScope);
  };
  visit(stack, []);
  return problems;
}
