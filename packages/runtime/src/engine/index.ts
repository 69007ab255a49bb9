/** The Docker engine adapter: the only module of Berth that talks to dockerode. */
export { createEngine, type CreateEngineOptions } from "./docker-engine";
export { resolveConnection, DEFAULT_DOCKER_HOST, type Connection, type ConnectionEnv } from "./connection";
export { engineConnection, contextName, contextConnection, UnknownContextError, type ContextEnv } from "./context";
export { EngineError, isNotFound, isConflict, type EngineErrorOptions } from "./errors";
export { contextEntries } from "./build-context";
export { familiarImageReference, normalizeImageReference } from "./references";
export type * from "./types";
