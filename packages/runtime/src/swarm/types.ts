/** What a Swarm plan is made from: one snapshot of the engine, as far as one stack is concerned. */
import type { NetworkSummary, SwarmFileObject, SwarmInfo, SwarmService } from "../engine/types";

export interface SwarmObserved {
  readonly stack: string;
  readonly endpoint: string;
  /** Undefined when the engine is not a swarm manager. */
  readonly swarm?: SwarmInfo;
  /** Services labelled with the stack (`com.docker.stack.namespace`). */
  readonly services: readonly SwarmService[];
  /** Names of every other service: a name Berth wants that is taken by one of them is a clash. */
  readonly foreignServices: readonly string[];
  /** Every network of the engine (external ones are looked up by name, ids are mapped back to names). */
  readonly networks: readonly NetworkSummary[];
  readonly secrets: readonly SwarmFileObject[];
  readonly configs: readonly SwarmFileObject[];
}
