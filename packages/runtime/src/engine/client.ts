/**
 * The lazily made dockerode client and the one wrapper every call goes through. dockerode is
 * `require`d on the first engine call, never at import: loading it costs ~0.1 s, which `synth`
 * and `--help` must not pay.
 */
import type Dockerode from "dockerode";
import type * as Http from "node:http";
import type { Connection } from "./connection";
import { wrapEngineError } from "./errors";

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

  /** Like {@link call}, but "no such object" (404) resolves to undefined. */
  async maybe<T>(operation: string, object: string, fn: (docker: Dockerode) => Promise<T>): Promise<T | undefined> {
    return this.call(operation, object, fn, [404]);
  }

  /**
   * GET for the list calls every plan starts with. Over a unix socket or plain tcp it goes
   * through node's own http, not dockerode: a no-op `dsl apply` then never loads dockerode,
   * whose require alone (~0.1 s) costs more than all of its engine calls together. TLS and
   * ssh connections go through dockerode's modem.
   */
  async get<T>(operation: string, path: string, query: Readonly<Record<string, unknown>>): Promise<T> {
    const o = this.connection.options;
    const plain = o.socketPath !== undefined || (o.protocol === "http" && !o.ca);
    const qs = Object.entries(query)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === "string" ? v : JSON.stringify(v))}`)
      .join("&");
    const fullPath = qs ? `${path}?${qs}` : path;
    if (!plain) return this.must(operation, undefined, () => this.dial<T>({ path: fullPath, method: "GET", statusCodes: { 200: true, 400: "bad parameter", 500: "server error" } }));
    try {
      return await httpGetJson<T>(o.socketPath !== undefined ? { socketPath: o.socketPath } : { host: o.host, port: Number(o.port) }, fullPath);
    } catch (err) {
      throw wrapEngineError(err, operation, undefined, this.endpoint);
    }
  }

  /** A raw API request, for the few answers dockerode drops (a created volume's body). */
  dial<T>(options: { path: string; method: string; options?: object; statusCodes: Record<number, boolean | string> }): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.docker.modem as unknown as { dial(o: object, cb: (err: unknown, data: unknown) => void): void }).dial(options, (err, data) =>
        err ? reject(err) : resolve(data as T),
      );
    });
  }
}

/** One GET with a JSON answer; a non-2xx answer rejects like dockerode's modem does (`statusCode`, the engine's message). */
function httpGetJson<T>(target: { socketPath?: string; host?: string; port?: number }, path: string): Promise<T> {
  // Required here, not at the top: `dsl synth` never talks to an engine and should not load http.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const http = require("node:http") as typeof Http;
  return new Promise((resolve, reject) => {
    const req = http.get({ ...target, path, headers: { Host: "docker" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown;
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(body as T);
        const message = (body as { message?: string } | undefined)?.message ?? text;
        reject(Object.assign(new Error(`(HTTP code ${status}) ${message}`), { statusCode: status, json: body, reason: message }));
      });
    });
    req.on("error", reject);
  });
}
