/**
 * The lazily made dockerode client and the one wrapper every call goes through. dockerode is
 * `require`d on the first engine call, never at import: loading it costs ~0.1 s, which `synth`
 * and `--help` must not pay.
 */
import type Dockerode from "dockerode";
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

  /** A raw API request, for the few answers dockerode drops (a created volume's body). */
  dial<T>(options: { path: string; method: string; options?: object; statusCodes: Record<number, boolean | string> }): Promise<T> {
    return new Promise((resolve, reject) => {
      (this.docker.modem as unknown as { dial(o: object, cb: (err: unknown, data: unknown) => void): void }).dial(options, (err, data) =>
        err ? reject(err) : resolve(data as T),
      );
    });
  }
}
