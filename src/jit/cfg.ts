/**
 * The control-flow graph the JIT structures: basic blocks with their successors, the sBPF
 * functions (the blocks reachable from a call target without going through a call), and per
 * function the reverse postorder, dominator tree, loop headers and merge nodes that "Beyond
 * Relooper" (Ramsey, ICFP 2022) turns into wasm `block`/`loop` nesting.
 */
import type { Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import { decodeInsn, type Insn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { lddwValue, offAt, opcodeAt } from '../isa/slot.js';
import { opcodeRole, opcodeRoles } from '../isa/validity.js';
import { staticSyscalls } from '../isa/version.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { u64AsNumber } from '../runtime/bytes.js';

/** A basic block: slots [start, end), ending at the instruction in slot `last`. */
export interface Block {
  start: number;
  end: number;
  last: number;
  /** Instructions (an lddw counts once). */
  length: number;
  /** Blocks control may continue at within the same function (calls return to the next slot). */
  succ: number[];
  /** Ends with `exit`. */
  exits: boolean;
  /** Ends with a call of any kind (internal, syscall, `callx`): the meter moves while it runs. */
  calls: boolean;
  /** Slot of the function a block ending in a call (and no syscall) enters, else -1. */
  callee: number;
}

/** Target slot of an internal `call imm`, if it is one (after syscall resolution per version). */
export function internalCallTarget(exe: Executable, insn: Insn): number | undefined {
  if (staticSyscalls(exe.sbpfVersion)) return insn.src === 1 ? insn.pc + 1 + insn.imm : undefined;
  return exe.functions.get(insn.imm >>> 0)?.pc;
}

/** Splits the text into basic blocks; returns them and the slot → block index map (-1: no block starts there). */
export function basicBlocks(exe: Executable, syscalls: SyscallRegistry): { blocks: Block[]; blockOf: Int32Array; n: number } {
  const n = Math.floor(exe.text.length / INSN_SIZE); // a trailing partial slot is never executed
  const { text } = exe;
  // One pass over every slot, so the role table is read once and an instruction is decoded only
  // where its offset or immediate matters (jumps and calls).
  const roles = opcodeRoles(exe.sbpfVersion);
  const leader = new Uint8Array(n + 1);
  if (exe.entryPc >= 0 && exe.entryPc <= n) leader[exe.entryPc] = 1;
  leader[n] = 1; // running off the end
  for (let pc = 0; pc < n; pc++) {
    const role = roles[opcodeAt(text, pc)];
    if (role === 'lddw') {
      pc++;
      continue;
    }
    if (role === 'jump') {
      const target = pc + 1 + offAt(text, pc);
      if (target >= 0 && target <= n) leader[target] = 1;
      leader[pc + 1] = 1;
    } else if (role === 'call' || role === 'callx' || role === 'exit') {
      leader[pc + 1] = 1;
      if (role === 'call') {
        const target = internalCallTarget(exe, decodeInsn(text, pc));
        if (target !== undefined && target >= 0 && target < n) leader[target] = 1;
      }
    }
  }
  for (const f of exe.functions.values()) if (f.pc >= 0 && f.pc < n) leader[f.pc] = 1;
  for (const pc of addressTakenSlots(exe, n)) leader[pc] = 1;
  const blockOf = new Int32Array(n + 1).fill(-1);
  const blocks: Block[] = [];
  for (let pc = 0; pc <= n; pc++) {
    if (!leader[pc]) continue;
    let end = pc;
    let last = pc;
    let length = 0;
    if (pc === n) length = 1; // the overrun pseudo-block
    while (end < n) {
      last = end;
      const role = roles[opcodeAt(text, end)];
      end += role === 'lddw' && end + 1 < n ? 2 : 1;
      length++;
      if (role === 'jump' || role === 'call' || role === 'callx' || role === 'exit' || leader[end]) break;
    }
    blockOf[pc] = blocks.length;
    blocks.push({ start: pc, end, last, length, succ: [], exits: false, calls: false, callee: -1 });
  }
  for (const b of blocks) describeEnd(exe, syscalls, n, blockOf, b);
  return { blocks, blockOf, n };
}

/**
 * Blocks compiled in all, as a multiple of the program's blocks plus a constant: code shared by
 * many functions is copied into each, so a hostile program could otherwise make compiling
 * quadratic. Functions past the budget hand over to the interpreter at their entry.
 */
export const compiledBlocksBudget = (blocks: number) => 2 * blocks + 20_000;

/**
 * The whole program's control flow, which every module built for it shares: a program tiered up
 * by working sets is compiled again as its working set grows, and the analysis of all its slots
 * (most of a large program's compile time) is done once.
 */
export interface ProgramGraph {
  blocks: Block[];
  blockOf: Int32Array;
  n: number;
  /** Slots that get a compiled function, in order: the function entries and the address-taken slots. */
  entries: number[];
  /** Blocks that start a called or registered function: where the other functions' graphs end. */
  entryBlock: Uint8Array;
  /** Per function entry block: whether the function can return to its caller. */
  mayReturn: Uint8Array;
}

/** Per program, per syscall set ({@link SyscallRegistry.signature}): its graph. */
const programGraphs = new WeakMap<Executable, Map<string, ProgramGraph>>();

/** Whether `exe`'s {@link ProgramGraph} under `syscalls` has been computed (a module built for it again skips the analysis). */
export const hasProgramGraph = (exe: Executable, syscalls: SyscallRegistry): boolean => programGraphs.get(exe)?.has(syscalls.signature()) === true;

/** The {@link ProgramGraph} of `exe` under `syscalls` (computed on first use; the blocks' return edges after calls that never return are pruned). */
export function programGraph(exe: Executable, syscalls: SyscallRegistry): ProgramGraph {
  let bySignature = programGraphs.get(exe);
  if (!bySignature) programGraphs.set(exe, (bySignature = new Map()));
  const signature = syscalls.signature();
  let graph = bySignature.get(signature);
  if (!graph) {
    const { blocks, blockOf, n } = basicBlocks(exe, syscalls);
    const bounds = functionEntries(exe, n);
    const entryBlock = new Uint8Array(blocks.length);
    for (const pc of bounds) entryBlock[blockOf[pc]] = 1;
    const mayReturn = pruneCallsThatNeverReturn(blocks, blockOf, entryBlock, 2 * compiledBlocksBudget(blocks.length));
    const entries = [...new Set([...bounds, ...addressTakenSlots(exe, n)])].sort((a, b) => a - b);
    graph = { blocks, blockOf, n, entries, entryBlock, mayReturn };
    bySignature.set(signature, graph);
  }
  return graph;
}

/** Slots entered by a call or by the loader: the program entry, static call targets, registered functions. */
export function functionEntries(exe: Executable, n: number): number[] {
  const { text } = exe;
  const roles = opcodeRoles(exe.sbpfVersion);
  const entries = new Set<number>();
  if (exe.entryPc >= 0 && exe.entryPc <= n) entries.add(exe.entryPc);
  for (let pc = 0; pc < n; pc++) {
    const role = roles[opcodeAt(text, pc)];
    if (role === 'call') {
      const target = internalCallTarget(exe, decodeInsn(text, pc));
      if (target !== undefined && target >= 0 && target < n) entries.add(target);
    }
    if (role === 'lddw') pc++;
  }
  for (const f of exe.functions.values()) if (f.pc >= 0 && f.pc < n) entries.add(f.pc);
  return [...entries].sort((a, b) => a - b);
}

/**
 * Slots whose VM address the program itself holds: `lddw` immediates and 8-byte words of the
 * read-only data (vtables, relocated function pointers) equal to the address of a slot. These are
 * the `callx` targets the function registry does not list (a Rust `fmt` argument's formatter, a
 * trait object's method). A data word that only looks like one costs a needless compiled function.
 */
export function addressTakenSlots(exe: Executable, n: number): number[] {
  const slots = new Set<number>();
  const textEnd = exe.textVaddr + n * INSN_SIZE;
  const take = (addr: number) => {
    if (addr >= exe.textVaddr && addr < textEnd && (addr - exe.textVaddr) % INSN_SIZE === 0) slots.add((addr - exe.textVaddr) / INSN_SIZE);
  };
  const roles = opcodeRoles(exe.sbpfVersion);
  for (let pc = 0; pc + 1 < n; pc++) {
    if (roles[opcodeAt(exe.text, pc)] !== 'lddw') continue;
    take(lddwValue(exe.text, pc));
    pc++;
  }
  for (const region of exe.programRegions) {
    const view = new DataView(region.bytes.buffer, region.bytes.byteOffset, region.bytes.byteLength);
    for (let at = (INSN_SIZE - (region.vaddr % INSN_SIZE)) % INSN_SIZE; at + 8 <= region.bytes.length; at += 8) {
      const vaddr = region.vaddr + at;
      if (vaddr >= exe.textVaddr && vaddr < textEnd) continue; // the bytecode itself is no data
      take(u64AsNumber(view, at));
    }
  }
  return [...slots].sort((a, b) => a - b);
}

/**
 * Removes the edge to the next slot after calls to functions that never return (no `exit` is
 * reachable in them: panics, aborts). Compilers put the next function right after such a call,
 * and the phantom edge would join unrelated code, often irreducibly. Returns whether the
 * function entered at each block may return. `entryBlock` marks the function entries. After
 * `budget` block visits (hostile programs share code between many functions) every function not
 * yet known to return is assumed to, which keeps all its return edges.
 */
export function pruneCallsThatNeverReturn(blocks: Block[], blockOf: Int32Array, entryBlock: Uint8Array, budget = Infinity): Uint8Array {
  const mayReturn = new Uint8Array(blocks.length);
  const returnEdge = (b: Block) => (b.callee >= 0 ? blockOf[b.last + 1] : -1);
  const seen = new Int32Array(blocks.length).fill(-1); // the search that last reached a block
  const work: number[] = [];
  let search = 0;
  // Grows monotonically from "none returns" to the least fixed point.
  for (let changed = true; changed;) {
    changed = false;
    for (let e = 0; e < blocks.length; e++) {
      if (!entryBlock[e] || mayReturn[e]) continue;
      seen[e] = ++search;
      work.length = 0;
      work.push(e);
      while (work.length && !mayReturn[e]) {
        if (--budget < 0) {
          for (let f = 0; f < blocks.length; f++) if (entryBlock[f]) mayReturn[f] = 1;
          return mayReturn;
        }
        const b = blocks[work.pop()!];
        if (b.exits) mayReturn[e] = 1;
        for (const s of b.succ) {
          if (s === returnEdge(b) && !mayReturn[blockOf[b.callee]]) continue;
          if ((s === e || !entryBlock[s]) && seen[s] !== search) {
            seen[s] = search;
            work.push(s);
          }
        }
      }
      if (mayReturn[e]) changed = true;
    }
  }
  for (const b of blocks) if (b.callee >= 0 && !mayReturn[blockOf[b.callee]]) b.succ = b.succ.filter((s) => s !== returnEdge(b));
  return mayReturn;
}

/**
 * Where control may go after block `b` inside its function, whether it exits, and the function
 * it calls. A superset of successors is harmless (an edge the code never takes only shapes the
 * nesting); a missing edge would be a compiler error.
 */
function describeEnd(exe: Executable, syscalls: SyscallRegistry, n: number, blockOf: Int32Array, b: Block): void {
  if (b.start === n) return;
  // A slot no block starts at (inside an lddw whose second half is also reached) continues in the interpreter.
  const at = (pc: number) => (pc >= 0 && pc <= n && blockOf[pc] >= 0 ? [blockOf[pc]] : []);
  const insn = decodeInsn(exe.text, b.last);
  const role = opcodeRole(exe.sbpfVersion, insn.opc);
  switch (role) {
    case 'jump': {
      const target = at(b.last + 1 + insn.off);
      b.succ = insn.opc === op.JA ? target : [...target, ...at(b.last + 1)];
      return;
    }
    case 'call': {
      b.calls = true;
      const statics = staticSyscalls(exe.sbpfVersion);
      const syscall = (!statics || insn.src === 0) && syscalls.lookup(insn.imm >>> 0) !== undefined;
      const target = internalCallTarget(exe, insn);
      if (!syscall && target !== undefined && target >= 0 && target < n) b.callee = target;
      b.succ = syscall || target !== undefined ? at(b.last + 1) : [];
      return;
    }
    case 'callx':
      b.calls = true;
      b.succ = at(b.last + 1);
      return;
    case 'exit':
      b.exits = true;
      return;
    default:
      b.succ = at(b.end);
  }
}

/** One sBPF function as the structuring algorithm sees it; nodes are numbered in reverse postorder. */
export interface FunctionGraph {
  /** Global block index of each node; node 0 is the entry. */
  nodes: number[];
  /**
   * Whether the function calls itself. Such a call is a jump: its block's successor is the entry,
   * and every `exit` block's successors are the blocks after those calls (where a return to a
   * call of this same function continues), so recursion runs without wasm calls.
   */
  recursive: boolean;
  /** Successor nodes (with multiplicity). */
  succ: number[][];
  /** Immediate dominator of each node (the entry's is itself). */
  idom: Int32Array;
  /** Whether every retreating edge goes to a node that dominates its source. */
  reducible: boolean;
  /** Depth of the deepest node in the dominator tree. */
  domDepth: number;
  /** Targets of a back edge. */
  loopHeader: Uint8Array;
  /** Nodes entered by two or more forward edges. */
  merge: Uint8Array;
  /** Dominator-tree children that are merge nodes, highest reverse-postorder number first. */
  mergeChildren: number[][];
}

/**
 * The function entered at block `entry`, or undefined when it has more than `limit` blocks.
 * Control reaching another function's entry (`entries`) leaves the graph: the code after a call
 * to a function that never returns is usually the next function, and following it would copy the
 * rest of the program into every function. `localOf` is scratch space of one entry per block,
 * all -1 on entry and on return.
 */
export function functionGraph(blocks: readonly Block[], entry: number, entries: Uint8Array, localOf: Int32Array, limit = Infinity): FunctionGraph | undefined {
  const inside = (b: number) => b === entry || !entries[b];
  const post = postorder(entry, inside, (b) => blocks[b].succ, limit);
  if (!post) return undefined;
  // Calls to the function itself, and where they return to.
  const selfCall = (b: number) => blocks[b].callee === blocks[entry].start;
  const returnSites = [...new Set(post.filter(selfCall).flatMap((b) => blocks[b].succ))];
  const recursive = post.some(selfCall);
  const successors = (b: number) => (selfCall(b) ? [entry] : blocks[b].exits ? returnSites : blocks[b].succ);
  const nodes = (recursive ? postorder(entry, inside, successors, limit)! : post).reverse();
  const count = nodes.length;
  nodes.forEach((b, i) => (localOf[b] = i));
  const succ = nodes.map((b) =>
    successors(b)
      .filter(inside)
      .map((s) => localOf[s]),
  );
  for (const b of nodes) localOf[b] = -1;

  const preds: number[][] = nodes.map(() => []);
  succ.forEach((ss, u) => ss.forEach((s) => preds[s].push(u)));
  // Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm".
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  for (let changed = true; changed;) {
    changed = false;
    for (let x = 1; x < count; x++) {
      let d = -1;
      for (const p of preds[x]) {
        if (idom[p] < 0) continue;
        if (d < 0) d = p;
        else {
          let a = p;
          while (a !== d) {
            while (a > d) a = idom[a];
            while (d > a) d = idom[d];
          }
        }
      }
      if (d !== idom[x]) {
        idom[x] = d;
        changed = true;
      }
    }
  }
  const dominates = (a: number, b: number) => {
    while (b > a) b = idom[b];
    return a === b;
  };

  const loopHeader = new Uint8Array(count);
  const forwardIn = new Uint8Array(count);
  let reducible = true;
  succ.forEach((ss, u) =>
    ss.forEach((s) => {
      if (s <= u) {
        loopHeader[s] = 1;
        if (!dominates(s, u)) reducible = false;
      } else if (forwardIn[s] < 2) forwardIn[s]++;
    }),
  );
  const merge = forwardIn.map((k) => (k >= 2 ? 1 : 0));
  const mergeChildren: number[][] = nodes.map(() => []);
  const depth = new Int32Array(count);
  let domDepth = 0;
  for (let x = 1; x < count; x++) {
    depth[x] = depth[idom[x]] + 1;
    domDepth = Math.max(domDepth, depth[x]);
    if (merge[x]) mergeChildren[idom[x]].push(x);
  }
  for (const list of mergeChildren) list.reverse(); // children were visited in increasing order
  return { nodes, recursive, succ, idom, reducible, domDepth, loopHeader, merge, mergeChildren };
}

/**
 * Where the JIT checks and charges the instruction meter in one function. Each node with exactly
 * one predecessor, which does not end in a call, continues its predecessor's region; every other
 * node (the entry, loop headers, merges, the nodes after calls) heads one. Within a region the
 * instructions run since its head are known at compile time, so the meter is charged only where
 * a run leaves the region (or is observed: faults, calls, syscalls, exits), and checked only at
 * heads, for the longest run through the region.
 */
export interface MeterRegions {
  head: Uint8Array;
  /** Per node: the instructions of its region that run before it. */
  offset: Int32Array;
  /** Per node: the most instructions a run executes from its start until it reaches a head or leaves the function. */
  reach: Int32Array;
}

/** The {@link MeterRegions} of `g`, a function over `blocks`. */
export function meterRegions(g: FunctionGraph, blocks: readonly Block[]): MeterRegions {
  const count = g.nodes.length;
  const preds = new Int32Array(count);
  const pred = new Int32Array(count).fill(-1);
  g.succ.forEach((ss, u) =>
    ss.forEach((s) => {
      preds[s]++;
      pred[s] = u;
    }),
  );
  const head = new Uint8Array(count);
  for (let x = 0; x < count; x++) head[x] = x === 0 || preds[x] !== 1 || blocks[g.nodes[pred[x]]].calls ? 1 : 0;
  // A node's only predecessor comes before it in reverse postorder (else it would not be reached).
  const offset = new Int32Array(count);
  for (let x = 1; x < count; x++) if (!head[x]) offset[x] = offset[pred[x]] + blocks[g.nodes[pred[x]]].length;
  const reach = new Int32Array(count);
  for (let x = count - 1; x >= 0; x--) {
    let further = 0;
    for (const s of g.succ[x]) if (!head[s]) further = Math.max(further, reach[s]);
    reach[x] = blocks[g.nodes[x]].length + further;
  }
  return { head, offset, reach };
}

/**
 * Per node of `g`, whether it lies in a loop of at most `limit` instructions (its blocks' lengths
 * summed): on a path from the target of a retreating edge back to its source (for a reducible
 * function, the natural loops; otherwise at least every cycle).
 */
export function loopNodes(g: FunctionGraph, blocks: readonly Block[], limit = Infinity): Uint8Array {
  const count = g.nodes.length;
  const preds: number[][] = g.nodes.map(() => []);
  g.succ.forEach((ss, u) => ss.forEach((s) => preds[s].push(u)));
  const inLoop = new Uint8Array(count);
  const seen = new Int32Array(count).fill(-1);
  const work: number[] = [];
  const body: number[] = [];
  // Per loop header, one walk back from the sources of all its retreating edges.
  for (let h = 0; h < count; h++) {
    if (!g.loopHeader[h]) continue;
    seen[h] = h;
    body.length = 0;
    body.push(h);
    let length = blocks[g.nodes[h]].length;
    const visit = (x: number) => {
      if (seen[x] === h) return;
      seen[x] = h;
      work.push(x);
      body.push(x);
      length += blocks[g.nodes[x]].length;
    };
    for (const u of preds[h]) if (u >= h) visit(u);
    while (work.length) for (const p of preds[work.pop()!]) visit(p);
    if (length <= limit) for (const x of body) inLoop[x] = 1;
  }
  return inLoop;
}

/** The blocks reachable from `entry` through `succ` and `inside`, in postorder; undefined past `limit` blocks. */
function postorder(entry: number, inside: (b: number) => boolean, succ: (b: number) => readonly number[], limit: number): number[] | undefined {
  const post: number[] = [];
  const seen = new Set<number>([entry]);
  const stack: [number, number][] = [[entry, 0]];
  while (stack.length) {
    const top = stack[stack.length - 1];
    const next = succ(top[0]);
    if (top[1] < next.length) {
      const s = next[top[1]++];
      if (inside(s) && !seen.has(s)) {
        if (seen.size >= limit) return undefined;
        seen.add(s);
        stack.push([s, 0]);
      }
    } else {
      post.push(top[0]);
      stack.pop();
    }
  }
  return post;
}

/**
 * Per function, a bit mask of the argument registers r1..r5 (bit r) it may leave changed when it
 * returns: the ones its own instructions write and the ones its callees may change (all five
 * after a `callx`, whose target is not known). `nodes[f]` are the blocks of function `f`, or
 * undefined when it never returns to its caller (it hands over to the interpreter at once);
 * `calleeOf` gives the function a call block enters, if it has one. The JIT returns only these
 * registers to the caller.
 */
export function argumentsChanged(
  exe: Executable,
  blocks: readonly Block[],
  nodes: readonly (readonly number[] | undefined)[],
  calleeOf: (b: Block) => number | undefined,
): Uint8Array {
  const ALL = 0b111110;
  const changed = new Uint8Array(nodes.length);
  const callees: number[][] = nodes.map(() => []);
  nodes.forEach((list, f) => {
    if (!list) return;
    for (const index of list) {
      const b = blocks[index];
      for (let pc = b.start; pc < b.end; pc++) {
        const insn = decodeInsn(exe.text, pc);
        const role = opcodeRole(exe.sbpfVersion, insn.opc);
        if (role === 'lddw') pc++;
        if (role === 'callx') changed[f] = ALL;
        else if (role !== 'store' && role !== 'jump' && role !== 'call' && role !== 'exit' && insn.dst >= 1 && insn.dst <= 5) changed[f] |= 1 << insn.dst;
      }
      const callee = calleeOf(b);
      if (callee !== undefined) callees[f].push(callee);
    }
  });
  // What a callee changes, its callers change too: grow to the least fixed point.
  for (let again = true; again;) {
    again = false;
    callees.forEach((list, f) => {
      for (const g of list) {
        const mask = changed[f] | changed[g];
        if (mask !== changed[f]) {
          changed[f] = mask;
          again = true;
        }
      }
    });
  }
  return changed;
}
