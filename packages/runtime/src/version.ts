/** The version of Berth's runtime, as its package.json says (written into the `dev.berth.managed-by` label). */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON, inlined by bundlers
export const VERSION: string = (require("../package.json") as { version: string }).version;
