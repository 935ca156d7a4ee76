/**
 * sBPF → WebAssembly. Every sBPF function (the program entry, each call target, each registered
 * function) becomes a wasm function; `call` is a wasm `call`, `callx` a `call_indirect` through
 * the function table, and a function's calls to itself are jumps inside it (recursion makes no
 * wasm calls). Calls dominate recursive code, so the convention is lean: the caller saves r6..r10
 * and the return pc in its call frame in the header as the VM does, and passes r0..r5, the callee's
 * r10, the frame pointer and the meter; the callee reads r6..r9 (a call keeps them) from that
 * frame and returns r0 and the meter. The argument registers it may have changed
 * (`argumentsChanged`) come back through the header's register slots; a negative meter says the
 * run left the compiled code (exit at depth 0, hand-over), which every caller passes up at once.
 * Inside a function the control-flow graph is rebuilt as nested `block`s and `loop`s with
 * Ramsey's "Beyond Relooper" (ICFP 2022); a function whose graph is irreducible (or whose
 * dominator tree is too deep to structure recursively) runs its blocks through a `loop` +
 * `br_table` dispatcher instead.
 *
 * Exact metering: the meter is a local counting down the units left (`LEFT`). Blocks form regions
 * (see `meterRegions`): a region's head checks that its longest run fits what is left; when it
 * does not, the run is handed to the interpreter there, which then fails (or finishes) exactly as
 * it would have. Inside a region the instructions run since the head are a compile-time constant,
 * charged where the run leaves the region or where the count is observed: a fault (which also
 * spills the registers to the header so the final machine state is observable), a call, a
 * syscall, an exit, a hand-over. A call or syscall ends its region, so the meter is checked again
 * after it.
 *
 * Memory: a load or store finds its host address through the header's region table, inline in
 * loops and through the `translate` function elsewhere (see `translateAccess`).
 */
import type { Executable } from '../executable.js';
import { assertInternal, InternalError } from '../errors.js';
import { FRAME_PTR_REG, INSN_SIZE, MAX_CALL_DEPTH, MM_REGION_SIZE, MM_STACK_START, STACK_FRAME_SIZE } from '../isa/constants.js';
import { decodeInsn, type Insn } from '../isa/instruction.js';
import * as op from '../isa/opcodes.js';
import { opcodeRole } from '../isa/validity.js';
import {
  callxTargetRegister,
  enablePqr,
  explicitSignExtensionOfResults,
  manualStackFrameBump,
  moveMemoryInstructionClasses,
  stackFrameGaps,
  staticSyscalls,
  swapSubRegImmOperands,
} from '../isa/version.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { INLINE_MEM_OP_HASHES, INLINE_MEM_OPS } from '../syscalls/memory.js';
import { INPUT_SLOT, LAZY_CHUNK, MARK_SHIFT, STORE_OVERHANG } from '../vm/memory.js';
import {
  compiledBlocksBudget,
  functionGraph,
  internalCallTarget,
  meterRegions,
  loopNodes,
  programGraph,
  argumentsChanged,
  type Block,
  type FunctionGraph,
  type MeterRegions,
} from './cfg.js';
import {
  ACCESS,
  FRAME,
  frameAt,
  frameRegister,
  HEADER,
  headerRegister,
  memOpPrice,
  REGION_ENTRY,
  regionEntry,
  STATUS_EXIT,
  STATUS_HAND_OVER,
  faultCode,
  type FaultKind,
} from './layout.js';
import { ModuleBuilder, ValType, type Code } from './wasm/index.js';

const I32 = ValType.I32;
const I64 = ValType.I64;
/** Fields of the header's region entries, which the compiled code reads and widens. */
const RE = REGION_ENTRY.offsets;
/** log2 of a region entry's size: a slot's entry is `slot << ENTRY_SHIFT` bytes into the table. */
const ENTRY_SHIFT = Math.log2(REGION_ENTRY.fixedSize);
/** The address bit that says an access into a gapped region starts in a gap. */
const GAP_BIT = 0x1000;
/** The stack's address-space slot. */
const STACK_SLOT = MM_STACK_START / MM_REGION_SIZE;

// Locals of every compiled function; the parameters (r0..r5, r10, FP, LEFT) come first.
const R = (i: number) => (i <= 5 ? i : i === FRAME_PTR_REG ? 6 : i + 3); // r6..r9 → locals 9..12
const FP = 7; // i32: header address of the next free call frame
const LEFT = 8; // i64: PREV less the instructions charged since the meter was last synchronised
const PREV = 13; // i64: the meter at that synchronisation (the `prev` global's value, cached)
const BLK = 14; // i32: dispatcher block index
const HPC = 15; // i32: pc to hand over or fault at
const FK = 16; // i32: fault kind (at ACCESS_FAILED: the access size, and 1 << 8 for a store)
const A = 17; // i32 scratch
const T = 18; // i64 scratch
const U = 19; // i64 scratch
const FP0 = 20; // i32: FP on entry (a recursive function's own calls push frames after it)
const E = 21; // i32: the region entry of the access being translated
// i32 locals of an inline memory syscall: host addresses (memcmp's ranges and result; memcpy's source and destination), the length, an index.
const MX = 22;
const MY = 23;
const MO = 24;
const MN = 25;
const MI = 26;
const PARAMS = [...Array<ValType>(7).fill(I64), I32, I64];
/** r0 and LEFT; a negative LEFT is minus the status of a run that left the compiled code. */
const RESULTS = [I64, I64];
/** r1..r5 as a bit mask (bit r). */
const ALL_ARGUMENTS = 0b111110;

/** log2 of the memory map's lazily copied chunk. */
export const CHUNK_SHIFT = Math.log2(LAZY_CHUNK);

/** Deeper dominator trees are dispatched: structuring recurses once per level. */
const MAX_STRUCTURED_DEPTH = 2000;

/**
 * Loops of at most this many sBPF instructions translate their accesses inline. The inline code
 * is ~5× a call's size, and in large programs the bigger loops (parsers, dispatch) run a few
 * times per transaction with caches cold, where the smaller module wins: Light compressed-token's
 * module 7.0 → 4.6 MB, mint_to v2 0.80/0.74 → 0.92/0.88 of LiteSVM's speed, while bench_sort's
 * and bench_checksum's inner loops keep theirs (see `npm run bench`).
 */
const INLINE_LOOP_LIMIT = 64;
/** What every function's compiler shares. */
interface ModuleContext {
  exe: Executable;
  syscalls: SyscallRegistry;
  blocks: Block[];
  blockOf: Int32Array;
  n: number;
  /** Function index of the compiled function entered at a slot. */
  functionAt: Map<number, number>;
  /** Per function index: the argument registers it may change (see `argumentsChanged`). */
  changedBy: Map<number, number>;
  functionType: number;
  translate: number;
  mulhu: number;
  lookup: number;
  dueGlobal: number;
  prevGlobal: number;
  syscallImport: number;
  faultImport: number;
  accessImport: number;
  /** Blocks that start a called or registered function: where the other functions' graphs end. */
  entryBlock: Uint8Array;
  /** Per function entry block: whether the function can return to its caller. */
  mayReturn: Uint8Array;
  /** Scratch: block index → node of the function being compiled, else -1. */
  localOf: Int32Array;
}

/**
 * Compiles `exe` for the given syscalls into a WebAssembly module. With `only`, just the functions
 * whose entry slot it marks (and the entrypoint) get code; every other function hands over to the
 * interpreter at its entry, so compiling costs what the program's working set costs.
 */
