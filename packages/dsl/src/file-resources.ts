/** Secrets and configs: files granted to services, with values that never enter the graph (except inline config content). */
import type { ConfigSpec, SecretSpec } from "./graph";
import { BRANDS, brand, hasBrand } from "./internal/brand";
import { isSensitive, type Sensitive } from "./sensitive";
import type { SynthContext } from "./internal/member";
import { stringRecord } from "./internal/records";
import { Resource, resolveArgs } from "./internal/resource";
import type { Construct } from "./construct";
import type { ConstructOptions } from "./stack";

interface FileSourceCommon {
  /** Labels on the Swarm secret or config. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Content read from a file when deploying. */
export interface FromFile extends FileSourceCommon {
  /** Path, relative to the stack file's folder. */
  readonly file: string;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly environment?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly content?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly external?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly externalName?: never;
}

/** Content read from an environment variable of whoever deploys. */
export interface FromEnvironment extends FileSourceCommon {
  /** Name of the variable. */
  readonly environment: string;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly file?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly content?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly external?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly externalName?: never;
}

/** Made outside the stack: Berth neither creates nor removes it. */
export interface FromExternal extends FileSourceCommon {
  /** Always `true`. */
  readonly external: true;
  /** Engine name. @default the logical name */
  readonly externalName?: string;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly file?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly environment?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly content?: never;
}

/** Written inline (configs only). */
export interface FromContent extends FileSourceCommon {
  /** The file's content; wrap it in {@link sensitive} to keep it out of every output (synth then writes a reference or a file, never the content). */
  readonly content: string | Sensitive;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly file?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly environment?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly external?: never;
  /** Exclusive with this source: exactly one of file, environment, content or external. */
  readonly externalName?: never;
}

/** Where a secret's value comes from: exactly one of `file`, `environment` or `external`. */
export type SecretProps = FromFile | FromEnvironment | FromExternal;

/** Where a config's content comes from: exactly one of `file`, `environment`, `content` or `external`. */
export type ConfigProps = FromFile | FromEnvironment | FromContent | FromExternal;

export class Secret extends Resource {
  /** True when `x` is a Secret from any copy of this package. */
  static isSecret(x: unknown): x is Secret {
    return hasBrand(x, BRANDS.secret);
  }

  readonly props: SecretProps;

  /**
   * Declares a secret; grant it with `secrets: [secret]` (mounted at `/run/secrets/<name>`).
   * Either `new Secret("name", props)` in the current stack or `new Secret(scope, "id", props)` under a stack or a component, named after its path (`blue-data`).
   */
  constructor(scopeOrName: Construct | string, idOrProps: string | SecretProps, propsOrOptions?: SecretProps | ConstructOptions, options?: ConstructOptions) {
    // One signature, not two overloads: TypeScript then reports a wrong prop at the prop itself, not as "No overload matches".
    const resolved = resolveArgs<SecretProps>([scopeOrName, idOrProps, propsOrOptions, options]);
    super("secret", resolved);
    this.props = resolved.props ?? ({} as SecretProps);
    brand(this, BRANDS.secret);
  }

  /** @internal */
  _synth(_ctx: SynthContext): SecretSpec {
    const p = this.props;
    return {
      name: this.name,
      location: this.location,
      file: p.file,
      environment: p.environment,
      external: p.external,
      externalName: p.externalName,
      labels: stringRecord(p.labels),
    };
  }
}

export class Config extends Resource {
  /** True when `x` is a Config from any copy of this package. */
  static isConfig(x: unknown): x is Config {
    return hasBrand(x, BRANDS.config);
  }

  readonly props: ConfigProps;

  /**
   * Declares a config; grant it with `configs: [{ config, target: "/etc/app.conf" }]`.
   * Either `new Config("name", props)` in the current stack or `new Config(scope, "id", props)` under a stack or a component, named after its path (`blue-data`).
   */
  constructor(scopeOrName: Construct | string, idOrProps: string | ConfigProps, propsOrOptions?: ConfigProps | ConstructOptions, options?: ConstructOptions) {
    // One signature, not two overloads: TypeScript then reports a wrong prop at the prop itself, not as "No overload matches".
    const resolved = resolveArgs<ConfigProps>([scopeOrName, idOrProps, propsOrOptions, options]);
    super("config", resolved);
    this.props = resolved.props ?? ({} as ConfigProps);
    brand(this, BRANDS.config);
  }

  /** @internal */
  _synth(_ctx: SynthContext): ConfigSpec {
    const p = this.props;
    const secret: Sensitive | undefined = isSensitive(p.content) ? p.content : undefined;
    return {
      name: this.name,
      location: this.location,
      file: p.file,
      environment: p.environment,
      content: secret ? String(secret.value) : (p.content as string | undefined),
      sensitive: secret ? true : undefined,
      variable: secret?.variable,
      external: p.external,
      externalName: p.externalName,
      labels: stringRecord(p.labels),
    };
  }
}
