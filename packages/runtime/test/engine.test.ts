/**
 * The engine adapter against a real Docker Engine (the private one of scripts/test-engine.sh):
 * containers, networks, volumes, logs and exec.
 */
import { get } from "node:http";
import * as net from "node:net";
import { Client } from "../src/engine/client";
import * as containers from "../src/engine/containers";
import * as networks from "../src/engine/networks-volumes";
import { createEngine, EngineError, isConflict, isNotFound, type ContainerCreateOptions, type LogChunk } from "../src/engine";
import { Labels } from "../src/labels";
import { BUSYBOX, describeEngine, useEngine } from "./helpers/engine";

const fx = useEngine();

/** A container body of `project`, labelled as compose would, running `sh -c script` under an init. */
function body(project: string, service: string, script: string, extra: Partial<ContainerCreateOptions> = {}): ContainerCreateOptions {
  return {
    name: `${project}-${service}-1`,
    Image: BUSYBOX,
    Cmd: ["sh", "-c", script],
    Labels: { [Labels.project]: project, [Labels.service]: service, [Labels.containerNumber]: "1", [Labels.oneoff]: "False" },
    ...extra,
    HostConfig: { Init: true, ...extra.HostConfig },
  };
}

async function text(chunks: AsyncIterable<LogChunk>): Promise<{ stdout: string; stderr: string }> {
  const out = { stdout: "", stderr: "" };
  for await (const c of chunks) out[c.stream] += c.data.toString("utf8");
  return out;
}

function httpGet(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let data = "";
      res.on("data", (d: Buffer) => (data += d.toString()));
      res.on("end", () => resolve(data));
    }).on("error", reject);
  });
}

