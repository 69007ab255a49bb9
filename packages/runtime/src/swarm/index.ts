/** The Docker Swarm target: stack file synthesis, and its implementation of the target contract. */
export { synthSwarm, toSwarmModel, type SwarmStackFile, type SwarmSynthOptions } from "./synth";
export { contentHashes, readContent, type ContentSource } from "./contents";
export { swarmDiagnostics, type SwarmDiagnostic } from "./diagnostics";
export { resolveSwarm, type SwarmDesired, type SwarmDesiredService, type SwarmDesiredFile, type SwarmResolveOptions } from "./desired";
export { observeSwarm } from "./observe";
export { waitForService, converged, ConvergeError, type WaitInput, type WaitOptions } from "./wait";
export { type SwarmStackStatus, type SwarmServiceRow, type SwarmTaskRow } from "./ps";
export { contentTag } from "./images";
export type * from "./types";
