/**
 * Actions → steps, for every target: an action is a chain of steps, each after the one before;
 * its first step comes after the last step of every action the action comes after.
 */
import type { Action, ComposeOp, Step, SwarmOp } from "./types";

/** One step of an action's chain, before it gets its id and edges. */
export interface Link {
  readonly op: ComposeOp | SwarmOp;
  readonly undo?: ComposeOp | SwarmOp;
  readonly milestone?: string;
}

/** The chain's steps, with ids `<action>/<n>`, each after the one before; the first after `first`. */
export function chainSteps(action: string, chain: readonly Link[], first: readonly string[]): Step[] {
  return chain.map((link, i) => {
    const after = i === 0 ? [...first] : [`${action}/${i}`];
    return {
      ...link.op,
      id: `${action}/${i + 1}`,
      action,
      after,
      ...(link.undo ? { undo: link.undo } : {}),
      ...(link.milestone ? { milestone: link.milestone } : {}),
    } as Step;
  });
}

/** Every action's chain as steps, linked to the last steps of the actions it comes after. */
export function expandChains(actions: readonly Action[], chainOf: (a: Action) => readonly Link[]): Step[] {
  const chains = new Map(actions.map((a) => [a.id, chainOf(a)]));
  const last = (id: string) => {
    const n = chains.get(id)?.length ?? 0;
    return n ? [`${id}/${n}`] : [];
  };
  return actions.flatMap((a) => chainSteps(a.id, chains.get(a.id) ?? [], a.after.flatMap(last)));
}
