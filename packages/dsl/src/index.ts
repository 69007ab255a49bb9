export * from "./graph";
export * from "./errors";
export * from "./sensitive";
export * from "./session";
export * from "./construct";
export * from "./stack";
export * from "./service";
export * from "./service-props";
export * from "./host-props";
export * from "./network";
export * from "./volume";
export * from "./file-resources";
export * from "./validate";
export * from "./units";
export * from "./env";
export * from "./context";
export * from "./suggest";
/** What a bind mount's `source` must look like (import writes every path compose reads in a form that passes it). */
export { isHostPath } from "./internal/mounts";
