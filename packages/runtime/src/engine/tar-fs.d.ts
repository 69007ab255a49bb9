/** The part of tar-fs 2.x that the build context and `dsl cp` use (the package ships no types). */
declare module "tar-fs" {
  import type { Readable } from "node:stream";

  interface PackHeader {
    name: string;
    mode?: number;
    mtime?: Date;
    size?: number;
    type?: string;
    uid?: number;
    gid?: number;
    uname?: string;
    gname?: string;
    linkname?: string;
  }

  interface PackOptions {
    /** Called with each absolute path (below the root); true leaves it (and, for a folder, all it holds) out. */
    ignore?: (name: string) => boolean;
    /** Rewrites each header before it is written. */
    map?: (header: PackHeader) => PackHeader;
    /** Sort folder entries, for a deterministic archive. */
    sort?: boolean;
    dereference?: boolean;
    /** Only these entries of `cwd` (and all below them). */
    entries?: string[];
  }

  interface ExtractOptions {
    /** Called with each entry's absolute destination and header; true skips it. */
    ignore?: (name: string, header?: PackHeader) => boolean;
    /** Rewrites each header before the entry is written. */
    map?: (header: PackHeader) => PackHeader;
    /** Keep the archive's owners only when running as root. */
    chown?: boolean;
  }

  export function pack(cwd: string, options?: PackOptions): Readable;
  export function extract(cwd: string, options?: ExtractOptions): NodeJS.WritableStream;
}

/** The part of tar-stream 2.x that writes the files Berth puts into a container (the package ships no types). */
declare module "tar-stream" {
  import type { Readable } from "node:stream";

  interface Pack extends Readable {
    entry(header: { name: string; mode?: number; uid?: number; gid?: number; mtime?: Date }, content: string | Buffer): void;
    finalize(): void;
  }

  export function pack(): Pack;
}
