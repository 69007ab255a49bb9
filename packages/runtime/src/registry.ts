/**
 * Registry credentials as the docker CLI finds them: `$DOCKER_CONFIG/config.json` (default
 * `~/.docker/config.json`), `credHelpers` per registry, else `credsStore`, else `auths` (base64
 * `user:password`, or an identity token). They go to the engine with each pull, push and build
 * (`X-Registry-Auth`, `X-Registry-Config`); none is ever printed.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BerthError } from "@berth/dsl";

export interface RegistryAuth {
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly serveraddress: string;
}

interface DockerConfig {
  readonly auths?: Record<string, { readonly auth?: string; readonly identitytoken?: string; readonly username?: string; readonly password?: string }>;
  readonly credsStore?: string;
  readonly credHelpers?: Record<string, string>;
}

/** The index Docker Hub's credentials are stored under, as the docker CLI writes them. */
const DOCKER_HUB = "https://index.docker.io/v1/";

/** The registry host of an image reference (`127.0.0.1:5000/app:1` → `127.0.0.1:5000`; `nginx` → Docker Hub). */
export function registryOf(reference: string): string {
  const slash = reference.indexOf("/");
  const first = slash < 0 ? "" : reference.slice(0, slash);
  return first && (first.includes(".") || first.includes(":") || first === "localhost") && first !== "docker.io" && first !== "index.docker.io"
    ? first
    : DOCKER_HUB;
}

/** True when the reference names a registry host (`127.0.0.1:5000/app`, `ghcr.io/x/app`), not Docker Hub by default. */
export function namesRegistry(reference: string): boolean {
  return registryOf(reference) !== DOCKER_HUB;
}

function configPath(env: Readonly<Record<string, string | undefined>>): string {
  return path.join(env.DOCKER_CONFIG ?? path.join(env.HOME ?? os.homedir(), ".docker"), "config.json");
}

function readConfig(env: Readonly<Record<string, string | undefined>>): DockerConfig {
  const file = configPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (err) {
    throw new BerthError(`cannot read the registry credentials in ${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
}

/** `docker-credential-<helper> get`, as the docker CLI runs it. */
function fromHelper(helper: string, server: string, env: Readonly<Record<string, string | undefined>>): RegistryAuth | undefined {
  let out: string;
  try {
    out = execFileSync(`docker-credential-${helper}`, ["get"], {
      input: server,
      env: env as NodeJS.ProcessEnv,
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
    });
  } catch (err) {
    const stdout = String((err as { stdout?: string }).stdout ?? "");
    if (/credentials not found/i.test(stdout)) return undefined;
    throw new BerthError(`the credential helper docker-credential-${helper} failed for ${server}: ${(err as Error).message.split("\n")[0]}`, { cause: err });
  }
  const { Username, Secret } = JSON.parse(out) as { Username?: string; Secret?: string };
  if (!Secret) return undefined;
  return Username === "<token>" ? { identitytoken: Secret, serveraddress: server } : { username: Username, password: Secret, serveraddress: server };
}

function fromAuths(config: DockerConfig, server: string): RegistryAuth | undefined {
  const auths = config.auths ?? {};
  const keys = [server, `https://${server}`, `http://${server}`, `https://${server}/v1/`, `${server}/v1/`];
  const entry = keys.map((k) => auths[k]).find((e) => e !== undefined);
  if (!entry) return undefined;
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress: server };
  if (entry.auth) {
    const text = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = text.indexOf(":");
    if (colon > 0) return { username: text.slice(0, colon), password: text.slice(colon + 1), serveraddress: server };
  }
  if (entry.username) return { username: entry.username, password: entry.password, serveraddress: server };
  return undefined;
}

function forServer(config: DockerConfig, server: string, env: Readonly<Record<string, string | undefined>>): RegistryAuth | undefined {
  const helper = config.credHelpers?.[server] ?? config.credsStore;
  return (helper ? fromHelper(helper, server, env) : undefined) ?? fromAuths(config, server);
}

/** The credentials for the registry of `reference`, or undefined when the user has none for it. */
export function credentialsFor(reference: string, env: Readonly<Record<string, string | undefined>> = process.env): RegistryAuth | undefined {
  return forServer(readConfig(env), registryOf(reference), env);
}

/** Every registry's credentials named in `auths` and `credHelpers`, for a build's base images (`X-Registry-Config`). */
export function allCredentials(env: Readonly<Record<string, string | undefined>> = process.env): Record<string, RegistryAuth> {
  const config = readConfig(env);
  const out: Record<string, RegistryAuth> = {};
  for (const key of new Set([...Object.keys(config.auths ?? {}), ...Object.keys(config.credHelpers ?? {})])) {
    const host = key.replace(/^https?:\/\//, "").replace(/\/v1\/?$/, "");
    const server = host === "index.docker.io" || host === "docker.io" ? DOCKER_HUB : host;
    const auth = forServer(config, server, env);
    if (auth) out[server] = auth;
  }
  return out;
}
