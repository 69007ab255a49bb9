/**
 * Helpers for the end-to-end tests of `dsl apply / diff / destroy` against the private test
 * engine (`scripts/test-engine.sh start`). They reuse the runtime's engine fixture (fails the
 * suite when no engine answers, unless BERTH_SKIP_ENGINE_TESTS=1) and add: temp stack files,
 * an async `dsl`, engine snapshots and events, HTTP probes and stand-in images for the examples.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { BUSYBOX, TEST_LABEL, describeEngine, useEngine, type EngineFixture } from "../../../runtime/test/helpers/engine";
import { DSL, REPO, dsl, type CliResult } from "../helpers";

export { BUSYBOX, TEST_LABEL, describeEngine, dsl, REPO, type CliResult };

export const PROJECT_LABEL = "com.docker.compose.project";

/** The engine fixture of {@link useEngine}, plus removal of each project's lock volumes. */
export function useE2E(): EngineFixture & { docker(args: readonly string[]): Promise<string> } {
  const fx = useEngine();
  const projects: string[] = [];
  afterAll(async () => {
    for (const p of projects) for (const v of await lockVolumes(fx.run, p)) await fx.run("docker", ["volume", "rm", v]).catch(() => undefined);
  }, 60_000);
  return {
    get engine() {
      return fx.engine;
    },
    project(prefix: string) {
      const p = fx.project(prefix);
      projects.push(p);
      return p;
    },
    trackImage: fx.trackImage,
    run: fx.run,
    docker: (args) => fx.run("docker", args).then((r) => r.stdout.trim()),
  };
}

/** Writes `stack.ts` into a fresh temp dir; returns its path. */
export function writeStack(source: string, dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-e2e-"))): string {
  const file = path.join(dir, "stack.ts");
  fs.writeFileSync(file, source);
  return file;
}

/** `dsl` as a child process that does not block the event loop (for concurrent applies). */
export function dslAsync(args: readonly string[], opts: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DSL, ...args], { cwd: opts.cwd ?? REPO, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ContainerSnap {
  readonly name: string;
  readonly id: string;
  readonly service: string;
  readonly created: string;
  readonly startedAt: string;
  readonly running: boolean;
  readonly status: string;
}
export interface Snapshot {
  readonly containers: ContainerSnap[];
  readonly networks: { name: string; id: string; created: string }[];
  readonly volumes: { name: string; created: string }[];
}

type Docker = (args: readonly string[]) => Promise<string>;

/** Containers, networks and volumes labelled with the project, sorted by name. */
export async function snapshot(docker: Docker, project: string): Promise<Snapshot> {
  const filter = ["--filter", `label=${PROJECT_LABEL}=${project}`];
  const ids = (await docker(["ps", "-aq", "--no-trunc", ...filter])).split("\n").filter(Boolean);
  const containers: ContainerSnap[] = ids.length
    ? (
        JSON.parse(await docker(["container", "inspect", ...ids])) as Array<{
          Id: string;
          Name: string;
          Created: string;
          State: { StartedAt: string; Running: boolean; Status: string };
          Config: { Labels: Record<string, string> };
        }>
      ).map((c) => ({
        name: c.Name.replace(/^\//, ""),
        id: c.Id,
        service: c.Config.Labels["com.docker.compose.service"],
        created: c.Created,
        startedAt: c.State.StartedAt,
        running: c.State.Running,
        status: c.State.Status,
      }))
    : [];
  const netIds = (await docker(["network", "ls", "-q", "--no-trunc", ...filter])).split("\n").filter(Boolean);
  const networks = netIds.length
    ? (JSON.parse(await docker(["network", "inspect", ...netIds])) as Array<{ Id: string; Name: string; Created: string }>).map((n) => ({
        name: n.Name,
        id: n.Id,
        created: n.Created,
      }))
    : [];
  const volNames = (await docker(["volume", "ls", "-q", ...filter])).split("\n").filter(Boolean);
  const volumes = volNames.length
    ? (JSON.parse(await docker(["volume", "inspect", ...volNames])) as Array<{ Name: string; CreatedAt: string }>).map((v) => ({
        name: v.Name,
        created: v.CreatedAt,
      }))
    : [];
  const byName = <T extends { name: string }>(xs: T[]) => xs.sort((a, b) => a.name.localeCompare(b.name));
  return { containers: byName(containers), networks: byName(networks), volumes: byName(volumes) };
}

/** The container of `service` (exactly one expected). */
export function containerOf(snap: Snapshot, service: string): ContainerSnap {
  const cs = snap.containers.filter((c) => c.service === service);
  if (cs.length !== 1) throw new Error(`expected one container for ${service}, got ${cs.map((c) => c.name).join(", ") || "none"}`);
  return cs[0];
}

/** Engine events between two daemon times (unix seconds), as `type action name` lines. */
/** Berth's lock volumes of `project` (there is one while an apply or destroy holds the lock). */
export async function lockVolumes(run: EngineFixture["run"], project: string): Promise<string[]> {
  const { stdout } = await run("docker", ["volume", "ls", "-q", "--filter", `label=dev.berth.lock.project=${project}`]);
  return stdout.split("\n").filter(Boolean);
}

/** Volume events between `since` and `until`: `volume create <name>` (a volume's actor is its name). */
export async function volumeEvents(docker: Docker, since: number, until: number): Promise<string[]> {
  const out = await docker([
    "events",
    "--since",
    since.toFixed(3),
    "--until",
    until.toFixed(3),
    "--filter",
    "type=volume",
    "--format",
    "{{.Type}} {{.Action}} {{.Actor.ID}}",
  ]);
  return out.split("\n").filter(Boolean);
}

export async function events(docker: Docker, since: number, until: number, filters: readonly string[]): Promise<string[]> {
  const out = await docker([
    "events",
    "--since",
    since.toFixed(3),
    "--until",
    until.toFixed(3),
    ...filters.flatMap((f) => ["--filter", f]),
    "--format",
    "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}",
  ]);
  return out.split("\n").filter(Boolean);
}

/** GET http://127.0.0.1:<port>/, retried for a few seconds while the server starts. */
export async function httpGet(port: number, pathname = "/", timeoutMs = 15_000): Promise<{ status: number; body: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: pathname, timeout: 2000 }, (res) => {
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** True when nothing listens on 127.0.0.1:<port> (we can bind it). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once("error", () => resolve(false));
    srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
  });
}

