/** The engine operations the executor needs: a narrow port, so the executor runs against a fake in unit tests. */
import type { ContainerCreateBody } from "./container-config";

export interface ContainerStateView {
  readonly id: string;
  readonly name: string;
  /** created | running | paused | restarting | removing | exited | dead */
  readonly status: string;
  readonly exitCode: number;
  readonly health?: string;
  /** Last healthcheck output, for error messages. */
  readonly healthLog?: string;
  readonly error?: string;
}

export interface ApplyEngine {
  readonly endpoint: string;
  createNetwork(body: Record<string, unknown>): Promise<string>;
  removeNetwork(idOrName: string): Promise<void>;
  connectNetwork(network: string, container: string, endpoint: Record<string, unknown>): Promise<void>;
  /** With `force`, also an endpoint whose container is gone (by the endpoint's name). */
  disconnectNetwork(network: string, container: string, force: boolean): Promise<void>;
  /** Undefined when there is no such network. */
  networkEndpoints(network: string): Promise<readonly { readonly containerId: string; readonly name: string }[] | undefined>;
  createVolume(body: Record<string, unknown>): Promise<void>;
  removeVolume(name: string): Promise<void>;
  createContainer(body: ContainerCreateBody): Promise<string>;
  /** Extracts a tar archive into a created container at `dir`. */
  putArchive(id: string, dir: string, tar: Buffer): Promise<void>;
  startContainer(id: string): Promise<void>;
  unpauseContainer(id: string): Promise<void>;
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  restartContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string, options: { force: boolean; volumes?: boolean }): Promise<void>;
  renameContainer(id: string, name: string): Promise<void>;
  /** Undefined when no such container. */
  inspectContainer(idOrName: string): Promise<ContainerStateView | undefined>;
}
