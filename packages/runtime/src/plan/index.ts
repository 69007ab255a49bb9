export { plan, describeChange, type PlanOptions } from "./plan";
export { formatPlan, summarize, isEmptyPlan, changeSteps, type FormatOptions } from "./format";
export { containerName } from "./naming";
export type * from "./types";