/** A foreign TCP listener on 127.0.0.1:<port>; close it when done. */
export function listen(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer((s) => s.end());
    srv.once("error", reject);
    srv.listen(port, "127.0.0.1", () => resolve(srv));
  });
}

/** A PID 1 that exits on SIGTERM at once (the examples do not set `init: true`). */
const trapped = (cmd: string) => `#!/bin/sh\ntrap 'exit 0' TERM INT\n${cmd} &\nwait\n`;

/**
 * Stand-ins for the images the examples use, built from busybox so that the examples apply on
 * an engine that cannot pull. Keyed by tag: Dockerfile lines after `FROM busybox`.
 */
const STAND_INS: Record<string, { files: Record<string, string>; tail: string[] }> = {
  "nginx:1.27-alpine": {
    files: { entry: trapped("httpd -f -p 80 -h /usr/share/nginx/html"), "index.html": "stand-in nginx\n" },
    tail: [
      "RUN mkdir -p /usr/share/nginx/html /etc/nginx/conf.d",
      "COPY index.html /usr/share/nginx/html/index.html",
      "COPY entry /usr/local/bin/nginx-entry",
      'CMD ["nginx-entry"]',
    ],
  },
  "php:8.3-fpm-alpine": {
    files: { entry: trapped("sleep 3600") },
    tail: ["RUN mkdir -p /var/www/html", "COPY entry /usr/local/bin/php-fpm", 'CMD ["php-fpm"]'],
  },
  "postgres:16-alpine": {
    files: { entry: trapped("sleep 3600"), pg_isready: "#!/bin/sh\nexit 0\n" },
    tail: ["COPY entry /usr/local/bin/postgres", "COPY pg_isready /usr/local/bin/pg_isready", 'CMD ["postgres"]'],
  },
  "mongo:7": {
    files: { entry: trapped("sleep 3600"), mongosh: "#!/bin/sh\nexit 0\n" },
    tail: ["COPY entry /usr/local/bin/mongod", "COPY mongosh /usr/local/bin/mongosh", 'CMD ["mongod"]'],
  },
  "node:20-alpine": {
    files: {
      node: '#!/bin/sh\ntrap \'exit 0\' TERM INT\nmkdir -p /tmp/www && echo "stand-in node $*" > /tmp/www/index.html\nhttpd -f -p "${PORT:-3000}" -h /tmp/www &\nwait\n',
    },
    tail: ["COPY node /usr/local/bin/node"],
  },
  "python:3.12-slim": {
    files: {
      pip: "#!/bin/sh\nexit 0\n",
      gunicorn:
        "#!/bin/sh\ntrap 'exit 0' TERM INT\nport=8000\nwhile [ $# -gt 0 ]; do [ \"$1\" = --bind ] && port=${2##*:}; shift; done\nmkdir -p /tmp/www && echo 'stand-in gunicorn' > /tmp/www/index.html\nhttpd -f -p \"$port\" -h /tmp/www &\nwait\n",
    },
    tail: ["COPY pip /usr/local/bin/pip", "COPY gunicorn /usr/local/bin/gunicorn"],
  },
};

export const STAND_IN_LABEL = "dev.berth.test-image=stand-in";

/** Builds every stand-in image that is missing (idempotent; cheap when they exist). */
export async function ensureStandInImages(docker: Docker): Promise<void> {
  for (const [tag, spec] of Object.entries(STAND_INS)) {
    const exists = await docker(["image", "inspect", "--format", "{{.Id}}", tag]).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-standin-"));
    for (const [name, text] of Object.entries(spec.files)) fs.writeFileSync(path.join(dir, name), text, { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "Dockerfile"), [`FROM ${BUSYBOX}`, `LABEL ${STAND_IN_LABEL}`, ...spec.tail, ""].join("\n"));
    await docker(["build", "-q", "-t", tag, dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
