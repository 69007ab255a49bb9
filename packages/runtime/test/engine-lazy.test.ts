/** Loading dockerode costs ~0.1 s: the adapter must not pay it before the first engine call. */
jest.mock("dockerode", () => {
  throw new Error("dockerode was loaded");
});

import { createEngine } from "../src/engine";
import { observe } from "../src/observe";

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
