/**
 * Where the engine answers: `DOCKER_HOST` (or an explicit host) → dockerode's connection options
 * and the endpoint string shown in previews. Pure except for reading TLS certificates.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type Dockerode from "dockerode";
import { EngineError } from "./errors";

export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

export interface Connection {
  /** Normalised host for display: `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376`. */
  readonly endpoint: string;
  readonly options: Dockerode.DockerOptions;
}

export interface ConnectionEnv {
  readonly DOCKER_HOST?: string;
  readonly DOCKER_TLS_VERIFY?: string;
  readonly DOCKER_CERT_PATH?: string;
}

/**
 * Resolves `host` (else `env.DOCKER_HOST`, else the default socket). Accepts `unix://`, `tcp://`
 * (TLS when `DOCKER_TLS_VERIFY` is set, with `DOCKER_CERT_PATH`'s `ca.pem`/`cert.pem`/`key.pem`,
 * as the docker CLI does), `http(s)://`, `ssh://` and a bare socket path.
 */
export function resolveConnection(host: string | undefined, env: ConnectionEnv = process.env): Connection {
  const raw = (host ?? env.DOCKER_HOST ?? "").trim() || DEFAULT_DOCKER_HOST;
  if (raw.startsWith("/")) return unix(raw);
  if (raw.startsWith("unix://")) return unix(raw.slice("unix://".length) || "/var/run/docker.sock");
  let url: URL;
  try {
    url = new URL(raw);
  } catch (cause) {
    throw invalid(raw, cause);
  }
  const tls = url.protocol === "https:" || (url.protocol === "tcp:" && isSet(env.DOCKER_TLS_VERIFY));
  switch (url.protocol) {
    case "tcp:":
    case "http:":
    case "https:": {
      const port = url.port || (tls ? "2376" : "2375");
      const endpoint = `${url.protocol === "tcp:" ? "tcp" : tls ? "https" : "http"}://${url.hostname}:${port}`;
      return { endpoint, options: { host: url.hostname, port, protocol: tls ? "https" : "http", ...(tls ? certificates(env) : {}) } };
    }
    case "ssh:": {
      const port = url.port || "22";
      const endpoint = `ssh://${url.username ? `${url.username}@` : ""}${url.hostname}:${port}`;
      return { endpoint, options: { protocol: "ssh", host: url.hostname, port, username: url.username || undefined } };
    }
    default:
      throw invalid(raw);
  }
}

function unix(path: string): Connection {
  return { endpoint: `unix://${path}`, options: { socketPath: path } };
}

function isSet(v: string | undefined): boolean {
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

function certificates(env: ConnectionEnv): Pick<Dockerode.DockerOptions, "ca" | "cert" | "key"> {
  const dir = env.DOCKER_CERT_PATH || join(process.env.HOME ?? "", ".docker");
  const read = (f: string) => {
    try {
      return readFileSync(join(dir, f));
    } catch (cause) {
      throw new EngineError(`cannot read the TLS ${f} for DOCKER_TLS_VERIFY from ${dir}: ${(cause as Error).message}`, { cause, operation: "connect" });
    }
  };
  return { ca: read("ca.pem"), cert: read("cert.pem"), key: read("key.pem") };
}

function invalid(raw: string, cause?: unknown): EngineError {
  return new EngineError(`invalid Docker host "${raw}": expected unix:///path/to/docker.sock, tcp://host:port or ssh://user@host`, {
    cause,
    operation: "connect",
  });
}
