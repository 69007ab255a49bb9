/**
 * `createEngine()`: the real {@link Engine}, backed by dockerode. Making one is free (no
 * dockerode load, no connection); the first call pays for both.
 */
import * as attach from "./attach";
import { Client } from "./client";
import { engineConnection, type ContextEnv } from "./context";
import * as containers from "./containers";
import * as images from "./images";
import * as nv from "./networks-volumes";
import * as swarm from "./swarm";
import type { Engine } from "./types";

export interface CreateEngineOptions {
  /** `unix:///path`, `tcp://host:port`, `ssh://user@host`. Default: the Docker context, else `$DOCKER_HOST`, else the local socket. */
  readonly host?: string;
  /** A Docker context (`docker context ls`), as `docker --context`. Default: `$DOCKER_CONTEXT`, else the configured one (unless DOCKER_HOST is set). */
  readonly context?: string;
  /** Where `DOCKER_HOST`, `DOCKER_TLS_VERIFY`, `DOCKER_CERT_PATH`, `DOCKER_CONTEXT` and `DOCKER_CONFIG` are read. Default `process.env`. */
  readonly env?: ContextEnv;
}

export function createEngine(options: CreateEngineOptions = {}): Engine {
  const c = new Client(engineConnection(options, options.env ?? process.env));
  return {
    endpoint: c.endpoint,
    version: async () => {
      const v = await c.send<{ Version: string; ApiVersion: string; Os: string; Arch: string }>("read the version of the engine at", c.endpoint, {
        method: "GET",
        path: "/version",
      });
      return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
    },
    listContainers: (o) => containers.listContainers(c, o),
    inspectContainer: (id) => containers.inspectContainer(c, id),
    createContainer: (o) => containers.createContainer(c, o),
    putArchive: (id, dir, tar) => containers.putArchive(c, id, dir, tar),
    startContainer: (id) => containers.startContainer(c, id),
    stopContainer: (id, t) => containers.stopContainer(c, id, t),
    restartContainer: (id, t) => containers.restartContainer(c, id, t),
    pauseContainer: (id) => containers.pauseContainer(c, id),
    unpauseContainer: (id) => containers.unpauseContainer(c, id),
    renameContainer: (id, name) => containers.renameContainer(c, id, name),
    removeContainer: (id, o) => containers.removeContainer(c, id, o),
    waitContainer: (id, cond) => containers.waitContainer(c, id, cond),
    containerLogs: (id, o) => containers.containerLogs(c, id, o),
    exec: (id, cmd, o) => containers.exec(c, id, cmd, o),
    execAttached: (id, cmd, o) => attach.execAttached(c, id, cmd, o),
    attachContainer: (id, o) => attach.attachContainer(c, id, o),
    killContainer: (id, signal) => attach.killContainer(c, id, signal),
    topContainer: (id, ps) => attach.topContainer(c, id, ps),
    events: (o) => attach.events(c, o),
    getArchive: (id, p) => attach.getArchive(c, id, p),
    listNetworks: (o) => nv.listNetworks(c, o),
    createNetwork: (o) => nv.createNetwork(c, o),
    removeNetwork: (id) => nv.removeNetwork(c, id),
    connectNetwork: (n, id, e) => nv.connectNetwork(c, n, id, e),
    disconnectNetwork: (n, id, f) => nv.disconnectNetwork(c, n, id, f),
    networkEndpoints: (n) => nv.networkEndpoints(c, n),
    listVolumes: (o) => nv.listVolumes(c, o),
    createVolume: (o) => nv.createVolume(c, o),
    removeVolume: (name, f) => nv.removeVolume(c, name, f),
    inspectImage: (ref) => images.inspectImage(c, ref),
    listImages: (o) => images.listImages(c, o),
    pullImage: (ref, o) => images.pullImage(c, ref, o),
    buildImage: (dir, o) => images.buildImage(c, dir, o),
    pushImage: (ref, o) => images.pushImage(c, ref, o),
    inspectSwarm: () => swarm.inspectSwarm(c),
    initSwarm: (o) => swarm.initSwarm(c, o),
    listNodes: () => swarm.listNodes(c),
    listServices: (o) => swarm.listServices(c, o),
    inspectService: (id) => swarm.inspectService(c, id),
    createService: (spec, auth) => swarm.createService(c, spec, auth),
    updateService: (id, version, spec, auth) => swarm.updateService(c, id, version, spec, auth),
    removeService: (id) => swarm.removeService(c, id),
    listTasks: (o) => swarm.listTasks(c, o),
    listSecrets: (o) => swarm.listSecrets(c, o),
    createSecret: (spec) => swarm.createSecret(c, spec),
    removeSecret: (id) => swarm.removeSecret(c, id),
    listConfigs: (o) => swarm.listConfigs(c, o),
    createConfig: (spec) => swarm.createConfig(c, spec),
    removeConfig: (id) => swarm.removeConfig(c, id),
    tagImage: (src, repo, tag) => swarm.tagImage(c, src, repo, tag),
  };
}
