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
import { service } from "./service";
import type { ComposeFile } from "./types";
import { compact, nonEmpty, sortedRecord } from "./util";
import { toYaml } from "./yaml";

/** The compose file for `graph` as plain data (before YAML): for tests and other synthesizers. */
export function toComposeModel(graph: Graph): ComposeFile {
  return compact({
    services: sortedRecord(graph.services, service) ?? {},
    networks: nonEmpty(sortedRecord(graph.networks, network)),
    volumes: nonEmpty(sortedRecord(graph.volumes, volume)),
    secrets: nonEmpty(sortedRecord(graph.secrets, secret)),
    configs: nonEmpty(sortedRecord(graph.configs, config)),
  });
}

/** The project comment; the name is single-lined so that it cannot break out of the comment. */
function header(project: string): string {
  return `# project: ${project.replace(/[\r\n\u0085\u2028\u2029]+/g, " ")}\n`;
}

/** docker-compose YAML for `graph`, readable by compose v2 and by docker-compose 1.29 (YAML 1.1). */
export function synth(graph: Graph): string {
  return header(graph.project) + toYaml(toComposeModel(graph));
}
