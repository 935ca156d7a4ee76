/**
 * A compute-unit profile: units attributed to call stacks (a tree of frames: programs, sBPF
 * functions, inlined functions, syscalls), and to source lines; folded to functions, and written
 * as folded stacks (the input of flamegraph.pl and inferno), speedscope JSON or an SVG flamegraph.
 */
import { flamegraphSvg, type FlamegraphOptions } from './flamegraph-svg.js';
import { toSpeedscope, type SpeedscopeFile } from './speedscope.js';

/** One frame of the profile tree, with the units spent in it and not in a callee. */
export class ProfileNode {
  self = 0;
  readonly children = new Map<string, ProfileNode>();
  constructor(readonly name: string) {}

  /** The child named `name`, made on first use. */
  child(name: string): ProfileNode {
    let c = this.children.get(name);
    if (!c) this.children.set(name, (c = new ProfileNode(name)));
    return c;
  }

  /** Units spent in this frame and everything it called. */
  total(): number {
    let t = this.self;
    for (const c of this.children.values()) t += c.total();
    return t;
  }
}

/** Units of one function: in itself (exclusive) and with its callees (inclusive). */
export interface FunctionCost {
  name: string;
  exclusive: number;
  inclusive: number;
}

/** Units of one source line (exclusive: the instructions of that line). */
export interface LineCost {
  file: string;
  line: number;
  units: number;
}

/** A transaction's compute units by call stack, function and line. */
export class Profile {
  /** The root of the call tree; its children are the top-level programs. */
  readonly root = new ProfileNode('');
  /** Units by `file:line` key. */
  readonly lineUnits = new Map<string, LineCost>();

  /** All units attributed. */
  get total(): number {
    return this.root.total();
  }

  /** Folded stacks, one `frame;frame;… units` line per stack with units of its own (flamegraph.pl / inferno format). */
  folded(): string {
    const lines: string[] = [];
    const walk = (node: ProfileNode, path: string) => {
      if (node.self > 0) lines.push(`${path} ${node.self}`);
      for (const c of node.children.values()) walk(c, path ? `${path};${c.name}` : c.name);
    };
    walk(this.root, '');
    return lines.join('\n') + (lines.length ? '\n' : '');
  }

  /** The profile as a speedscope file (https://www.speedscope.app); `JSON.stringify` it to write one. */
  speedscope(name?: string): SpeedscopeFile {
    return toSpeedscope(this, name);
  }

  /** A self-contained SVG flamegraph of the profile (see {@link flamegraphSvg}). */
  svg(options?: FlamegraphOptions): string {
    return flamegraphSvg(this, options);
  }

  /** Each function's exclusive and inclusive units (recursion counted once), most inclusive first. */
  functions(): FunctionCost[] {
    const costs = new Map<string, FunctionCost>();
    const walk = (node: ProfileNode, onStack: Set<string>) => {
      const cost = costs.get(node.name) ?? { name: node.name, exclusive: 0, inclusive: 0 };
      costs.set(node.name, cost);
      cost.exclusive += node.self;
      if (!onStack.has(node.name)) cost.inclusive += node.total();
      const inner = new Set(onStack).add(node.name);
      for (const c of node.children.values()) walk(c, inner);
    };
    for (const c of this.root.children.values()) walk(c, new Set());
    return [...costs.values()].sort((a, b) => b.inclusive - a.inclusive || a.name.localeCompare(b.name));
  }

  /** Units per source line, most first (only where the program has DWARF). */
  lines(): LineCost[] {
    return [...this.lineUnits.values()].sort((a, b) => b.units - a.units || a.file.localeCompare(b.file) || a.line - b.line);
  }
}
