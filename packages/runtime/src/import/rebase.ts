/**
 * A compose file's relative paths are relative to its folder, a stack's to the stack file's:
 * when the stack is written elsewhere (`dsl import sub/compose.yml -o stack.ts`), the modeled
 * paths (build contexts, bind sources, env files, secret and config files, watch paths) are rebased.
 * Values carried verbatim in `extra` are not.
 */
import * as path from "node:path";
import { rebasePath } from "../synth/relocate";
import { type ConstructDecl, type Expr, Octal, Ref, type StackModel } from "./model";

type Props = { readonly [key: string]: Expr };
const isProps = (e: Expr | undefined): e is Props => e !== null && typeof e === "object" && !Array.isArray(e) && !(e instanceof Ref) && !(e instanceof Octal);

function service(props: Props, move: (p: string) => string): Props {
  const out: Record<string, Expr> = { ...props };
  if (isProps(props.build) && typeof props.build.context === "string") out.build = { ...props.build, context: move(props.build.context) };
  if (isProps(props.develop) && Array.isArray(props.develop.watch))
    out.develop = {
      ...props.develop,
      watch: (props.develop.watch as Expr[]).map((r) => (isProps(r) && typeof r.path === "string" ? { ...r, path: move(r.path) } : r)),
    };
  if (Array.isArray(props.envFiles)) out.envFiles = (props.envFiles as string[]).map(move);
  if (Array.isArray(props.volumes)) {
    out.volumes = (props.volumes as Expr[]).map((m) =>
      isProps(m) && m.type === "bind" && typeof m.source === "string" ? { ...m, source: move(m.source) } : m,
    );
  }
  return out;
}

export function rebaseModel(model: StackModel, fromDir: string, toDir: string): StackModel {
  if (path.resolve(fromDir) === path.resolve(toDir)) return model;
  const move = (p: string) => rebasePath(p, fromDir, toDir);
  const constructs = model.constructs.map((c): ConstructDecl => {
    if (!c.props) return c;
    if (c.kind === "service") return { ...c, props: service(c.props, move) };
    if ((c.kind === "secret" || c.kind === "config") && typeof c.props.file === "string") return { ...c, props: { ...c.props, file: move(c.props.file) } };
    return c;
  });
  return { ...model, constructs };
}