describeEngine("engine adapter: containers", () => {
  it("creates, starts, inspects, renames, stops and removes a container, addressed by its labels and names", async () => {
    const { engine } = fx;
    const p = fx.project("life");
    const id = await engine.createContainer(body(p, "web", "echo ready; exec sleep 300"));
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    let c = await engine.inspectContainer(id);
    expect(c).toMatchObject({ id, name: `${p}-web-1`, status: "created", running: false, image: BUSYBOX });

    await engine.startContainer(id);
    await engine.startContainer(id); // already running: not an error
    c = await engine.inspectContainer(`${p}-web-1`);
    expect(c).toMatchObject({ status: "running", running: true, labels: expect.objectContaining({ [Labels.service]: "web" }) });
    expect(c?.imageId).toMatch(/^sha256:/);

    const listed = await engine.listContainers({ labels: { [Labels.project]: p } });
    expect(listed.map((x) => [x.name, x.state])).toEqual([[`${p}-web-1`, "running"]]);
    expect(listed[0].networks).toEqual(["bridge"]);

    await engine.renameContainer(id, `${p}-web-1_old`);
    // Names filter exactly: the old name no longer matches, and a prefix never does.
    expect(await engine.listContainers({ all: true, names: [`${p}-web-1`] })).toEqual([]);
    expect((await engine.listContainers({ all: true, names: [`${p}-web-1_old`] })).map((x) => x.id)).toEqual([id]);
    expect(await engine.listContainers({ all: true, names: [p] })).toEqual([]);

    const t0 = Date.now();
    await engine.stopContainer(id, 10);
    expect(Date.now() - t0).toBeLessThan(5000); // Init: true forwards SIGTERM, no 10 s wait
    await engine.stopContainer(id); // already stopped: not an error
    expect(await engine.inspectContainer(id)).toMatchObject({ status: "exited", running: false });
    expect(await engine.listContainers({ labels: { [Labels.project]: p } })).toEqual([]);
    expect(await engine.listContainers({ all: true, labels: { [Labels.project]: p } })).toHaveLength(1);

    await engine.restartContainer(id, 1);
    expect(await engine.inspectContainer(id)).toMatchObject({ status: "running" });

    await engine.removeContainer(id, { force: true });
    expect(await engine.inspectContainer(id)).toBeUndefined();
  });

  it("reports a name clash as a 409 EngineError and a missing container as a 404 naming it", async () => {
    const { engine } = fx;
    const p = fx.project("errs");
    await engine.createContainer(body(p, "web", "true"));
    const clash = await engine.createContainer(body(p, "web", "true")).catch((e: unknown) => e);
    expect(EngineError.isEngineError(clash)).toBe(true);
    expect(isConflict(clash)).toBe(true);
    expect((clash as EngineError).message).toContain(`cannot create container "${p}-web-1"`);

    const missing = await engine.removeContainer(`${p}-nope-1`).catch((e: unknown) => e);
    expect(isNotFound(missing)).toBe(true);
    expect((missing as EngineError).message).toMatch(new RegExp(`^cannot remove container "${p}-nope-1": No such container`));
    expect((missing as EngineError).cause).toBeDefined();
  });

  it("waits for a container to exit and returns its exit code", async () => {
    const { engine } = fx;
    const p = fx.project("wait");
    const id = await engine.createContainer(body(p, "job", "exit 7"));
    const waiting = engine.waitContainer(id, "next-exit");
    await engine.startContainer(id);
    expect(await waiting).toEqual({ exitCode: 7 });
    expect(await engine.inspectContainer(id)).toMatchObject({ status: "exited", exitCode: 7 });
  });

  it("reads logs with stdout and stderr apart, tails them, and follows until destroyed", async () => {
    const { engine } = fx;
    const p = fx.project("logs");
    const id = await engine.createContainer(body(p, "app", "echo one; echo two >&2; sleep 0.3; echo three; exec sleep 300"));
    await engine.startContainer(id);
    let logs = { stdout: "", stderr: "" };
    for (let i = 0; i < 50 && !logs.stdout.includes("three"); i++) {
      logs = await text(await engine.containerLogs(id));
      if (!logs.stdout.includes("three")) await new Promise((r) => setTimeout(r, 100));
    }
    expect(logs).toEqual({ stdout: "one\nthree\n", stderr: "two\n" });
    // (The sleep orders "three" after "two": stdout and stderr are two pipes, read concurrently.)
    expect(await text(await engine.containerLogs(id, { tail: 1 }))).toEqual({ stdout: "three\n", stderr: "" });
    const stamped = await text(await engine.containerLogs(id, { timestamps: true }));
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z one\n/);

    const follow = await engine.containerLogs(id, { follow: true, tail: 0 });
    const got: string[] = [];
    const done = new Promise<void>((resolve) => {
      follow.on("data", (c: LogChunk) => {
        got.push(`${c.stream}:${c.data.toString()}`);
        if (got.join("").includes("later")) follow.destroy();
      });
      follow.on("close", () => resolve());
    });
    await engine.exec(id, ["sh", "-c", "echo later > /proc/1/fd/1"]);
    await done;
    expect(got.join("")).toContain("stdout:later\n");
  });

  it("keeps a TTY container's output whole, as stdout", async () => {
    const { engine } = fx;
    const p = fx.project("tty");
    const id = await engine.createContainer(body(p, "tty", "echo hi; echo err >&2", { Tty: true }));
    await engine.startContainer(id);
    await engine.waitContainer(id);
    const logs = await text(await engine.containerLogs(id));
    expect(logs.stderr).toBe("");
    expect(logs.stdout.replace(/\r/g, "")).toBe("hi\nerr\n");
  });

  it("runs exec commands and returns their exit code and output", async () => {
    const { engine } = fx;
    const p = fx.project("exec");
    const id = await engine.createContainer(body(p, "app", "exec sleep 300"));
    await engine.startContainer(id);
    expect(await engine.exec(id, ["sh", "-c", "echo out; echo err >&2; exit 3"])).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    expect(await engine.exec(id, ["true"])).toEqual({ exitCode: 0, stdout: "", stderr: "" });
    expect(await engine.exec(id, ["sh", "-c", 'echo "$A:$(pwd):$(id -u)"'], { env: ["A=b"], workingDir: "/tmp", user: "65534" })).toMatchObject({
      exitCode: 0,
      stdout: "b:/tmp:65534\n",
    });
    const tty = await engine.exec(id, ["sh", "-c", "echo tty; exit 2"], { tty: true });
    expect(tty.exitCode).toBe(2);
    expect(tty.stdout.replace(/\r/g, "")).toBe("tty\n");
    const notFound = await engine.exec(id, ["/no/such/binary"]);
    expect(notFound.exitCode).toBeGreaterThanOrEqual(126); // the engine's "cannot run it"
  });

  it("publishes a port on 127.0.0.1 that the host can reach", async () => {
    const { engine } = fx;
    const p = fx.project("port");
    const id = await engine.createContainer(
      body(p, "web", "echo hello-from-httpd > /var/www/index.html; exec httpd -f -p 80 -h /var/www", {
        ExposedPorts: { "80/tcp": {} },
        HostConfig: { PortBindings: { "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "" }] } },
      }),
    );
    await engine.startContainer(id);
    const c = await engine.inspectContainer(id);
    expect(c?.ports).toHaveLength(1);
    const port = c!.ports[0];
    expect(port).toMatchObject({ target: 80, protocol: "tcp", hostIp: "127.0.0.1" });
    let body_ = "";
    for (let i = 0; i < 50 && !body_; i++) {
      body_ = await httpGet(`http://127.0.0.1:${port.hostPort}/`).catch(() => "");
      if (!body_) await new Promise((r) => setTimeout(r, 100));
    }
    expect(body_).toBe("hello-from-httpd\n");
  });

  it("fails with a clear EngineError when no engine answers", async () => {
    const engine = createEngine({ host: "unix:///nonexistent/berth-test.sock" });
    expect(engine.endpoint).toBe("unix:///nonexistent/berth-test.sock");
    const err = await engine.listContainers().catch((e: unknown) => e);
    expect(EngineError.isEngineError(err)).toBe(true);
    expect((err as EngineError).message).toContain("the Docker engine at unix:///nonexistent/berth-test.sock does not answer");
    expect((err as EngineError).statusCode).toBeUndefined();
  });
});

describeEngine("engine adapter: networks and volumes", () => {
  it("creates a labelled network, attaches containers under an alias they resolve, and removes it", async () => {
    const { engine } = fx;
    const p = fx.project("net");
    const labels = { [Labels.project]: p, [Labels.network]: "default" };
    const netId = await engine.createNetwork({ Name: `${p}_default`, Driver: "bridge", Labels: labels });
    const nets = await engine.listNetworks({ labels: { [Labels.project]: p } });
    expect(nets).toEqual([expect.objectContaining({ id: netId, name: `${p}_default`, driver: "bridge", labels })]);
    expect(nets[0].subnets[0]).toMatch(/^\d+\.\d+\.\d+\.0\/24$/);
    expect(await engine.listNetworks({ names: [`${p}_def`] })).toEqual([]);
    expect((await engine.listNetworks({ names: [`${p}_default`] })).map((n) => n.id)).toEqual([netId]);

    const web = await engine.createContainer(
      body(p, "web", "echo pong > /var/www/index.html; exec httpd -f -p 80 -h /var/www", {
        HostConfig: { NetworkMode: `${p}_default` },
        NetworkingConfig: { EndpointsConfig: { [`${p}_default`]: { Aliases: ["web"] } } },
      }),
    );
    const client = await engine.createContainer(body(p, "client", "exec sleep 300"));
    await engine.connectNetwork(`${p}_default`, client, { Aliases: ["client"] });
    await engine.startContainer(web);
    await engine.startContainer(client);
    expect((await engine.inspectContainer(client))?.networks[`${p}_default`]?.aliases).toContain("client");

    let got = { exitCode: -1, stdout: "", stderr: "" };
    for (let i = 0; i < 30 && got.exitCode !== 0; i++) {
      got = await engine.exec(client, ["wget", "-qO-", "http://web/"]);
      if (got.exitCode !== 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(got.stdout).toBe("pong\n");

    expect(await engine.networkEndpoints(`${p}_default`)).toEqual([
      { containerId: client, name: `${p}-client-1` },
      { containerId: web, name: `${p}-web-1` },
    ]);
    expect(await engine.networkEndpoints(`${p}_nope`)).toBeUndefined();
    // by the endpoint's name, with force: what removes a stale endpoint whose container is gone
    await engine.disconnectNetwork(`${p}_default`, `${p}-client-1`, true);
    expect(Object.keys((await engine.inspectContainer(client))?.networks ?? {})).toEqual(["bridge"]);
    const inUse = await engine.removeNetwork(`${p}_default`).catch((e: unknown) => e);
    expect((inUse as EngineError).message).toMatch(new RegExp(`^cannot remove network "${p}_default": .*active endpoints`));
    await engine.removeContainer(web, { force: true });
    await engine.removeNetwork(netId);
    expect(await engine.listNetworks({ labels: { [Labels.project]: p } })).toEqual([]);
  });

  it("creates a labelled volume that keeps data across containers, and removes it", async () => {
    const { engine } = fx;
    const p = fx.project("vol");
    const labels = { [Labels.project]: p, [Labels.volume]: "data" };
    const v = await engine.createVolume({ Name: `${p}_data`, Labels: labels });
    expect(v).toMatchObject({ name: `${p}_data`, driver: "local", labels });
    expect((await engine.listVolumes({ labels: { [Labels.project]: p } })).map((x) => x.name)).toEqual([`${p}_data`]);
    expect((await engine.listVolumes({ names: [`${p}_data`] })).map((x) => x.name)).toEqual([`${p}_data`]);
    expect(await engine.listVolumes({ names: [`${p}_dat`] })).toEqual([]);

    const mounts = { HostConfig: { Mounts: [{ Type: "volume" as const, Source: `${p}_data`, Target: "/data" }] } };
    const writer = await engine.createContainer(body(p, "writer", "echo kept > /data/file", mounts));
    await engine.startContainer(writer);
    expect(await engine.waitContainer(writer)).toEqual({ exitCode: 0 });
    expect((await engine.inspectContainer(writer))?.mounts).toEqual([
      expect.objectContaining({ type: "volume", name: `${p}_data`, destination: "/data", readOnly: false }),
    ]);
    await engine.removeContainer(writer);

    const reader = await engine.createContainer({ ...body(p, "reader", "cat /data/file", mounts), name: `${p}-reader-1` });
    await engine.startContainer(reader);
    await engine.waitContainer(reader);
    expect((await text(await engine.containerLogs(reader))).stdout).toBe("kept\n");
    await engine.removeContainer(reader);

    await engine.removeVolume(`${p}_data`);
    expect(await engine.listVolumes({ labels: { [Labels.project]: p } })).toEqual([]);
    expect(isNotFound(await engine.removeVolume(`${p}_data`).catch((e: unknown) => e))).toBe(true);
  });
});

describeEngine("engine adapter: over a TLS or ssh connection", () => {
  const fx = useEngine();

  it("sends the same JSON calls through dockerode's modem: queries, bodies, 404 and 304 alike", async () => {
    // A plain-tcp relay to the test engine, with a `ca` in the options: the adapter treats it as TLS
    // and goes through the modem (which then speaks plain http, as the relay does).
    const socketPath = new URL(fx.engine.endpoint).pathname;
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((c) => {
      const up = net.connect(socketPath);
      sockets.add(c).add(up);
      c.pipe(up).pipe(c);
      up.on("error", () => c.destroy());
      c.on("error", () => up.destroy());
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    const port = (relay.address() as net.AddressInfo).port;
    try {
      const c = new Client({ endpoint: `tcp://127.0.0.1:${port}`, options: { protocol: "http", host: "127.0.0.1", port: String(port), ca: "unused" } });
      const p = fx.project("modem");
      const labels = { [Labels.project]: p };
      const netId = await networks.createNetwork(c, { Name: `${p}_default`, Labels: labels });
      expect((await networks.listNetworks(c, { labels })).map((n) => n.id)).toEqual([netId]);
      const id = await containers.createContainer(c, {
        name: `${p}-web-1`,
        Image: BUSYBOX,
        Cmd: ["sleep", "300"],
        Labels: labels,
        HostConfig: { Init: true, NetworkMode: `${p}_default` },
      });
      await containers.startContainer(c, id);
      await containers.startContainer(c, id); // 304
      expect((await containers.listContainers(c, { labels })).map((x) => x.name)).toEqual([`${p}-web-1`]);
      await containers.removeContainer(c, id, { force: true });
      expect(await containers.inspectContainer(c, id)).toBeUndefined(); // 404
      await networks.removeNetwork(c, netId);
      await expect(networks.removeNetwork(c, netId)).rejects.toMatchObject({
        statusCode: 404,
        message: expect.stringContaining(`cannot remove network "${netId}"`),
      });
    } finally {
      for (const s of sockets) s.destroy(); // the modem keeps its connections alive
      await new Promise((r) => relay.close(r));
    }
  });
});
