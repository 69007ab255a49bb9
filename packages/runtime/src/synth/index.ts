export { synth, toComposeModel } from "./compose";
export { checkComposeFile } from "./check";
export { isPlainSafe } from "./yaml";
export type * from "./types";
export { relocate } from "./relocate";
export { sensitiveFiles, sensitiveVariables, type EnvFileSyntax, type SensitiveFile, type SensitiveMode, type SynthOptions } from "./sensitive";
