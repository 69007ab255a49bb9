/** The real engine seen through the executor's and the lock's narrow ports. */
import type { ContainerCreateOptions, Engine, NetworkCreateOptions, VolumeCreateOptions } from "../engine/types";
import type { LockEngine } from "./lock";
import type { ApplyEngine } from "./ports";

export function applyPort(engine: Engine): ApplyEngine & LockEngine {
  return {
    endpoint: engine.endpoint,
    createNetwork: (body) => engine.createNetwork(body as unknown as NetworkCreateOptions),
    removeNetwork: (id) => engine.removeNetwork(id),
    connectNetwork: (net, id, endpoint) => engine.connectNetwork(net, id, endpoint),
    disconnectNetwork: (net, id, force) => engine.disconnectNetwork(net, id, force),
    networkEndpoints: (net) => engine.networkEndpoints(net),
    createVolume: async (body) => void (await engine.createVolume(body as unknown as VolumeCreateOptions)),
    removeVolume: (name) => engine.removeVolume(name),
    createContainer: (body) => engine.createContainer(body as unknown as ContainerCreateOptions),
    putArchive: (id, dir, tar) => engine.putArchive(id, dir, tar),
    startContainer: (id) => engine.startContainer(id),
    unpauseContainer: (id) => engine.unpauseContainer(id),
    stopContainer: (id, t) => engine.stopContainer(id, t),
    restartContainer: (id, t) => engine.restartContainer(id, t),
    removeContainer: (id, o) => engine.removeContainer(id, o),
    renameContainer: (id, name) => engine.renameContainer(id, name),
    inspectContainer: (id) => engine.inspectContainer(id),
    volumesLabelled: async (key, value) => (await engine.listVolumes({ labels: { [key]: value } })).map((v) => ({ name: v.name, labels: v.labels })),
  };
}