export function compileToWasm(exe: Executable, syscalls: SyscallRegistry, only?: Uint8Array): Uint8Array<ArrayBuffer> {
  const { blocks, blockOf, n, entries, entryBlock, mayReturn } = programGraph(exe, syscalls);
  const m = new ModuleBuilder();
  m.importMemory('env', 'memory', 1);
  const syscallImport = m.importFunction('env', 'syscall', [I32, I32, I64, I64, I64, I64, I64], [I64]);
  const faultImport = m.importFunction('env', 'fault', [I32, I32], []);
  const accessImport = m.importFunction('env', 'access', [], []);
  const dueGlobal = m.addGlobal(I64, true, 0n);
  const prevGlobal = m.addGlobal(I64, true, 0n);
  m.export('due', 'global', dueGlobal);
  m.export('prev', 'global', prevGlobal);

  // Functions end where another is called or registered; a slot whose address is taken gets a
  // compiled function for `callx` too, but code that runs into it keeps going inline.
  const run = m.addFunction([], [I32]);
  m.export('run', 'func', run.index);
  const translate = defineTranslate(m, dueGlobal, prevGlobal);
  const mulhu = defineMulhu(m);
  const lookup = defineLookup(m, entries);
  const functions = entries.map(() => m.addFunction(PARAMS, RESULTS));
  m.defineTable(functions.map((f) => f.index));
  const functionAt = new Map(entries.map((pc, i) => [pc, functions[i].index]));
  const mc: ModuleContext = {
    exe,
    syscalls,
    blocks,
    blockOf,
    n,
    functionAt,
    changedBy: new Map(),
    functionType: m.type(PARAMS, RESULTS),
    translate,
    mulhu,
    lookup,
    dueGlobal,
    prevGlobal,
    syscallImport,
    faultImport,
    accessImport,
    entryBlock,
    mayReturn,
    localOf: new Int32Array(blocks.length).fill(-1),
  };
  let budget = compiledBlocksBudget(blocks.length);
  const graphs = entries.map((pc) => {
    if (only && !only[pc] && pc !== exe.entryPc) return undefined;
    const graph = functionGraph(blocks, blockOf[pc], entryBlock, mc.localOf, budget);
    if (graph) budget -= graph.nodes.length;
    return graph;
  });
  const entryIndex = new Map(entries.map((pc, i) => [pc, i]));
  const changed = argumentsChanged(
    exe,
    blocks,
    graphs.map((g) => g?.nodes),
    (b) => entryIndex.get(b.callee),
  );
  functions.forEach((f, i) => mc.changedBy.set(f.index, changed[i]));
  entries.forEach((pc, i) => {
    const graph = graphs[i];
    if (graph) new FunctionCompiler(mc, functions[i].code, graph, changed[i]).compile();
    else emitHandOverAtEntry(functions[i].code, pc, mc);
  });

  // `run`: registers from the header (r6..r9 in the frame before the first), depth 0, then the
  // entry function; only its status is kept.
  const c = run.code;
  const entry = functionAt.get(exe.entryPc);
  if (entry === undefined) {
    c.i32Const(0).i32Const(exe.entryPc).i32Store(HEADER.pc).i32Const(STATUS_HAND_OVER); // the interpreter reports it
    return m.encode();
  }
  for (let r = 6; r <= 9; r++)
    c.i32Const(0)
      .i32Const(0)
      .i64Load(headerRegister(r))
      .i64Store(frameAt(-1) + frameRegister(r));
  for (let r = 0; r <= 5; r++) c.i32Const(0).i64Load(headerRegister(r));
  c.i32Const(0).i64Load(headerRegister(FRAME_PTR_REG));
  c.i32Const(HEADER.frames).globalGet(prevGlobal).globalGet(dueGlobal).i64Sub().call(entry);
  const status = c.locals(1, I64);
  c.localSet(status).drop().i64ConstI32(0).localGet(status).i64Sub().i32WrapI64();
  return m.encode();
}

type Next = number | 'terminated';

/** Compiles one sBPF function: labels are tracked by their nesting position. */
class FunctionCompiler {
  private readonly c: Code;
  private readonly g: FunctionGraph;
  /** Where the function starts (calls to it from inside are jumps). */
  private readonly entrySlot: number;
  private structured: boolean;
  /** Open labels. */
  private depth = 0;
  /** Nesting position of each node's `loop` (structured) / following `block`, -1 when not open. */
  private readonly loopPos: Int32Array;
  private readonly blockPos: Int32Array;
  private dispatchPos = -1;
  /** Node being emitted. */
  private current = 0;
  private readonly meter: MeterRegions;
  private readonly inSmallLoop: Uint8Array;
  /** Instructions run on the path being emitted since the meter was last charged (the current one included). */
  private uncharged = 0;
  // Function-level exits, outermost first.
  private readonly FAULT = 0;
  private readonly ACCESS = 1;
  private readonly ACCESS_FAILED = 2;
  private readonly PROPAGATE = 3;
  private readonly HAND_OVER = 4;

  constructor(
    private readonly mc: ModuleContext,
    code: Code,
    graph: FunctionGraph,
    /** The argument registers this function returns to its caller (see `argumentsChanged`). */
    private readonly changed: number,
  ) {
    this.c = code;
    this.g = graph;
    this.entrySlot = mc.blocks[graph.nodes[0]].start;
    this.structured = graph.reducible && graph.domDepth <= MAX_STRUCTURED_DEPTH;
    this.meter = meterRegions(graph, mc.blocks);
    this.inSmallLoop = loopNodes(graph, mc.blocks, INLINE_LOOP_LIMIT);
    this.loopPos = new Int32Array(graph.nodes.length).fill(-1);
    this.blockPos = new Int32Array(graph.nodes.length).fill(-1);
  }

  compile(): void {
    const { g, mc } = this;
    g.nodes.forEach((b, i) => (mc.localOf[b] = i));
    try {
      if (this.structured) {
        try {
          this.emit();
          return;
        } catch (e) {
          if (!(e instanceof RangeError)) throw e;
          // The structuring recursion ran out of stack after all: dispatch instead.
          this.c.clear();
          this.depth = 0;
          this.loopPos.fill(-1);
          this.blockPos.fill(-1);
          this.structured = false;
        }
      }
      this.emit();
    } finally {
      for (const b of g.nodes) mc.localOf[b] = -1;
    }
  }

  private emit(): void {
    const { c, mc } = this;
    enterFunction(c, mc);
    for (let i = 0; i < 5; i++) this.open('block');
    if (this.structured) this.doTree(0);
    else this.dispatch();
    this.uncharged = 0; // every branch to what follows has charged the meter
    this.close(); // hand over: save the machine state for the interpreter
    this.saveState();
    this.syncDue();
    c.i32Const(0).localGet(HPC).i32Store(HEADER.pc);
    this.returnStatus(STATUS_HAND_OVER);
    this.close(); // a callee exited or handed over: pass its status up
    c.i64ConstI32(0).localGet(LEFT).return();
    this.close(); // an access translated inline failed: translate records it (see `translateAccess`)
    c.localGet(T)
      .localGet(FK)
      .i32Const(0xff)
      .i32And()
      .localGet(FK)
      .i32Const(8)
      .i32ShrU()
      .localGet(HPC)
      .localGet(PREV)
      .globalGet(mc.dueGlobal)
      .i64Sub()
      .call(mc.translate)
      .if()
      .unreachable() // it found a way the inline translation did not
      .end();
    this.close(); // access violation (translate recorded it in the header)
    this.saveState();
    c.call(mc.accessImport).unreachable();
    this.close(); // any other fault
    this.saveState();
    c.localGet(FK).localGet(HPC).call(mc.faultImport).unreachable();
  }

  // --- labels ---

  private open(kind: 'block' | 'loop' | 'if'): number {
    if (kind === 'block') this.c.block();
    else if (kind === 'loop') this.c.loop();
    else this.c.if();
    return this.depth++;
  }

  private close(): void {
    this.c.end();
    this.depth--;
  }

  private br(pos: number): void {
    assertInternal(pos >= 0, 'JIT: branch to a label that is not open');
    this.c.br(this.depth - 1 - pos);
  }

  private brIf(pos: number): void {
    this.c.brIf(this.depth - 1 - pos);
  }

  // --- control flow ---

  /** Ramsey's doTree: a node, its merge children after the blocks they follow, all in its loop if it heads one. */
  private doTree(x: number): void {
    const { g } = this;
    const saved = this.current;
    if (g.loopHeader[x]) this.loopPos[x] = this.open('loop');
    const merges = g.mergeChildren[x];
    for (const y of merges) this.blockPos[y] = this.open('block');
    this.current = x;
    this.emitBlock();
    for (let k = merges.length - 1; k >= 0; k--) {
      this.close();
      this.blockPos[merges[k]] = -1;
      this.doTree(merges[k]);
    }
    if (g.loopHeader[x]) {
      this.close();
      this.loopPos[x] = -1;
    }
    this.current = saved;
  }

