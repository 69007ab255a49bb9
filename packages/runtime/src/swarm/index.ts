/** The Docker Swarm target: stack file synthesis, and observe → plan → execute against a swarm manager. */
export { synthSwarm, toSwarmModel, type SwarmStackFile, type SwarmSynthOptions } from "./synth";
export { swarmDiagnostics, type SwarmDiagnostic } from "./diagnostics";
export { StackLabels, contentHash8, versioned } from "./names";
export { resolveSwarm, type SwarmDesired, type SwarmDesiredService, type SwarmDesiredFile, type SwarmResolveOptions } from "./desired";
export { observeSwarm } from "./observe";
export { planSwarm, isEmptySwarmPlan } from "./plan";
export { formatSwarmPlan, summarizeSwarm, formatChange, type SwarmFormatOptions, type SwarmPlanSummary } from "./format";
export { executeSwarm, SwarmApplyError, type SwarmProgressEvent, type SwarmExecuteOptions } from "./apply";
export { waitForService, converged, ConvergeError, type WaitInput, type WaitOptions } from "./wait";
export { diffSwarm, applySwarm, destroySwarm, planSwarmDestroy, SwarmPlanBlockedError, type SwarmApplyOptions, type SwarmApplyOutcome } from "./deploy";
export { swarmPs, type SwarmStackStatus, type SwarmServiceRow, type SwarmTaskRow } from "./ps";
export { swarmImages, contentTag } from "./images";
export type * from "./types";
