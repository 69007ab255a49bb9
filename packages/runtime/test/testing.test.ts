import * as path from "node:path";
import { Service, Stack, Volume } from "@berth/dsl";
import { Testing } from "../src";

test("Testing.synth and Testing.preview let users test their own stacks without Docker", () => {
  const stack = new Stack("shop");
  const data = new Volume("data");
  new Service("db", { image: "postgres:16", volumes: [{ source: data, target: "/var/lib/postgresql/data" }] });
  expect(Testing.synth(stack)).toContain("services:\n  db:\n    image: postgres:16\n    volumes:\n      - data:/var/lib/postgresql/data\n");
  expect(Testing.preview(stack)).toBe(
    [
      'Berth plan for "shop" (test://engine)',
      "  + network  shop_default",
      "  + volume   shop_data",
      "  + service  db       postgres:16",
      "Plan: 3 to add, 0 to change, 0 to remove.",
      "",
    ].join("\n"),
  );
  expect(Testing.graph(stack).services.db.location.file).toBe(path.relative(process.cwd(), __filename));
});