  /** The fallback: every block after its own `block`, entered through one `br_table`. */
  private dispatch(): void {
    const { c, g } = this;
    this.dispatchPos = this.open('loop');
    for (let i = g.nodes.length - 1; i >= 0; i--) this.blockPos[i] = this.open('block');
    c.localGet(BLK).brTable(
      g.nodes.map((_, i) => this.depth - 1 - this.blockPos[i]),
      this.depth - 1 - this.HAND_OVER,
    );
    for (let i = 0; i < g.nodes.length; i++) {
      this.close();
      this.blockPos[i] = -1;
      this.current = i;
      this.emitBlock();
    }
    this.close();
  }

  /** Continue at node `y` of this function. */
  private branch(y: number): void {
    const x = this.current;
    const uncharged = this.uncharged;
    if (this.meter.head[y]) this.charge();
    else assertInternal(uncharged === this.meter.offset[y], 'JIT: a region continues with another count');
    if (!this.structured) {
      if (this.blockPos[y] >= 0) this.br(this.blockPos[y]);
      else {
        this.c.i32Const(y).localSet(BLK);
        this.br(this.dispatchPos);
      }
    } else if (y <= x) this.br(this.loopPos[y]);
    else if (this.g.merge[y]) this.br(this.blockPos[y]);
    else this.doTree(y);
    this.current = x;
    this.uncharged = uncharged;
  }

  /** Continue at slot `pc`: its block, or the interpreter when none starts there or it enters another function. */
  private jumpTo(pc: number): void {
    const b = pc >= 0 && pc <= this.mc.n ? this.mc.blockOf[pc] : -1;
    const node = b >= 0 ? this.mc.localOf[b] : -1;
    if (node >= 0) this.branch(node);
    else {
      if (b >= 0 && !this.mc.entryBlock[b]) throw new InternalError(`JIT: slot ${pc} is not in the function's graph`);
      const uncharged = this.uncharged;
      this.charge();
      this.c.i32Const(pc).localSet(HPC);
      this.br(this.HAND_OVER);
      this.uncharged = uncharged;
    }
  }

  private returnStatus(status: number): void {
    returnStatus(this.c, status);
  }

  private saveState(): void {
    saveState(this.c);
  }

  /** Takes the instructions run since the meter was last charged off LEFT. */
  private charge(): void {
    if (this.uncharged) this.c.localGet(LEFT).i64ConstI32(this.uncharged).i64Sub().localSet(LEFT);
    this.uncharged = 0;
  }

  /** Publishes the meter for the JS side: the instructions run since the last synchronisation. */
  private syncDue(): void {
    this.c.localGet(PREV).localGet(LEFT).i64Sub();
    if (this.uncharged) this.c.i64ConstI32(this.uncharged).i64Add();
    this.c.globalSet(this.mc.dueGlobal);
  }

  /** Raises `kind` at `pc`, counting the instructions run up to it, itself included. */
  private fault(kind: FaultKind, pc: number): void {
    this.syncDue();
    this.c.i32Const(faultCode(kind)).localSet(FK).i32Const(pc).localSet(HPC);
    this.br(this.FAULT);
  }

  /** Emits the current node's block. */
  private emitBlock(): void {
    const { c, mc, meter } = this;
    const x = this.current;
    const b = mc.blocks[this.g.nodes[x]];
    if (meter.head[x]) {
      // Meter: the longest run through the region must fit, else the interpreter takes over here.
      c.localGet(LEFT).i64ConstI32(meter.reach[x]).i64LtS();
      this.open('if');
      c.i32Const(b.start).localSet(HPC);
      this.br(this.HAND_OVER);
      this.close();
    }
    this.uncharged = meter.offset[x] + 1;
    if (b.start === mc.n) {
      this.fault('ExecutionOverrun', b.start);
      return;
    }
    let pc = b.start;
    while (pc < b.end) {
      const next = this.emitInsn(decodeInsn(mc.exe.text, pc));
      if (next === 'terminated') return;
      pc = next;
      this.uncharged++;
    }
    this.uncharged--;
    this.jumpTo(pc); // fall through into the next block
  }

  // --- calls ---

  /** Saves r6..r9, r10 and the return pc in the next frame; faults when it is one too many. */
  private pushFrame(pc: number): void {
    const c = this.c;
    for (let r = 6; r <= 9; r++) c.localGet(FP).localGet(R(r)).i64Store(frameRegister(r));
    c.localGet(FP).localGet(R(FRAME_PTR_REG)).i64Store(frameRegister(FRAME_PTR_REG));
    c.localGet(FP)
      .i32Const(pc + 1)
      .i32Store(FRAME.offsets.returnPc);
    c.localGet(FP)
      .i32Const(frameAt(MAX_CALL_DEPTH - 1))
      .i32Eq();
    this.open('if');
    // The VM counts the frame it could not enter (its return pc ends the backtrace); r10 stays.
    c.localGet(FP).i32Const(HEADER.frameSize).i32Add().localSet(FP);
    this.fault('CallDepthExceeded', pc);
    this.close();
  }

  /** The frame-pointer bump a call makes in this version (0 when the program bumps it itself). */
  private frameBump(): number {
    const v = this.mc.exe.sbpfVersion;
    return manualStackFrameBump(v) ? 0 : STACK_FRAME_SIZE * (stackFrameGaps(v) ? 2 : 1);
  }

  /** Enters the pushed frame in this function's own state (before a hand-over or a call fault). */
  private enterFrame(): void {
    const c = this.c;
    c.localGet(FP).i32Const(HEADER.frameSize).i32Add().localSet(FP);
    const bump = this.frameBump();
    if (bump) c.localGet(R(FRAME_PTR_REG)).i64ConstI32(bump).i64Add().localSet(R(FRAME_PTR_REG));
  }

  /**
   * Calls a compiled function on the pushed frame; `callee` emits the call, after which r0, the
   * meter and the argument registers in `changed` come back (r6..r10 are the caller's own).
   */
  private callFunction(callee: () => void, changed: number): void {
    const c = this.c;
    for (let r = 0; r <= 5; r++) c.localGet(R(r));
    c.localGet(R(FRAME_PTR_REG));
    const bump = this.frameBump();
    if (bump) c.i64ConstI32(bump).i64Add();
    c.localGet(FP).i32Const(HEADER.frameSize).i32Add().localGet(LEFT);
    callee();
    c.localTee(LEFT).i64ConstI32(0).i64LtS();
    this.brIf(this.PROPAGATE);
    c.localSet(R(0));
    c.globalGet(this.mc.prevGlobal).localSet(PREV); // the callee's syscalls move it
    for (let r = 1; r <= 5; r++) if (changed & (1 << r)) c.i32Const(0).i64Load(headerRegister(r)).localSet(R(r));
  }

  /** Stores the argument registers in `mask` where a caller reads them back after the call. */
  private storeArguments(mask: number): void {
    for (let r = 1; r <= 5; r++) if (mask & (1 << r)) this.c.i32Const(0).localGet(R(r)).i64Store(headerRegister(r));
  }

  /**
   * At an `exit` (not at depth 0) in a recursive function: when the frame on top is one its own
   * calls pushed in this wasm call, pops it as the VM does (r6..r10 back) and continues after
   * that call, the return slot telling which.
   */
  private returnToSelfCall(): void {
    const { c, g, mc } = this;
    const sites = g.nodes.filter((b) => mc.blocks[b].callee === this.entrySlot).map((b) => mc.blocks[b].last + 1);
    c.localGet(FP).localGet(FP0).i32Ne();
    this.open('if');
    c.localGet(FP).i32Const(HEADER.frameSize).i32Sub().localSet(FP);
    for (let r = 6; r <= 9; r++) c.localGet(FP).i64Load(frameRegister(r)).localSet(R(r));
    c.localGet(FP).i64Load(frameRegister(FRAME_PTR_REG)).localSet(R(FRAME_PTR_REG));
    sites.forEach((site, i) => {
      if (i === sites.length - 1) return this.jumpTo(site);
      c.localGet(FP).i32Load(FRAME.offsets.returnPc).i32Const(site).i32Eq();
      this.open('if');
      this.jumpTo(site);
      this.close();
    });
    this.close();
  }

