export { synth, toComposeModel } from "./compose";
export { isPlainSafe } from "./yaml";
export type * from "./types";
export { relocate } from "./relocate";
