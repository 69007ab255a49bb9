/**
 * Loading dockerode costs ~0.1 s, more than all the engine calls of a no-op or a one-change apply
 * together: the adapter sends the JSON API over node's http and loads dockerode only for the
 * streams (logs, exec, pull, build). dockerode is mocked to throw here, so any call that loads it
 * fails.
 */
jest.mock("dockerode", () => {
  throw new Error("dockerode was loaded");
});

import { Labels } from "../src/labels";
import { createEngine } from "../src/engine";
import { observe } from "../src/compose/observe";
import { BUSYBOX, describeEngine, useEngine } from "./helpers/engine";

describe("dockerode loading", () => {
  it("is not loaded by importing the adapter or observe, nor by creating an engine", () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    expect(engine.endpoint).toBe("unix:///nonexistent/lazy.sock");
    expect(typeof observe).toBe("function");
  });

  it("is loaded by the first stream call (a pull)", async () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    await expect(engine.pullImage("127.0.0.1:9/none:1")).rejects.toThrow(/dockerode was loaded/);
  });
});

describeEngine("without dockerode", () => {
  const fx = useEngine();

  it("the list calls a plan starts with reach the real engine, so a no-op apply never pays for it", async () => {
    const engine = createEngine(); // DOCKER_HOST of the test engine; dockerode is mocked to throw above
    const [containers, networks, volumes, images] = await Promise.all([
      engine.listContainers({ all: true, labels: { "com.docker.compose.project": "berth-none-such" } }),
      engine.listNetworks({ names: ["bridge"] }),
      engine.listVolumes({ labels: { "com.docker.compose.project": "berth-none-such" } }),
      engine.listImages({ references: ["berth-test/busybox:1"] }),
    ]);
    expect(containers).toEqual([]);
    expect(networks.map((n) => n.name)).toEqual(["bridge"]);
    expect(volumes).toEqual([]);
    expect(images).toHaveLength(1);
  });

  it("every call an apply or a destroy makes works: networks, volumes, and a container's whole life", async () => {
    const { engine } = fx;
    const p = fx.project("lazy");
    const labels = { [Labels.project]: p };
    const net = await engine.createNetwork({ Name: `${p}_default`, Labels: labels });
    const vol = await engine.createVolume({ Name: `${p}_data`, Labels: labels });
    expect(vol).toEqual(expect.objectContaining({ name: `${p}_data`, labels }));
    const id = await engine.createContainer({
      name: `${p}-web-1`,
      Image: BUSYBOX,
      Cmd: ["sleep", "300"],
      Labels: labels,
      HostConfig: { Init: true, NetworkMode: `${p}_default` },
    });
    expect((await engine.inspectImage(BUSYBOX))?.id).toMatch(/^sha256:/);
    expect(await engine.inspectImage("berth-test/none-such:1")).toBeUndefined();
    await engine.startContainer(id);
    await engine.startContainer(id); // 304: already running is what was asked
    await engine.renameContainer(id, `${p}-web-old`);
    expect(await engine.inspectContainer(`${p}-web-old`)).toEqual(expect.objectContaining({ id, status: "running" }));
    expect(await engine.networkEndpoints(net)).toEqual([{ containerId: id, name: `${p}-web-old` }]);
    await engine.stopContainer(id, 1);
    expect((await engine.inspectContainer(id))?.status).toBe("exited");
    await engine.removeContainer(id, { force: true });
    expect(await engine.inspectContainer(id)).toBeUndefined();
    await engine.removeNetwork(net);
    await engine.removeVolume(vol.name);
    expect(await engine.listNetworks({ labels })).toEqual([]);
    expect(await engine.listVolumes({ labels })).toEqual([]);
    // an engine refusal keeps its status and the engine's own reason
    await expect(engine.removeContainer(id)).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringMatching(new RegExp(`^cannot remove container "${id}": No such container`)),
    });
  });

  it("fail with the engine's own message, naming the operation", async () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    await expect(engine.listContainers()).rejects.toThrow(/cannot list containers: the Docker engine at unix:\/\/\/nonexistent\/lazy.sock does not answer/);
  });
});