  /** A call to slot `target` after the frame push: compiled, outside the text, or continued by the interpreter. */
  private callSlot(target: number, pc: number): Next {
    const { g, mc } = this;
    if (g.recursive && mc.blocks[g.nodes[this.current]].callee === this.entrySlot) {
      this.enterFrame();
      this.jumpTo(target); // a call to this same function: a jump (see `FunctionGraph.recursive`)
      return 'terminated';
    }
    const f = mc.functionAt.get(target);
    if (f !== undefined) {
      this.callFunction(() => this.c.call(f), this.mc.changedBy.get(f)!);
      if (this.mc.mayReturn[this.mc.blockOf[target]]) this.jumpTo(pc + 1);
      else this.c.unreachable(); // the callee only ever faults or leaves the JIT
    } else {
      this.enterFrame();
      if (target >= this.mc.n) this.fault('CallOutsideTextSegment', pc);
      else {
        this.c.i32Const(target).localSet(HPC);
        this.br(this.HAND_OVER);
      }
    }
    return 'terminated';
  }

  private emitCall(insn: Insn): Next {
    const { c, mc } = this;
    const statics = staticSyscalls(mc.exe.sbpfVersion);
    const { pc, src, imm } = insn;
    let resolved = false;
    if ((!statics || src === 0) && mc.syscalls.lookup(imm >>> 0)) {
      this.charge(); // a call ends its region
      const memOp = INLINE_MEM_OP_HASHES.indexOf(imm >>> 0);
      const inline = memOp >= 0;
      const done = inline ? this.open('block') : -1;
      if (inline) {
        const slow = this.open('block');
        this.inlineMemOp(memOp, pc, slow, done);
        this.close();
        c.i64ConstI32(0).globalSet(mc.dueGlobal); // a failed translation set it, and the syscall charges what is due
      }
      this.saveState(); // the registers a failing syscall leaves
      c.i32Const(0).localGet(PREV).localGet(LEFT).i64Sub().i64Store(HEADER.syscallDue);
      c.i32Const(imm).i32Const(pc);
      for (let r = 1; r <= 5; r++) c.localGet(R(r));
      c.call(mc.syscallImport).localSet(R(0));
      // Nothing is due after it; the globals say so for the code that reads them next.
      c.i32Const(0).i64Load(HEADER.syscallUnits).localTee(PREV).localTee(LEFT).globalSet(mc.prevGlobal);
      c.i64ConstI32(0).globalSet(mc.dueGlobal);
      if (inline) this.close();
      resolved = true;
    }
    const target = internalCallTarget(mc.exe, insn);
    if (target !== undefined && (!statics || (target >= 0 && target < mc.n))) {
      this.charge();
      this.pushFrame(pc);
      return this.callSlot(target, pc);
    }
    if (!resolved) {
      this.fault('UnsupportedInstruction', pc);
      return 'terminated';
    }
    this.jumpTo(pc + 1);
    return 'terminated';
  }

  /**
   * The memory syscall {@link INLINE_MEM_OPS}[`op`] without leaving the wasm code, in its plain
   * case, else branches to `slow` (the JS syscall) before any effect: the built-in syscall with
   * this run's prices in the header, its charge fitting the units left, a length (r3) below 2^32,
   * for `sol_memcpy_` ranges that do not overlap, for `sol_memcmp_` an aligned result, and each
   * range inside one region that allows the access (translated by `translate` as a load or store
   * is, in the syscall's order; a zero length translates no range). The charge stays due (the
   * next synchronisation charges it as it does the instructions); stores mark and note what the
   * syscall's do.
   */
  private inlineMemOp(op: number, pc: number, slow: number, done: number): void {
    const c = this.c;
    const name = INLINE_MEM_OPS[op];
    const translate = (addr: number, size: () => void, store: boolean, host: number) => {
      c.localGet(R(addr));
      size();
      c.i32Const(store ? 1 : 0)
        .i32Const(pc)
        .localGet(LEFT)
        .call(this.mc.translate)
        .localTee(host)
        .i32Eqz();
      this.brIf(slow);
    };
    const length = () => c.localGet(MN);
    // The charge, and the syscall's 0 in r0.
    const charged = () => c.localGet(LEFT).localGet(T).i64Sub().localSet(LEFT).i64ConstI32(0).localSet(R(0));
    c.i32Const(0).i64Load(memOpPrice(op, 'perUnit')).localTee(U).i64Eqz();
    this.brIf(slow);
    c.localGet(R(3)).i64Const(0, 0xffff_ffff).i64GtU();
    this.brIf(slow);
    if (name === 'sol_memcmp_') {
      c.localGet(R(4)).i32WrapI64().i32Const(3).i32And();
      this.brIf(slow);
    }
    if (name === 'sol_memcpy_') {
      // Agave's overlap check on the VM addresses: |dst - src| < n fails.
      c.localGet(R(1)).localGet(R(2)).i64Sub();
      c.localGet(R(2)).localGet(R(1)).i64Sub();
      c.localGet(R(1)).localGet(R(2)).i64GtU().select();
      c.localGet(R(3)).i64LtU();
      this.brIf(slow);
    }
    // T = max(memOpBaseCost, n / cpiBytesPerUnit), which must not exceed the units left.
    c.localGet(R(3)).localGet(U).i64DivU().localTee(T);
    c.i32Const(0).i64Load(memOpPrice(op, 'base')).localTee(U);
    c.localGet(T).localGet(U).i64GtU().select().localTee(T);
    c.localGet(LEFT).i64GtS();
    this.brIf(slow);
    c.localGet(R(3)).i32WrapI64().localSet(MN);
    if (name === 'sol_memcmp_') return this.memcmpBody(translate, charged, done);
    // Nothing to translate or store for n = 0.
    c.localGet(MN).i32Eqz();
    this.open('if');
    charged();
    this.br(done);
    this.close();
    translate(1, length, true, MO);
    if (name === 'sol_memset_') {
      charged();
      this.markInputPages();
      c.localGet(MO).localGet(R(2)).i32WrapI64().localGet(MN).memoryFill();
    } else {
      translate(2, length, false, MX);
      charged();
      this.markInputPages();
      c.localGet(MO).localGet(MX).localGet(MN).memoryCopy(); // moves as the syscall's copyWithin does, overlapping host ranges included
    }
    this.br(done);
  }

  /**
   * For a store of the syscall's MN bytes at r1 into the input, the store marks after the one of
   * the page its first byte is in (which `translate` set): as `MemoryMap.mark`, up to the page of
   * its last byte less a store's overhang.
   */
  private markInputPages(): void {
    const c = this.c;
    c.localGet(R(1)).i64Const(0, 32).i64ShrU().i64ConstI32(INPUT_SLOT).i64Eq();
    this.open('if');
    c.localGet(R(1)).i32WrapI64().i32Const(MARK_SHIFT).i32ShrU().localSet(A);
    // The pages past the first: (offset + n - 1 - overhang) >> shift, less the first page (none when negative).
    c.localGet(R(1))
      .i64Const(0, 0xffff_ffff)
      .i64And()
      .localGet(R(3))
      .i64Add()
      .i64ConstI32(STORE_OVERHANG + 1)
      .i64Sub();
    c.i64ConstI32(MARK_SHIFT).i64ShrS().i32WrapI64().localGet(A).i32Sub().localTee(MI).i32Const(0).i32GtS();
    this.open('if');
    c.i32Const(0).i32Load(HEADER.inputMarks).localGet(A).i32Add().i32Const(1).i32Add().i32Const(1).localGet(MI).memoryFill();
    this.close();
    this.close();
  }

