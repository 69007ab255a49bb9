/**
 * The engine client every adapter call goes through: {@link Client.request} for the JSON API
 * (node's http on a socket or plain tcp), and a lazily made dockerode for the streams (logs,
 * exec, pull, build) and for TLS/ssh. dockerode is `require`d on first use, never at import:
 * loading it costs ~0.1 s, which `synth`, `--help` and a plain apply must not pay.
 */
import type Dockerode from "dockerode";
import type * as Http from "node:http";
import type { Connection } from "./connection";
import { wrapEngineError } from "./errors";
import { afterEngineCall } from "./faults";

let dockerodeModule: typeof Dockerode | undefined;

function loadDockerode(): typeof Dockerode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  dockerodeModule ??= require("dockerode") as typeof Dockerode;
  return dockerodeModule;
}

/** Shared by the per-kind modules: the client, made on first use, and the error boundary. */
export class Client {
  private instance: Dockerode | undefined;

  constructor(readonly connection: Connection) {}

  get endpoint(): string {
    return this.connection.endpoint;
  }

  get docker(): Dockerode {
    if (!this.instance) {
      const Docker = loadDockerode();
      this.instance = new Docker(this.connection.options);
    }
    return this.instance;
  }

  /**
   * Runs one engine operation; any failure becomes an `EngineError` naming `operation` and
   * `object`. Status codes in `ok` count as success (304 "already started/stopped").
   */
  async call<T>(operation: string, object: string | undefined, fn: (docker: Dockerode) => Promise<T>, ok: readonly number[] = []): Promise<T | undefined> {
    try {
      return await fn(this.docker);
    } catch (err) {
      const status = (err as { statusCode?: number } | undefined)?.statusCode;
      if (status !== undefined && ok.includes(status)) return undefined;
      throw wrapEngineError(err, operation, object, this.endpoint);
    }
  }

  /** Like {@link call}, for operations that always produce a value. */
  async must<T>(operation: string, object: string | undefined, fn: (docker: Dockerode) => Promise<T>): Promise<T> {
    return (await this.call(operation, object, fn)) as T;
  }

  /**
   * One Docker API request whose answer is JSON (or nothing): every list, inspect, create, start,
   * stop, rename and remove. Over a unix socket or plain tcp it goes through node's own http, not
   * dockerode: an apply then never loads dockerode, whose require alone (~0.1 s) costs more than
   * a no-op apply's engine calls, and a one-change apply's non-engine time together. TLS and ssh
   * connections go through dockerode's modem. Statuses in `ok` (304 "already so", 404 "not
   * there") resolve to undefined; any other failure becomes an `EngineError` naming `operation`
   * and `object`.
   */
  async request<T>(operation: string, object: string | undefined, req: ApiRequest): Promise<T | undefined> {
    const query = queryStrings(req.query);
    const o = this.connection.options;
    try {
      const extra: Record<string, string> = req.registryAuth ? { "X-Registry-Auth": Buffer.from(JSON.stringify(req.registryAuth)).toString("base64url") } : {};
      if (o.socketPath !== undefined) return await httpJson<T>({ socketPath: o.socketPath }, req.method, withQuery(req.path, query), req.body, req.tar, extra);
      if (o.protocol === "http" && !o.ca)
        return await httpJson<T>({ host: o.host, port: Number(o.port) }, req.method, withQuery(req.path, query), req.body, req.tar, extra);
      // The modem appends `_query` to a path that ends in "?"; a `_body` of {} makes it send no body; `file` is sent as application/tar.
      return await this.dial<T>({
        path: `${req.path}?`,
        method: req.method,
        options: { _query: query, _body: req.body ?? {} },
        ...(req.registryAuth ? { authconfig: req.registryAuth } : {}),
        ...(req.tar ? { file: req.tar } : {}),
        statusCodes: ANY_2XX,
      });
    } catch (err) {
      const status = (err as { statusCode?: number } | undefined)?.statusCode;
      if (status !== undefined && req.ok?.includes(status)) return undefined;
      throw wrapEngineError(err, operation, object, this.endpoint);
    } finally {
      afterEngineCall();
    }
  }

  /** {@link request} for a call that always answers: no `ok` statuses, so never undefined. */
  async send<T>(operation: string, object: string | undefined, req: Omit<ApiRequest, "ok">): Promise<T> {
    return (await this.request<T>(operation, object, req)) as T;
  }

  /** A GET that must answer (the list calls). */
  get<T>(operation: string, path: string, query: Readonly<Record<string, unknown>>): Promise<T> {
    return this.send<T>(operation, undefined, { method: "GET", path, query });
  }

  /** A raw request through dockerode's modem (TLS and ssh connections). */
  dial<T>(options: {
    path: string;
    method: string;
    options?: object;
    file?: Buffer;
    authconfig?: object;
    statusCodes: Record<number, boolean | string>;
  }): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.docker.modem as unknown as { dial(o: object, cb: (err: unknown, data: unknown) => void): void }).dial(options, (err, data) =>
        err ? reject(err) : resolve(data as T),
      );
    });
  }
}

export interface ApiRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  /** `/containers/abc/start`; path parameters already encoded. */
  readonly path: string;
  /** Strings as they are, anything else (filters, booleans, numbers) as JSON, as the API expects. */
  readonly query?: Readonly<Record<string, unknown>>;
  /** Sent as JSON. */
  readonly body?: unknown;
  /** Sent as it is, as `application/x-tar` (instead of `body`). */
  readonly tar?: Buffer;
  /** Statuses that resolve to undefined instead of failing. */
  readonly ok?: readonly number[];
  /** Registry credentials sent as `X-Registry-Auth` (a service whose nodes pull a private image). */
  readonly registryAuth?: object;
}

const ANY_2XX: Record<number, boolean> = { 200: true, 201: true, 204: true };

/** The API's query values: strings as they are, anything else (filters, booleans, numbers) as JSON. */
function queryStrings(query: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

function withQuery(path: string, query: Readonly<Record<string, string>>): string {
  const qs = Object.entries(query)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join("&");
  return qs ? `${path}?${qs}` : path;
}

/** One request with a JSON answer; a non-2xx answer rejects like dockerode's modem does (`statusCode`, the engine's message). */
function httpJson<T>(
  target: { socketPath?: string; host?: string; port?: number },
  method: string,
  path: string,
  body: unknown,
  tar?: Buffer,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  // Required here, not at the top: `dsl synth` never talks to an engine and should not load http.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require("node:http") as typeof Http;
  const data = tar ?? (body === undefined ? undefined : JSON.stringify(body));
  const headers: Record<string, string | number> = { Host: "docker", ...extraHeaders };
  if (data !== undefined) Object.assign(headers, { "Content-Type": tar ? "application/x-tar" : "application/json", "Content-Length": Buffer.byteLength(data) });
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          parsed = text;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(parsed as T);
        const message = (parsed as { message?: string } | undefined)?.message ?? text;
        reject(Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json: parsed, reason: message }));
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}
