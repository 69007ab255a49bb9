/**
 * Every label Berth reads or writes on the engine, in one place.
 *
 * Identity lives on the engine, not in a state file: the containers, networks and volumes
 * Berth makes carry compose's own labels, so `docker compose ps/logs/down` work on them and
 * a project started with compose can be taken over. Berth adds only what compose lacks
 * (the last-applied spec, so a preview can name each changed field without a state file).
 */
export const Labels = {
  /** Compose project name; the key every observe call filters on. */
  project: "com.docker.compose.project",
  /** Logical service name of a container. */
  service: "com.docker.compose.service",
  /** 1-based replica index of a container within its service. */
  containerNumber: "com.docker.compose.container-number",
  /** `"True"` for `run` containers, `"False"` otherwise (compose's capitalisation). */
  oneoff: "com.docker.compose.oneoff",
  /** Hash of the canonical service spec: a changed hash means recreate. */
  configHash: "com.docker.compose.config-hash",
  /** Folder of the stack file, as compose records its working directory. */
  workingDir: "com.docker.compose.project.working_dir",
  /** Stack/compose file(s) the project came from. */
  configFiles: "com.docker.compose.project.config_files",
  /** Version of the tool that made the object; compose 1.29 reads it. */
  version: "com.docker.compose.version",
  /** Image id the container was created from (compose v2 records it too). */
  image: "com.docker.compose.image",
  /** Dependencies with conditions, as compose v2 writes them. */
  dependsOn: "com.docker.compose.depends_on",
  /** Logical name of a network of the project. */
  network: "com.docker.compose.network",
  /** Logical name of a volume of the project. */
  volume: "com.docker.compose.volume",
  /** Berth's own: canonical JSON of the last-applied service spec (sensitive values hashed). */
  spec: "dev.berth.spec",
  /** Berth's own: which tool made the object (`berth <version>`). */
  managedBy: "dev.berth.managed-by",
} as const;

/** The compose version string written into `com.docker.compose.version`. */
export const COMPOSE_VERSION_LABEL_VALUE = "2.29.0";