  /** `sol_memcmp_`'s translations and comparison, once its checks and charge are known to pass (see {@link inlineMemOp}). */
  private memcmpBody(translate: (addr: number, size: () => void, store: boolean, host: number) => void, charged: () => void, done: number): void {
    const c = this.c;
    c.localGet(MN);
    this.open('if');
    translate(1, () => c.localGet(MN), false, MX);
    translate(2, () => c.localGet(MN), false, MY);
    this.close();
    translate(4, () => c.i32Const(4), true, MO);
    charged();
    // The first differing byte: 8 bytes at a time while 8 remain, then byte by byte.
    c.i32Const(0).localSet(MI);
    const equal = this.open('block');
    const found = this.open('block');
    const bytes = this.open('block');
    const words = this.open('loop');
    c.localGet(MN).localGet(MI).i32Sub().i32Const(8).i32LtU();
    this.brIf(bytes);
    c.localGet(MX).localGet(MI).i32Add().i64Load();
    c.localGet(MY).localGet(MI).i32Add().i64Load();
    c.i64Xor().localTee(U).i64Eqz().i32Eqz();
    this.open('if');
    c.localGet(MI).localGet(U).i64Ctz().i32WrapI64().i32Const(3).i32ShrU().i32Add().localSet(MI);
    this.br(found);
    this.close();
    c.localGet(MI).i32Const(8).i32Add().localSet(MI);
    this.br(words);
    this.close();
    this.close();
    const tail = this.open('loop');
    c.localGet(MI).localGet(MN).i32GeU();
    this.brIf(equal);
    c.localGet(MX).localGet(MI).i32Add().i32Load8U();
    c.localGet(MY).localGet(MI).i32Add().i32Load8U();
    c.i32Ne();
    this.brIf(found);
    c.localGet(MI).i32Const(1).i32Add().localSet(MI);
    this.br(tail);
    this.close();
    this.close();
    c.localGet(MO);
    c.localGet(MX).localGet(MI).i32Add().i32Load8U();
    c.localGet(MY).localGet(MI).i32Add().i32Load8U();
    c.i32Sub().i32Store();
    this.br(done);
    this.close();
    c.localGet(MO).i32Const(0).i32Store();
    this.br(done);
  }

  /** `callx`: compiled functions through the table; any other slot continues in the interpreter. */
  private emitCallx(insn: Insn): Next {
    const { c, mc } = this;
    const reg = callxTargetRegister(mc.exe.sbpfVersion, insn);
    if (reg < 0 || reg > 10) {
      this.fault('InvalidInstruction', insn.pc); // as the interpreter (the verifier says InvalidRegister)
      return 'terminated';
    }
    const pc = insn.pc;
    c.localGet(R(reg)).localSet(U); // read before the push may bump r10
    this.charge();
    this.pushFrame(pc);
    c.localGet(U)
      .i64Const(Math.floor(mc.exe.textVaddr / 2 ** 32), mc.exe.textVaddr % 2 ** 32)
      .i64Sub()
      .i64ConstI32(INSN_SIZE)
      .i64DivU()
      .localTee(T);
    c.i64ConstI32(mc.n).i64GeU();
    this.open('if');
    this.enterFrame();
    this.fault('CallOutsideTextSegment', pc);
    this.close();
    c.localGet(T).i32WrapI64().call(mc.lookup).localTee(A).i32Const(0).i32LtS();
    this.open('if');
    this.enterFrame();
    c.localGet(T).i32WrapI64().localSet(HPC);
    this.br(this.HAND_OVER);
    this.close();
    // The target is known only now: it returns what it changes over the caller's own values.
    this.storeArguments(ALL_ARGUMENTS);
    this.callFunction(() => c.localGet(A).callIndirect(mc.functionType), ALL_ARGUMENTS);
    this.jumpTo(pc + 1);
    return 'terminated';
  }

  // --- instructions ---

  private emitInsn(insn: Insn): Next {
    const { c, mc } = this;
    const v = mc.exe.sbpfVersion;
    const { opc, dst, src, off, imm, pc } = insn;
    const role = opcodeRole(v, opc);
    if (dst > 10 || src > 10) {
      this.fault('InvalidInstruction', pc); // as the interpreter: there is no r11..r15
      return 'terminated';
    }
    const x = (opc & op.BPF_X) !== 0;
    const operand64 = () => (x ? c.localGet(R(src)) : c.i64ConstI32(imm));
    const operand32 = () => (x ? c.localGet(R(src)).i32WrapI64() : c.i32Const(imm));
    const dst32 = () => c.localGet(R(dst)).i32WrapI64();
    const signExt = !explicitSignExtensionOfResults(v);
    const moved = moveMemoryInstructionClasses(v);

    switch (role) {
      case 'invalid':
        this.fault('UnsupportedInstruction', pc);
        return 'terminated';
      case 'lddw':
        c.i64Const(pc + 1 < mc.n ? decodeInsn(mc.exe.text, pc + 1).imm : 0, imm).localSet(R(dst));
        return pc + 2;
      case 'load':
      case 'store': {
        const size = memSize(opc, moved);
        const base = role === 'load' ? src : dst;
        this.translateAccess(base, off, size, role === 'store', pc);
        if (role === 'load') {
          c.localGet(A);
          if (size === 1) c.i64Load8U();
          else if (size === 2) c.i64Load16U();
          else if (size === 4) c.i64Load32U();
          else c.i64Load();
          c.localSet(R(dst));
        } else {
          const storesReg = moved ? x : (opc & op.BPF_CLS_MASK) === op.BPF_STX;
          c.localGet(A);
          if (storesReg) c.localGet(R(src));
          else c.i64ConstI32(imm);
          if (size === 1) c.i64Store8();
          else if (size === 2) c.i64Store16();
          else if (size === 4) c.i64Store32();
          else c.i64Store();
        }
        return pc + 1;
      }
      case 'endian':
        this.emitEndian(opc, dst, imm, pc);
        return pc + 1;
      case 'jump': {
        const target = pc + 1 + off;
        if (opc === op.JA) {
          this.jumpTo(target);
          return 'terminated';
        }
        if ((opc & op.BPF_CLS_MASK) === op.BPF_JMP32) {
          dst32();
          operand32();
        } else {
          c.localGet(R(dst));
          operand64();
        }
        emitCompare(c, opc);
        this.open('if');
        this.jumpTo(target);
        this.close();
        this.jumpTo(pc + 1);
        return 'terminated';
      }
      case 'call':
        return this.emitCall(insn);
      case 'callx':
        return this.emitCallx(insn);
      case 'exit':
        c.localGet(FP).i32Const(HEADER.frames).i32Eq();
        this.open('if');
        this.saveState();
        this.syncDue();
        this.returnStatus(STATUS_EXIT);
        this.close();
        if (this.g.recursive) this.returnToSelfCall();
        // The caller keeps its own r6..r10, the values the frame saved.
        this.storeArguments(this.changed);
        this.charge();
        c.localGet(R(0)).localGet(LEFT).return();
        return 'terminated';
    }

    // ALU, PQR, shifts, division by immediates.
    const cls = opc & op.BPF_CLS_MASK;
    if (cls === op.BPF_PQR) {
      this.emitPqr(insn);
      return pc + 1;
    }
    const is64 = cls === op.BPF_ALU64_STORE;
    const aluOp = opc & 0xf0;
    if (opc === op.HOR64_IMM) {
      c.localGet(R(dst)).i64Const(imm, 0).i64Or().localSet(R(dst));
      return pc + 1;
    }
    if (is64) {
      switch (aluOp) {
        case op.BPF_ADD:
          c.localGet(R(dst));
          operand64();
          c.i64Add();
          break;
        case op.BPF_SUB:
          if (!x && swapSubRegImmOperands(v)) c.i64ConstI32(imm).localGet(R(dst)).i64Sub();
          else {
            c.localGet(R(dst));
            operand64();
            c.i64Sub();
          }
          break;
        case op.BPF_MUL:
          c.localGet(R(dst));
          operand64();
          c.i64Mul();
          break;
        case op.BPF_DIV:
        case op.BPF_MOD:
          if (!x && imm === 0) {
            this.fault('DivideByZero', pc); // unverified code only: the verifier rejects it
            return 'terminated';
          }
          if (x) {
            c.localGet(R(src)).i64Eqz();
            this.open('if');
            this.fault('DivideByZero', pc);
            this.close();
          }
          c.localGet(R(dst));
          operand64();
          if (aluOp === op.BPF_DIV) c.i64DivU();
          else c.i64RemU();
          break;
        case op.BPF_OR:
          c.localGet(R(dst));
          operand64();
          c.i64Or();
          break;
        case op.BPF_AND:
          c.localGet(R(dst));
          operand64();
          c.i64And();
          break;
        case op.BPF_XOR:
          c.localGet(R(dst));
          operand64();
          c.i64Xor();
          break;
        case op.BPF_LSH:
          c.localGet(R(dst));
          operand64();
          c.i64Shl();
          break;
        case op.BPF_RSH:
          c.localGet(R(dst));
          operand64();
          c.i64ShrU();
          break;
        case op.BPF_ARSH:
          c.localGet(R(dst));
          operand64();
          c.i64ShrS();
          break;
        case op.BPF_NEG:
          c.i64ConstI32(0).localGet(R(dst)).i64Sub();
          break;
        case op.BPF_MOV:
          operand64();
          break;
        default:
          this.fault('UnsupportedInstruction', pc);
          return 'terminated';
      }
      c.localSet(R(dst));
      return pc + 1;
    }
    // 32-bit: compute in i32, then extend as the version says.
    let extend: 'sign' | 'zero' = 'zero';
    switch (aluOp) {
      case op.BPF_ADD:
        dst32();
        operand32();
        c.i32Add();
        extend = signExt ? 'sign' : 'zero';
        break;
      case op.BPF_SUB:
        if (!x && swapSubRegImmOperands(v)) {
          c.i32Const(imm);
          dst32();
          c.i32Sub();
        } else {
          dst32();
          operand32();
          c.i32Sub();
        }
        extend = signExt ? 'sign' : 'zero';
        break;
      case op.BPF_MUL:
        dst32();
        operand32();
        c.i32Mul();
        extend = 'sign';
        break;
      case op.BPF_DIV:
      case op.BPF_MOD:
        if (!x && imm === 0) {
          this.fault('DivideByZero', pc);
          return 'terminated';
        }
        if (x) {
          c.localGet(R(src)).i32WrapI64().i32Eqz();
          this.open('if');
          this.fault('DivideByZero', pc);
          this.close();
        }
        dst32();
        operand32();
        if (aluOp === op.BPF_DIV) c.i32DivU();
        else c.i32RemU();
        break;
      case op.BPF_OR:
        dst32();
        operand32();
        c.i32Or();
        break;
      case op.BPF_AND:
        dst32();
        operand32();
        c.i32And();
        break;
      case op.BPF_XOR:
        dst32();
        operand32();
        c.i32Xor();
        break;
      case op.BPF_LSH:
        dst32();
        operand32();
        c.i32Shl();
        break;
      case op.BPF_RSH:
        dst32();
        operand32();
        c.i32ShrU();
        break;
      case op.BPF_ARSH:
        dst32();
        operand32();
        c.i32ShrS();
        break;
      case op.BPF_NEG:
        c.i32Const(0);
        dst32();
        c.i32Sub();
        break;
      case op.BPF_MOV:
        operand32();
        extend = x && !signExt ? 'sign' : 'zero';
        break;
      default:
        this.fault('UnsupportedInstruction', pc);
        return 'terminated';
    }
    if (extend === 'sign') c.i64ExtendI32S();
    else c.i64ExtendI32U();
    c.localSet(R(dst));
    return pc + 1;
  }

