/**
 * A real registry for the tests: Debian's `docker-registry` (distribution 2.8) on 127.0.0.1 with
 * htpasswd auth (bcrypt, made by `htpasswd -B`), its storage in a temp folder. The engine treats
 * 127.0.0.0/8 as an insecure registry by default, so no TLS is needed. Missing binaries fail the
 * suite loudly (scripts/test-engine.sh start installs them).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

export interface TestRegistry {
  readonly host: string;
  readonly user: string;
  readonly password: string;
  /** A DOCKER_CONFIG folder whose config.json holds these credentials (or `password` instead). */
  dockerConfig(password?: string): string;
  /** `GET /v2/<repo>/tags/list` with the right credentials. */
  tags(repo: string): Promise<string[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

function need(bin: string, pkg: string): void {
  try {
    execFileSync("sh", ["-c", `command -v ${bin}`], { stdio: "ignore" });
  } catch {
    throw new Error(`${bin} is not installed: apt-get install -y ${pkg} (scripts/test-engine.sh start installs it)`);
  }
}

export async function startRegistry(): Promise<TestRegistry> {
  need("docker-registry", "docker-registry");
  need("htpasswd", "apache2-utils");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berth-registry-"));
  const user = "berth";
  const password = `pw-${Math.random().toString(36).slice(2, 10)}`;
  fs.writeFileSync(path.join(dir, "htpasswd"), execFileSync("htpasswd", ["-Bbn", user, password], { encoding: "utf8" }));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  fs.writeFileSync(
    path.join(dir, "config.yml"),
    `version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: ${path.join(dir, "data")} } }
http: { addr: ${host} }
auth: { htpasswd: { realm: berth-test, path: ${path.join(dir, "htpasswd")} } }
`,
  );
  const child: ChildProcess = spawn("docker-registry", ["serve", path.join(dir, "config.yml")], { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (d) => (log += d));
  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  for (let i = 0; ; i++) {
    const res = await fetch(`http://${host}/v2/`, { headers: { Authorization: basic } }).catch(() => undefined);
    if (res?.status === 200) break;
    if (i > 100 || child.exitCode !== null) throw new Error(`docker-registry did not answer on ${host}:\n${log}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host,
    user,
    password,
    dockerConfig(pw = password) {
      const cfg = fs.mkdtempSync(path.join(dir, "docker-config-"));
      const auth = Buffer.from(`${user}:${pw}`).toString("base64");
      fs.writeFileSync(path.join(cfg, "config.json"), JSON.stringify({ auths: { [host]: { auth } } }));
      return cfg;
    },
    async tags(repo) {
      const res = await fetch(`http://${host}/v2/${repo}/tags/list`, { headers: { Authorization: basic } });
      return res.status === 200 ? ((await res.json()) as { tags: string[] }).tags : [];
    },
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.on("exit", r)));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
