import { Service, Stack, openSession } from "@berth/dsl";
import * as path from "node:path";
import { parseFrame } from "../src/internal/location";
import { at } from "./helpers";

beforeEach(() => openSession({ defaultProject: "test" }));

test("every construct records the user's new X(...) line and column, relative to the working directory", () => {
  const stack = new Stack("app"); // stack-line
  const web = new Service("web", { image: "x" }); // web-line
  expect(`${stack.location.file}:${stack.location.line}:${stack.location.column}`).toBe(`${at(__filename, "stack-line")}17`);
  expect(`${web.location.file}:${web.location.line}:${web.location.column}`).toBe(`${at(__filename, "web-line")}15`);
  expect(web.location.file).toBe(path.relative(process.cwd(), __filename));
});

test("a Service subclass written by the user is located at its super(…) call: the first frame outside the DSL", () => {
  class Postgres extends Service {
    constructor(name: string) {
      super(name, { image: "postgres:16" }); // super-line
    }
  }
  new Stack("app");
  const db = new Postgres("db");
  expect(`${db.location.file}:${db.location.line}:`).toBe(at(__filename, "super-line"));
});

test("stack frames in V8 forms are parsed", () => {
  expect(parseFrame("    at new Service (/home/u/stack.ts:12:5)")).toEqual({ file: "/home/u/stack.ts", line: 12, column: 5 });
  expect(parseFrame("    at /home/u/stack.ts:3:9")).toEqual({ file: "/home/u/stack.ts", line: 3, column: 9 });
  expect(parseFrame("    at Object.<anonymous> (file:///home/u/my%20stack.mjs:1:2)")).toEqual({ file: "/home/u/my stack.mjs", line: 1, column: 2 });
  expect(parseFrame("    at C:\\work\\stack.ts:4:1")).toEqual({ file: "C:\\work\\stack.ts", line: 4, column: 1 });
  expect(parseFrame("Error: boom")).toBeUndefined();
});