  /**
   * Leaves in A the host address of the `size` bytes at `R(base) + off` that the load or store
   * (`store`) at `pc` reaches, or raises the access violation. In a small loop the translation is inline
   * and makes no call (V8 keeps no register across one, so a call in a loop, even one never made,
   * has the loop spill and reload what it keeps in registers): first as into a flat region, then as
   * into a gapped one; a failure branches out to ACCESS_FAILED, where `translate` records it. An
   * access through the frame pointer in a version with stack gaps tries the stack first.
   * Elsewhere, where code runs once per call, the call to `translate` keeps the module small.
   */
  private translateAccess(base: number, off: number, size: number, store: boolean, pc: number): void {
    const c = this.c;
    c.localGet(R(base)).i64ConstI32(off).i64Add().localSet(T);
    if (!this.inSmallLoop[this.current]) {
      this.callTranslate(size, store, pc);
      return;
    }
    const stackFirst = base === FRAME_PTR_REG && stackFrameGaps(this.mc.exe.sbpfVersion);
    const done = this.open('block');
    const second = this.open('block');
    this.tryRegion(stackFirst ? 'stack' : 'flat', size, store, done, second);
    this.close();
    if (store) {
      // Stores to the input fail the other tries and mark their page in a last one (off the path of the rest).
      const third = this.open('block');
      this.tryRegion(stackFirst ? 'flat' : 'gapped', size, store, done, third);
      this.close();
    }
    const failed = this.open('block');
    this.tryRegion(store ? 'input' : stackFirst ? 'flat' : 'gapped', size, store, done, failed);
    this.close();
    this.syncDue();
    c.i32Const(size | (store ? 1 << 8 : 0))
      .localSet(FK)
      .i32Const(pc)
      .localSet(HPC);
    this.br(this.ACCESS_FAILED);
    this.close();
  }

  /**
   * Translates the address in T into A as an access into a flat region, a gapped one, or the
   * stack (a gapped region, its entry at a constant address), or as a store into the input (a
   * flat region at a constant address, whose pages a store marks: see `MemoryMap.marksAt`), and
   * branches to `done`; branches to `fail` when the region is not of that kind or the access does
   * not fit it. A store into the input fails a `flat` try (its `loopStoreLimit` is 0), so that
   * stores elsewhere pay nothing for the marks.
   */
  private tryRegion(kind: 'flat' | 'gapped' | 'stack' | 'input', size: number, store: boolean, done: number, fail: number): void {
    const c = this.c;
    const fixedSlot = kind === 'stack' ? STACK_SLOT : kind === 'input' ? INPUT_SLOT : undefined;
    const field = (name: keyof typeof RE) =>
      fixedSlot !== undefined ? c.i32Const(0).i32Load(regionEntry(fixedSlot) + RE[name]) : c.localGet(E).i32Load(regionEntry(0) + RE[name]);
    if (fixedSlot !== undefined) {
      c.localGet(T).i64Const(0, 32).i64ShrU().i64ConstI32(fixedSlot).i64Ne();
      this.brIf(fail);
    } else {
      c.localGet(T).i64Const(HEADER.regionSlots, 0).i64GeU();
      this.brIf(fail);
      c.localGet(T).i64Const(0, 32).i64ShrU().i32WrapI64().i32Const(ENTRY_SHIFT).i32Shl().localSet(E);
    }
    c.localGet(T).i32WrapI64().localSet(A);
    if (kind === 'gapped' || kind === 'stack') {
      c.localGet(A).i32Const(GAP_BIT).i32And();
      this.brIf(fail);
      gapOffset(c, A);
    }
    // A + size <= limit (0 in a region of the other kind), computed in 64 bits.
    c.localGet(A).i64ExtendI32U().i64ConstI32(size).i64Add();
    if (kind === 'flat') field(store ? 'loopStoreLimit' : 'loadLimit');
    else if (kind === 'input') field('storeLimit');
    else field(store ? 'gappedStoreLimit' : 'gappedLoadLimit');
    c.i64ExtendI32U().i64GtU();
    this.brIf(fail);
    if (kind === 'input') markStore(c, A);
    field('start');
    c.localGet(A).i32Add().localSet(A);
    if (store) {
      noteWritten(
        c,
        () => (fixedSlot !== undefined ? c.i32Const(0) : c.localGet(E)),
        regionEntry(fixedSlot ?? 0),
        A,
        () => c.i32Const(size),
      );
    }
    this.br(done);
  }

  /** `translate` of the address in T into A (see {@link defineTranslate}); 0 raises the access violation. */
  private callTranslate(size: number, store: boolean, pc: number): void {
    this.c
      .localGet(T)
      .i32Const(size)
      .i32Const(store ? 1 : 0)
      .i32Const(pc)
      .localGet(LEFT)
      .i64ConstI32(this.uncharged)
      .i64Sub()
      .call(this.mc.translate)
      .localTee(A)
      .i32Eqz();
    this.brIf(this.ACCESS);
  }

  private emitEndian(opc: number, dst: number, imm: number, pc: number): void {
    const c = this.c;
    if (imm !== 16 && imm !== 32 && imm !== 64) {
      this.fault('InvalidInstruction', pc);
      return;
    }
    if (opc === op.LE) {
      if (imm === 16) c.localGet(R(dst)).i64ConstI32(0xffff).i64And().localSet(R(dst));
      if (imm === 32) c.localGet(R(dst)).i64Const(0, 0xffffffff).i64And().localSet(R(dst));
      return;
    }
    // be: reverse the low `imm` bits' bytes.
    c.i64ConstI32(0).localSet(T);
    for (let i = 0; i < imm / 8; i++) {
      // T |= ((dst >> 8i) & 0xff) << (imm - 8 - 8i)
      c.localGet(T)
        .localGet(R(dst))
        .i64ConstI32(8 * i)
        .i64ShrU()
        .i64ConstI32(0xff)
        .i64And();
      c.i64ConstI32(imm - 8 - 8 * i)
        .i64Shl()
        .i64Or()
        .localSet(T);
    }
    c.localGet(T).localSet(R(dst));
  }

