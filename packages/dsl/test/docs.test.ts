/** Editors show prop docs on hover: every prop of the public API has a doc comment, optional ones say their default. */
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const SRC = path.join(__dirname, "..", "src");
const PUBLIC_FILES = fs.readdirSync(SRC).filter((f) => f.endsWith(".ts") && f !== "graph.ts" && f !== "index.ts");

function undocumented(file: string): string[] {
  const source = ts.createSourceFile(file, fs.readFileSync(path.join(SRC, file), "utf8"), ts.ScriptTarget.ES2022, true);
  const missing: string[] = [];
  const visit = (node: ts.Node, owner: string) => {
    if (ts.isMethodDeclaration(node) || ts.isFunctionDeclaration(node)) return; // return types are not props
    if (ts.isInterfaceDeclaration(node)) owner = node.name.text;
    if (ts.isPropertySignature(node)) {
      const docs = ts
        .getJSDocCommentsAndTags(node)
        .map((d) => d.getText())
        .join("\n");
      const name = `${file}: ${owner}.${node.name.getText()}`;
      const optional = node.questionToken !== undefined && !node.type?.getText().startsWith("never");
      if (!docs) missing.push(`${name} has no doc comment`);
      else if (optional && !docs.includes("@default")) missing.push(`${name} has no @default`);
    }
    ts.forEachChild(node, (child) => visit(child, owner));
  };
  visit(source, "");
  return missing;
}

test("every prop of every public interface has a doc comment, and every optional prop its @default", () => {
  expect(PUBLIC_FILES.flatMap(undocumented)).toEqual([]);
});
