/** The engine adapter's pure parts: connection strings, stream framing, and answer conversion. No engine needed. */
import { Readable } from "node:stream";
import { EngineError, isNotFound, resolveConnection, type LogChunk } from "../src/engine";
import { exactNameFilter, healthFromStatus, labelFilter, toContainerSummary } from "../src/engine/convert";
import { wrapEngineError } from "../src/engine/errors";
import { demux, readProgress } from "../src/engine/streams";

function frame(type: number, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

async function chunks(source: Readable): Promise<string[]> {
  const out: string[] = [];
  for await (const c of demux(source, false)) out.push(`${(c as LogChunk).stream}:${(c as LogChunk).data.toString()}`);
  return out;
}

describe("resolveConnection", () => {
  it.each([
    [undefined, {}, "unix:///var/run/docker.sock", { socketPath: "/var/run/docker.sock" }],
    [undefined, { DOCKER_HOST: "unix:///run/berth/docker.sock" }, "unix:///run/berth/docker.sock", { socketPath: "/run/berth/docker.sock" }],
    ["/tmp/d.sock", {}, "unix:///tmp/d.sock", { socketPath: "/tmp/d.sock" }],
    [undefined, { DOCKER_HOST: "tcp://127.0.0.1:2375" }, "tcp://127.0.0.1:2375", { host: "127.0.0.1", port: "2375", protocol: "http" }],
    ["tcp://docker.internal", {}, "tcp://docker.internal:2375", { host: "docker.internal", port: "2375", protocol: "http" }],
    ["ssh://me@build-box", {}, "ssh://me@build-box:22", { protocol: "ssh", host: "build-box", port: "22", username: "me" }],
  ])("resolves %s with %j to %s", (host, env, endpoint, options) => {
    const c = resolveConnection(host, env);
    expect(c.endpoint).toBe(endpoint);
    expect(c.options).toMatchObject(options);
  });

  it("prefers an explicit host over DOCKER_HOST, and names a bad one", () => {
    expect(resolveConnection("unix:///a.sock", { DOCKER_HOST: "tcp://b:1" }).endpoint).toBe("unix:///a.sock");
    expect(() => resolveConnection("ftp://x", {})).toThrow(/invalid Docker host "ftp:\/\/x": expected unix:\/\/\/path/);
  });

  it("reads TLS certificates when DOCKER_TLS_VERIFY is set, and says which file is missing", () => {
    expect(() => resolveConnection("tcp://h:2376", { DOCKER_TLS_VERIFY: "1", DOCKER_CERT_PATH: "/nonexistent" })).toThrow(
      /cannot read the TLS ca\.pem .* from \/nonexistent/,
    );
  });
});

describe("stream framing", () => {
  it("demultiplexes stdout and stderr frames, whatever the chunk boundaries", async () => {
    const bytes = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n"), frame(1, "bye\n")]);
    const pieces = [bytes.subarray(0, 3), bytes.subarray(3, 11), bytes.subarray(11, 20), bytes.subarray(20)];
    expect(await chunks(Readable.from(pieces))).toEqual(["stdout:hello\n", "stderr:oops\n", "stdout:bye\n"]);
  });

  it("passes TTY output through as stdout", async () => {
    const out: string[] = [];
    for await (const c of demux(Buffer.from("\x01raw tty bytes"), true)) out.push(`${(c as LogChunk).stream}:${(c as LogChunk).data.toString()}`);
    expect(out).toEqual(["stdout:\x01raw tty bytes"]);
  });

  it("reads a progress stream to its end, and fails on the first error event with its message", async () => {
    const events: unknown[] = [];
    const ok = Readable.from([
      '{"status":"Pulling fs layer","id":"a1"}\r\n{"status":"Downloading","id":"a1","progressDetail":{"current":5,"total":10}}\n',
      '{"aux":{"ID":"sha256:ff"}}\n',
    ]);
    expect(await readProgress(ok, (e) => events.push(e))).toEqual({ auxIds: ["sha256:ff"], lastLines: [] });
    expect(events[1]).toEqual({ id: "a1", status: "Downloading", current: 5, total: 10 });

    const bad = Readable.from(['{"stream":"Step 1/2 : RUN false\\n"}\n{"errorDetail":{"message":"boom"},"error":"boom"}\n']);
    await expect(readProgress(bad)).rejects.toMatchObject({ message: "boom", lastLines: ["Step 1/2 : RUN false"] });
  });
});

describe("engine answers", () => {
  it("reads health from the status text, and filters labels and names exactly", () => {
    expect(healthFromStatus("Up 3 minutes (healthy)")).toBe("healthy");
    expect(healthFromStatus("Up 2 seconds (health: starting)")).toBe("starting");
    expect(healthFromStatus("Up 1 hour (unhealthy)")).toBe("unhealthy");
    expect(healthFromStatus("Exited (0) 1 minute ago")).toBeUndefined();
    expect(labelFilter({ b: "2", a: true })).toEqual(["a", "b=2"]);
    expect(exactNameFilter(["blog-web-1", "a.b"], true)).toEqual(["^/?blog-web-1$", "^/?a\\.b$"]);
  });

  it("takes a container's own name, not a link alias, and sorts its networks", () => {
    const c = toContainerSummary({
      Id: "x",
      Names: ["/other/alias", "/blog-web-1"],
      Image: "nginx",
      ImageID: "sha256:1",
      Command: "",
      Created: 1,
      Ports: [],
      Labels: {},
      State: "running",
      Status: "Up",
      HostConfig: { NetworkMode: "" },
      NetworkSettings: { Networks: { z: {} as never, a: {} as never } },
      Mounts: [],
    });
    expect(c).toMatchObject({ name: "blog-web-1", state: "running", networks: ["a", "z"] });
  });

  it("wraps engine failures into EngineErrors naming the operation, object and the engine's reason", () => {
    const notFound = Object.assign(new Error("(HTTP code 404) no such container - No such container: web "), {
      statusCode: 404,
      json: { message: "No such container: web" },
    });
    const e = wrapEngineError(notFound, "start container", "web", "unix:///d.sock");
    expect(e).toBeInstanceOf(EngineError);
    expect(e.message).toBe('cannot start container "web": No such container: web');
    expect(isNotFound(e)).toBe(true);
    expect(e.cause).toBe(notFound);
    const refused = Object.assign(new Error("connect ECONNREFUSED /d.sock"), { code: "ECONNREFUSED" });
    expect(wrapEngineError(refused, "list containers", undefined, "unix:///d.sock").message).toMatch(
      /^cannot list containers: the Docker engine at unix:\/\/\/d\.sock does not answer/,
    );
  });
});