  private emitPqr(insn: Insn): void {
    const { c, mc } = this;
    const { opc, dst, src, imm, pc } = insn;
    const x = (opc & op.BPF_X) !== 0;
    const wide = (opc & op.BPF_B) !== 0;
    const kind = opc & 0xe0;
    if (!enablePqr(mc.exe.sbpfVersion)) {
      this.fault('UnsupportedInstruction', pc);
      return;
    }
    const isDivision = kind === op.BPF_UDIV || kind === op.BPF_UREM || kind === op.BPF_SDIV || kind === op.BPF_SREM;
    if (!x && imm === 0 && isDivision) {
      this.fault('DivideByZero', pc);
      return;
    }
    const faultIf = (kindOfFault: FaultKind, condition: () => void) => {
      condition();
      this.open('if');
      this.fault(kindOfFault, pc);
      this.close();
    };
    if (wide) {
      // Operand: register, or the immediate zero-extended (uhmul, udiv, urem) / sign-extended (others).
      const zeroExt = kind === op.BPF_UHMUL || kind === op.BPF_UDIV || kind === op.BPF_UREM;
      const operand = () => (x ? c.localGet(R(src)) : zeroExt ? c.i64Const(0, imm) : c.i64ConstI32(imm));
      switch (kind) {
        case op.BPF_LMUL:
          c.localGet(R(dst));
          operand();
          c.i64Mul();
          break;
        case op.BPF_UHMUL:
          c.localGet(R(dst));
          operand();
          c.call(mc.mulhu);
          break;
        case op.BPF_SHMUL:
          // signed high = unsigned high - (a < 0 ? b : 0) - (b < 0 ? a : 0)
          operand();
          c.localSet(U);
          c.localGet(R(dst)).localGet(U).call(mc.mulhu);
          c.localGet(U).i64ConstI32(0).localGet(R(dst)).i64ConstI32(0).i64LtS().select().i64Sub();
          c.localGet(R(dst)).i64ConstI32(0).localGet(U).i64ConstI32(0).i64LtS().select().i64Sub();
          break;
        case op.BPF_UDIV:
        case op.BPF_UREM:
          if (x) faultIf('DivideByZero', () => c.localGet(R(src)).i64Eqz());
          c.localGet(R(dst));
          operand();
          if (kind === op.BPF_UDIV) c.i64DivU();
          else c.i64RemU();
          break;
        default: {
          if (x) faultIf('DivideByZero', () => c.localGet(R(src)).i64Eqz());
          // MIN / -1 overflows.
          faultIf('DivideOverflow', () => {
            c.localGet(R(dst)).i64Const(0x80000000, 0).i64Eq();
            operand();
            c.i64ConstI32(-1).i64Eq().i32And();
          });
          c.localGet(R(dst));
          operand();
          if (kind === op.BPF_SDIV) c.i64DivS();
          else c.i64RemS();
        }
      }
      c.localSet(R(dst));
      return;
    }
    const d32 = () => c.localGet(R(dst)).i32WrapI64();
    const s32 = () => (x ? c.localGet(R(src)).i32WrapI64() : c.i32Const(imm));
    switch (kind) {
      case op.BPF_LMUL:
        d32();
        s32();
        c.i32Mul();
        break;
      case op.BPF_UDIV:
      case op.BPF_UREM:
        if (x) faultIf('DivideByZero', () => c.localGet(R(src)).i32WrapI64().i32Eqz());
        d32();
        s32();
        if (kind === op.BPF_UDIV) c.i32DivU();
        else c.i32RemU();
        break;
      case op.BPF_SDIV:
      case op.BPF_SREM:
        if (x) faultIf('DivideByZero', () => c.localGet(R(src)).i32WrapI64().i32Eqz());
        faultIf('DivideOverflow', () => {
          d32();
          c.i32Const(-0x80000000).i32Eq();
          s32();
          c.i32Const(-1).i32Eq().i32And();
        });
        d32();
        s32();
        if (kind === op.BPF_SDIV) c.i32DivS();
        else c.i32RemS();
        break;
      default:
        this.fault('UnsupportedInstruction', pc);
        return;
    }
    c.i64ExtendI32U().localSet(R(dst));
  }
}

/** Stores r0..r10 and the call depth (from the frame pointer) in the header. */
function saveState(c: Code): void {
  for (let r = 0; r <= 10; r++) c.i32Const(0).localGet(R(r)).i64Store(headerRegister(r));
  c.i32Const(0).localGet(FP).i32Const(HEADER.frames).i32Sub().i32Const(HEADER.frameSize).i32DivU().i32Store(HEADER.depth);
}

/** Returns from a run that leaves the compiled code with `status` (see `RESULTS`). */
function returnStatus(c: Code, status: number): void {
  c.i64ConstI32(0).i64ConstI32(-status).return();
}

/** Declares the locals after the parameters, and reads PREV and r6..r9 (the caller's, in its call frame). */
function enterFunction(c: Code, mc: ModuleContext): void {
  c.locals(5, I64); // r6..r9, PREV
  c.locals(4, I32); // BLK, HPC, FK, A
  c.locals(2, I64); // T, U
  c.locals(2, I32); // FP0, E
  c.locals(5, I32); // MX, MY, MO, MN, MI
  c.localGet(FP).localSet(FP0);
  c.globalGet(mc.prevGlobal).localSet(PREV);
  for (let r = 6; r <= 9; r++) c.localGet(FP).i32Const(HEADER.frameSize).i32Sub().i64Load(frameRegister(r)).localSet(R(r));
}

/** A function left out or past the compile budget: the interpreter runs it, from its entry. */
function emitHandOverAtEntry(c: Code, pc: number, mc: ModuleContext): void {
  enterFunction(c, mc);
  saveState(c);
  c.localGet(PREV).localGet(LEFT).i64Sub().globalSet(mc.dueGlobal);
  c.i32Const(0).i32Const(pc).i32Store(HEADER.pc);
  returnStatus(c, STATUS_HAND_OVER);
}

/** Bytes a load or store of opcode `opc` accesses (`moved`: V2's memory classes). */
export function memSize(opc: number, moved: boolean): number {
  if (moved) {
    const s = opc & 0xf0 & ~op.BPF_X;
    return s === op.BPF_1B ? 1 : s === op.BPF_2B ? 2 : s === op.BPF_4B ? 4 : 8;
  }
  const s = opc & 0x18;
  return s === op.BPF_B ? 1 : s === op.BPF_H ? 2 : s === op.BPF_W ? 4 : 8;
}

function emitCompare(c: Code, opc: number): void {
  const narrow = (opc & op.BPF_CLS_MASK) === op.BPF_JMP32;
  const o = opc & 0xf0;
  if (o === op.BPF_JSET) {
    if (narrow) c.i32And().i32Eqz().i32Eqz();
    else c.i64And().i64Eqz().i32Eqz();
    return;
  }
  switch (o) {
    case op.BPF_JEQ:
      if (narrow) c.i32Eq();
      else c.i64Eq();
      break;
    case op.BPF_JNE:
      if (narrow) c.i32Ne();
      else c.i64Ne();
      break;
    case op.BPF_JGT:
      if (narrow) c.i32GtU();
      else c.i64GtU();
      break;
    case op.BPF_JGE:
      if (narrow) c.i32GeU();
      else c.i64GeU();
      break;
    case op.BPF_JLT:
      if (narrow) c.i32LtU();
      else c.i64LtU();
      break;
    case op.BPF_JLE:
      if (narrow) c.i32LeU();
      else c.i64LeU();
      break;
    case op.BPF_JSGT:
      if (narrow) c.i32GtS();
      else c.i64GtS();
      break;
    case op.BPF_JSGE:
      if (narrow) c.i32GeS();
      else c.i64GeS();
      break;
    case op.BPF_JSLT:
      if (narrow) c.i32LtS();
      else c.i64LtS();
      break;
    default:
      if (narrow) c.i32LeS();
      else c.i64LeS(); // BPF_JSLE
  }
}

