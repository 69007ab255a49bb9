/** Graph-level validation: pure, so it serves graphs from any source (the DSL, an import, a test). */
import type { Problem } from "./errors";
import type { Graph } from "./graph";
import { checkComposeRules } from "./internal/rules-compose";
import { checkEntries, checkNames } from "./internal/rules";
import { checkCycles, checkPortConflicts, checkReferences } from "./internal/rules-links";
import { checkNetworkModes } from "./internal/network-mode";
import { checkVolumesFrom } from "./internal/volumes-from";

/**
 * Every problem of `graph`: invalid names, services with neither image nor build, bind
 * sources that are not paths, malformed values, dangling references, dependsOn cycles,
 * host ports published twice, and what compose would refuse that its schema cannot say
 * (one mount per container path, unique container names, host IPs, image references,
 * networkMode with networks or ports, volumesFrom naming its own or a missing service).
 * An empty list means valid.
 */
export function validateGraph(graph: Graph): Problem[] {
  return [
    ...checkNames(graph),
    ...checkEntries(graph),
    ...checkComposeRules(graph),
    ...checkReferences(graph),
    ...checkNetworkModes(graph),
    ...checkVolumesFrom(graph),
    ...checkCycles(graph),
    ...checkPortConflicts(graph),
  ];
}
