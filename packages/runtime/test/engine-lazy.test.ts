/** Loading dockerode costs ~0.1 s: the adapter must not pay it before the first engine call. */
jest.mock("dockerode", () => {
  throw new Error("dockerode was loaded");
});

import { createEngine } from "../src/engine";
import { observe } from "../src/observe";
import { describeEngine } from "./helpers/engine";

describe("dockerode loading", () => {
  it("is not loaded by importing the adapter or observe, nor by creating an engine", () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    expect(engine.endpoint).toBe("unix:///nonexistent/lazy.sock");
    expect(typeof observe).toBe("function");
  });

  it("is loaded by the first engine call", async () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    await expect(engine.version()).rejects.toThrow(/dockerode was loaded/);
  });
});

describeEngine("the list calls a plan starts with", () => {
  it("reach the real engine without loading dockerode, so a no-op apply never pays for it", async () => {
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

  it("fail with the engine's own message, naming the operation", async () => {
    const engine = createEngine({ host: "unix:///nonexistent/lazy.sock" });
    await expect(engine.listContainers()).rejects.toThrow(/cannot list containers: the Docker engine at unix:\/\/\/nonexistent\/lazy.sock does not answer/);
  });
});