/**
 * `translate(addr, size, store, pc, left) → host address`: the memory map in wasm (aligned mapping,
 * V0 stack gaps checked on the start address only), by the region table's limits. On failure it
 * records the access in the header, publishes the meter in `due` (`prev` less `left`, the units
 * left once the faulting instruction is counted) and returns 0, which no region starts at; the
 * caller then spills its registers and raises the access violation. With `lazy`, a slot whose
 * pointer in `lazy.chunkTable` is non-zero holds a read-only region still copied in a chunk
 * ({@link LAZY_CHUNK} bytes) at a time: that pointer's byte per chunk says whether it is in place,
 * and `lazy.loadImport(slot, offset, size)` copies in the chunks an access needs.
 */
export function defineTranslate(m: ModuleBuilder, dueGlobal: number, prevGlobal: number, lazy?: { chunkTable: number; loadImport: number }): number {
  const f = m.addFunction([I64, I32, I32, I32, I64], [I32]);
  const c = f.code;
  const [ADDR, SIZE, STORE, PC, LEFT_AT_FAULT] = [0, 1, 2, 3, 4];
  const slot = c.locals(1, I32);
  const entry = c.locals(1, I32);
  const off = c.locals(1, I32);
  const host = c.locals(1, I32);
  const limit = c.locals(1, I32);
  const field = (name: keyof typeof RE) => c.localGet(entry).i32Load(regionEntry(0) + RE[name]);
  c.block();
  // The whole upper half must name a slot (no wrapping of huge addresses onto small slots).
  c.localGet(ADDR).i64Const(0, 32).i64ShrU().i64ConstI32(HEADER.regionSlots).i64GeU().brIf(0);
  c.localGet(ADDR).i64Const(0, 32).i64ShrU().i32WrapI64().localTee(slot).i32Const(ENTRY_SHIFT).i32Shl().localSet(entry);
  c.localGet(ADDR).i32WrapI64().localSet(off);
  // A gapped region has gapped limits (a store's is 0 when it is read-only).
  field('gappedLoadLimit').if();
  c.localGet(off).i32Const(GAP_BIT).i32And().brIf(1);
  gapOffset(c, off);
  field('gappedStoreLimit');
  field('gappedLoadLimit');
  c.localGet(STORE).select().localSet(limit);
  c.else();
  field('storeLimit');
  field('loadLimit');
  c.localGet(STORE).select().localSet(limit);
  c.end();
  // off + size <= limit, computed in 64 bits.
  c.localGet(off).i64ExtendI32U().localGet(SIZE).i64ExtendI32U().i64Add().localGet(limit).i64ExtendI32U().i64GtU().brIf(0);
  if (lazy) {
    const chunks = c.locals(1, I32);
    c.localGet(slot).i32Const(2).i32Shl().i32Load(lazy.chunkTable).localTee(chunks);
    c.if();
    c.localGet(chunks).localGet(off).i32Const(CHUNK_SHIFT).i32ShrU().i32Add().i32Load8U();
    c.localGet(chunks).localGet(off).localGet(SIZE).i32Add().i32Const(1).i32Sub().i32Const(CHUNK_SHIFT).i32ShrU().i32Add().i32Load8U();
    c.i32And().i32Eqz().if();
    c.localGet(slot).localGet(off).localGet(SIZE).call(lazy.loadImport);
    c.end();
    c.end();
  }
  field('start').localGet(off).i32Add().localSet(host);
  c.localGet(STORE).if();
  c.localGet(slot).i32Const(INPUT_SLOT).i32Eq().if();
  markStore(c, off);
  c.end();
  noteWritten(
    c,
    () => c.localGet(entry),
    regionEntry(0),
    host,
    () => c.localGet(SIZE),
  );
  c.end();
  c.localGet(host).return();
  c.end();
  c.globalGet(prevGlobal).localGet(LEFT_AT_FAULT).i64Sub().globalSet(dueGlobal);
  c.i32Const(0)
    .localGet(ADDR)
    .i64Store(HEADER.access + ACCESS.offsets.address);
  c.i32Const(0)
    .localGet(SIZE)
    .i32Store(HEADER.access + ACCESS.offsets.size);
  c.i32Const(0)
    .localGet(STORE)
    .i32Store(HEADER.access + ACCESS.offsets.store);
  c.i32Const(0)
    .localGet(PC)
    .i32Store(HEADER.access + ACCESS.offsets.pc);
  c.i32Const(0);
  return f.index;
}

/** Maps the offset in local `off` into a gapped region onto its host bytes: each 8 KiB of guest addresses holds 4 KiB, then a gap (`GAP_BIT` set). */
function gapOffset(c: Code, off: number): void {
  c.localGet(off).i32Const(13).i32ShrU().i32Const(12).i32Shl().localGet(off).i32Const(0xfff).i32And().i32Or().localSet(off);
}

/** For a store into the input, sets the store mark (see `MemoryMap.marksAt`) of the page its input offset `offset` (a local) lies in. */
function markStore(c: Code, offset: number): void {
  c.i32Const(0).i32Load(HEADER.inputMarks);
  c.localGet(offset).i32Const(MARK_SHIFT).i32ShrU().i32Add().i32Const(1).i32Store8();
}

/**
 * Widens the written range of a region entry (`entry` pushes its base, `at` is the entry's
 * offset from it) to the `size` bytes stored at host address `host` (a local): the next run
 * zeroes only that much.
 */
function noteWritten(c: Code, entry: () => void, at: number, host: number, size: () => void): void {
  c.localGet(host);
  entry();
  c.i32Load(at + RE.writtenLow)
    .i32LtU()
    .if();
  entry();
  c.localGet(host).i32Store(at + RE.writtenLow);
  c.end();
  c.localGet(host);
  size();
  c.i32Add();
  entry();
  c.i32Load(at + RE.writtenHigh)
    .i32GtU()
    .if();
  entry();
  c.localGet(host);
  size();
  c.i32Add().i32Store(at + RE.writtenHigh);
  c.end();
}

/** `lookup(pc) → table index` of the compiled function entered at `pc`, or -1: a binary search over `entries`. */
function defineLookup(m: ModuleBuilder, entries: readonly number[]): number {
  const f = m.addFunction([I32], [I32]);
  const c = f.code;
  const search = (lo: number, hi: number) => {
    if (hi - lo <= 4) {
      for (let i = lo; i < hi; i++) c.localGet(0).i32Const(entries[i]).i32Eq().if().i32Const(i).return().end();
      c.i32Const(-1).return();
      return;
    }
    const mid = (lo + hi) >> 1;
    c.localGet(0).i32Const(entries[mid]).i32LtU().if();
    search(lo, mid);
    c.end();
    search(mid, hi);
  };
  search(0, entries.length);
  return f.index;
}

/** `mulhu(a, b)`: high 64 bits of the unsigned 128-bit product, from 32-bit limbs. */
function defineMulhu(m: ModuleBuilder): number {
  const f = m.addFunction([I64, I64], [I64]);
  const c = f.code;
  const [a, b] = [0, 1];
  const [aLo, aHi, bLo, bHi, t, w1, w2] = [
    c.locals(1, I64),
    c.locals(1, I64),
    c.locals(1, I64),
    c.locals(1, I64),
    c.locals(1, I64),
    c.locals(1, I64),
    c.locals(1, I64),
  ];
  const lo32 = () => c.i64Const(0, 0xffffffff).i64And();
  c.localGet(a);
  lo32();
  c.localSet(aLo);
  c.localGet(a).i64Const(0, 32).i64ShrU().localSet(aHi);
  c.localGet(b);
  lo32();
  c.localSet(bLo);
  c.localGet(b).i64Const(0, 32).i64ShrU().localSet(bHi);
  // t = aLo*bLo; w1 = aHi*bLo + (t >> 32); w2 = aLo*bHi + (w1 & 0xffffffff)
  c.localGet(aLo).localGet(bLo).i64Mul().localSet(t);
  c.localGet(aHi).localGet(bLo).i64Mul().localGet(t).i64Const(0, 32).i64ShrU().i64Add().localSet(w1);
  c.localGet(aLo).localGet(bHi).i64Mul().localGet(w1);
  lo32();
  c.i64Add().localSet(w2);
  // high = aHi*bHi + (w1 >> 32) + (w2 >> 32)
  c.localGet(aHi).localGet(bHi).i64Mul();
  c.localGet(w1).i64Const(0, 32).i64ShrU().i64Add();
  c.localGet(w2).i64Const(0, 32).i64ShrU().i64Add();
  return f.index;
}
