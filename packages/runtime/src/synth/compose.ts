/**
 * Graph → docker-compose file.
 *
 * {@link toComposeModel} is the whole mapping, as plain data; {@link synth} only adds the
 * project comment and serializes it (see `yaml.ts` for the quoting rule). Both are pure and
 * deterministic: entries are sorted by name, keys are written in a fixed order, so the same
 * graph gives byte-identical text whatever order its maps were built in.
 *
 * The output targets the compose specification and also Debian's docker-compose 1.29 where
 * the two agree. Hence no `version:` key, and no top-level `name:` (1.29 rejects it): the
 * project name goes in a leading comment and the CLI passes `-p`.
 */
import type { Graph } from "@berth/dsl";
import { config, network, secret, volume } from "./resources";
import { envFileOf, sensitiveConfig, sensitiveService, sensitiveVariables, type SynthOptions } from "./sensitive";
import { service } from "./service";
import type { ComposeFile } from "./types";
import { compact, nonEmpty, sortedRecord } from "./util";
import { toYaml } from "./yaml";

/**
 * The compose file for `graph` as plain data (before YAML): for tests and other synthesizers.
 * Sensitive values are references unless `options.sensitive` says otherwise (see `sensitive.ts`).
 */
export function toComposeModel(graph: Graph, options: SynthOptions = {}): ComposeFile {
  const mode = options.sensitive ?? "reference";
  if (mode === "reference") sensitiveVariables(graph); // one value per variable, or a user error
  const envFiles = typeof mode === "object" ? envFileOf(graph, mode.envFile) : undefined;
  return compact({
    services: sortedRecord(graph.services, (s, name) => sensitiveService(service(s), s, mode, envFiles?.get(name))) ?? {},
    networks: nonEmpty(sortedRecord(graph.networks, network)),
    volumes: nonEmpty(sortedRecord(graph.volumes, volume)),
    secrets: nonEmpty(sortedRecord(graph.secrets, secret)),
    configs: nonEmpty(sortedRecord(graph.configs, (c) => sensitiveConfig(config(c), c, mode))),
  });
}

/** The project comment; the name is single-lined so that it cannot break out of the comment. */
function header(project: string): string {
  return `# project: ${project.replace(/[\r\n\u0085\u2028\u2029]+/g, " ")}\n`;
}

/**
 * docker-compose YAML for `graph`, readable by compose v2 and by docker-compose 1.29 (YAML 1.1).
 * Sensitive values are written as `options.sensitive` says; by default as `${VAR:?set VAR}`.
 */
export function synth(graph: Graph, options: SynthOptions = {}): string {
  return header(graph.project) + toYaml(toComposeModel(graph, options));
}
