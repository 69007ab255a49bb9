/**
 * Every label Berth reads or writes on the engine, in one place.
 *
 * Identity lives on the engine, not in a state file: the containers, networks and volumes
 * Berth makes carry compose's own labels, so `docker compose ps/logs/down` work on them and
 * a project started with compose can be taken over; Swarm objects carry `docker stack`'s own.
 * Berth adds only what those lack: the last-applied spec (so a preview can name each changed
 * field without a state file), the format of what it wrote, and its lock's holder.
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
  /**
   * Berth's own: the format of Berth's labels on the object ({@link LABEL_FORMAT}). Absent on
   * objects made before it existed, which have format 1.
   */
  format: "dev.berth.format",
} as const;

/** The compose version string written into `com.docker.compose.version`. */
export const COMPOSE_VERSION_LABEL_VALUE = "2.29.0";

/**
 * The format of Berth's labels (`dev.berth.spec`'s JSON among them). Bump it on any change a
 * reader must know about; a plan refuses objects of a format newer than it understands.
 */
export const LABEL_FORMAT = 1;

/** Labels of the apply lock's volume (it carries no compose label, so observe never sees it as part of the project). */
export const LockLabels = {
  /** The project the lock is for. */
  project: "dev.berth.lock.project",
  /** Who holds it, for the person who waits: `dsl apply (pid 12 on host, since …)`. */
  holder: "dev.berth.lock.holder",
  /** The holder's process id: a holder on this host whose process is gone is stale. */
  pid: "dev.berth.lock.pid",
  /** The holder's host name. */
  host: "dev.berth.lock.host",
  /** When it was taken (ISO 8601), for the lock's age. */
  since: "dev.berth.lock.since",
} as const;

/**
 * Labels of a Swarm stack's objects, as `docker stack deploy` makes them, so that
 * `docker stack ps/services/rm <stack>` work on what Berth made and the other way round.
 */
export const StackLabels = {
  /** The stack a service, network, secret or config belongs to (`docker stack` filters on it). */
  namespace: "com.docker.stack.namespace",
  /** The image as the stack file names it (`docker stack deploy` writes it on each service). */
  image: "com.docker.stack.image",
  /** Berth's own: the view keys the last `dsl apply` wrote, so that removing an option is seen as a change. */
  fields: "dev.berth.swarm.fields",
  /** Berth's own: logical name of a versioned secret or config. */
  logical: "dev.berth.swarm.name",
} as const;
