/**
 * The Debug Adapter Protocol server over {@link DebugController}: one thread (the transaction),
 * breakpoints by line, function and instruction, stepping by line or instruction, stack frames
 * with source, per frame its typed locals, the arguments it was entered with, the program's
 * globals, registers, the meter and memory regions, `evaluate` and `readMemory`, and at the end
 * the run's logs and result as output. Start it on streams with `session.start(input, output)`.
 */
import {
  Breakpoint,
  DebugSession,
  ExitedEvent,
  InitializedEvent,
  OutputEvent,
  Scope,
  Source,
  StackFrame,
  StoppedEvent,
  TerminatedEvent,
  Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { WebsvmError } from '../errors.js';
import { bytesToBase64 } from '../platform.js';
import { DebugController, type Debuggee, type Finished, type Granularity, type Motion } from './controller.js';
import type { Stop } from './snapshot.js';
import { framesOf, memoryReference, parseMemoryReference, type FrameView } from './stop-view.js';
import { ExpressionError } from './expression.js';
import { FrameValues, type TypedValue } from './values.js';
import { sourceMapOf } from '../debug/program-sources.js';

/**
 * The launch request's arguments: those this adapter reads itself, and any others the debuggee's
 * maker reads (see {@link DebugSessionOptions.launch}).
 */
export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  /** Stop before the first instruction. */
  stopOnEntry?: boolean;
  /** Run to the end without stopping (an editor's "run without debugging"). */
  noDebug?: boolean;
  /** Where the relative source paths of the programs' debug information start (default: the working directory). */
  sourceRoot?: string;
  readonly [debuggee: string]: unknown;
}

/** Options of a {@link WebsvmDebugSession}. */
export interface DebugSessionOptions {
  /** Makes the debuggee of a launch request; throw a `WebsvmError` to refuse its arguments. */
  launch(args: LaunchArguments): Debuggee;
  /** Called once the client has disconnected (the session is over). */
  onEnd?(): void;
}

const THREAD = 1;

/** The process's working directory where there is one (source paths are relative to it by default). */
const workingDirectory = (): string => (globalThis as { process?: { cwd(): string } }).process?.cwd() ?? '/';

/** `path` taken from `root` when it is relative (DWARF paths come normalised). */
const under = (root: string, path: string): string => (path.startsWith('/') ? path : `${root.replace(/\/$/, '')}/${path.replace(/^\.\//, '')}`);

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
/** The exception filter that stops at the instruction where a run fails with a VM error. */
const FAULT_FILTER = 'faults';

export class WebsvmDebugSession extends DebugSession {
  private controller: DebugController | undefined;
  private launchArgs: LaunchArguments | undefined;
  private configured = false;
  private stopOnFault = true;
  private sourceRoot = workingDirectory();
  /** The frames of the current stop, and what its variable references stand for. */
  private frames: FrameView[] = [];
  private variables = new Map<number, () => DebugProtocol.Variable[]>();

  constructor(private readonly options: DebugSessionOptions) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Ends the session without exiting the process (the library's default exits it). */
  override shutdown(): void {
    this.options.onEnd?.();
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsEvaluateForHovers: true,
      supportsFunctionBreakpoints: true,
      supportsInstructionBreakpoints: true,
      supportsReadMemoryRequest: true,
      supportsSteppingGranularity: true,
      supportsTerminateRequest: true,
      exceptionBreakpointFilters: [{ filter: FAULT_FILTER, label: 'VM errors (faults, panics, aborts)', default: true }],
    };
    this.sendResponse(response);
  }

  protected override launchRequest(response: DebugProtocol.LaunchResponse, given: DebugProtocol.LaunchRequestArguments | undefined): void {
    const args = (given ?? {}) as LaunchArguments; // JSON as the client sent it (a request may have no arguments)
    try {
      this.controller = new DebugController(this.options.launch(args));
    } catch (e) {
      if (!(e instanceof WebsvmError)) throw e;
      this.sendErrorResponse(response, 1, e.message);
      return;
    }
    this.launchArgs = args;
    if (args.sourceRoot !== undefined) this.sourceRoot = under(workingDirectory(), args.sourceRoot);
    this.sendResponse(response);
    // Breakpoints come after this event, when the programs they are checked against are known.
    this.sendEvent(new InitializedEvent());
    this.startWhenReady();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configured = true;
    this.startWhenReady();
  }

  private startWhenReady(): void {
    if (!this.configured || !this.controller || !this.launchArgs) return;
    const controller = this.controller;
    controller.stopOnFault = this.stopOnFault;
    this.report(this.launchArgs.noDebug === true ? controller.runToEnd() : controller.start(this.launchArgs.stopOnEntry === true));
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const controller = this.controller;
    const file = args.source.path ?? args.source.name ?? '';
    const lines = (args.breakpoints ?? []).map((b) => this.convertClientLineToDebugger(b.line));
    controller?.breakpoints.setLines(file, lines);
    response.body = {
      breakpoints: lines.map((line) => {
        const placed = controller?.breakpoints.resolveLine({ file, line }, controller.debuggee.programs);
        const bp: DebugProtocol.Breakpoint = new Breakpoint(placed?.line !== undefined, placed?.line && this.convertDebuggerLineToClient(placed.line));
        if (placed?.line === undefined) bp.message = 'no code at or after this line in the programs';
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  protected override setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    const controller = this.controller;
    const names = args.breakpoints.map((b) => b.name);
    controller?.breakpoints.setFunctions(names);
    response.body = {
      breakpoints: names.map((name) => {
        const placed = controller?.breakpoints.resolveFunction(name, controller.debuggee.programs);
        const bp: DebugProtocol.Breakpoint = new Breakpoint(placed !== undefined && placed.pcs.length > 0);
        if (!bp.verified) bp.message = `no function ${name} in the programs`;
        return bp;
      }),
    };
    this.sendResponse(response);
  }

  /**
   * Instruction references are slots (as stack frames give them), stopping in every program, or
   * `ADDRESS:slot`, stopping in the program at ADDRESS only; offsets are in bytes.
   */
  protected override setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): void {
    const slots = args.breakpoints.map((b) => {
      const [, programId, slot = ''] = /^(?:([1-9A-HJ-NP-Za-km-z]{32,44}):)?(.*)$/.exec(b.instructionReference.trim()) ?? [];
      const pc = (/^\d+$/.test(slot) ? Number(slot) : NaN) + Math.trunc((b.offset ?? 0) / 8);
      return { pc, ...(programId === undefined ? {} : { programId }), verified: Number.isSafeInteger(pc) && pc >= 0 };
    });
    this.controller?.breakpoints.setSlots(slots.filter((s) => s.verified));
    response.body = {
      breakpoints: slots.map((s) => ({
        verified: s.verified,
        instructionReference: `${s.programId === undefined ? '' : `${s.programId}:`}${s.pc}`,
        ...(s.verified ? {} : { message: 'an instruction reference is a slot, or ADDRESS:slot' }),
      })),
    };
    this.sendResponse(response);
  }

  protected override setExceptionBreakPointsRequest(
    response: DebugProtocol.SetExceptionBreakpointsResponse,
    args: DebugProtocol.SetExceptionBreakpointsArguments,
  ): void {
    this.stopOnFault = args.filters.includes(FAULT_FILTER);
    if (this.controller) this.controller.stopOnFault = this.stopOnFault;
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [new Thread(THREAD, 'transaction')] };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const start = args.startFrame ?? 0;
    const shown = this.frames.slice(start, args.levels ? start + args.levels : undefined);
    response.body = {
      totalFrames: this.frames.length,
      stackFrames: shown.map((f, i) => {
        const path = f.file === undefined ? undefined : under(this.sourceRoot, f.file);
        const frame: DebugProtocol.StackFrame = new StackFrame(
          start + i,
          f.name,
          path === undefined ? undefined : new Source(path.slice(path.lastIndexOf('/') + 1), this.convertDebuggerPathToClient(path)),
          this.convertDebuggerLineToClient(f.line ?? 0),
          this.convertDebuggerColumnToClient(f.column ?? 1),
        );
        frame.instructionPointerReference = String(f.pc);
        return frame;
      }),
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames[args.frameId];
    const stop = this.controller?.stop;
    if (!frame || !stop) {
      response.body = { scopes: [] };
      this.sendResponse(response);
      return;
    }
    const memory = stop.runs[frame.run].memory;
    const hex = (v: bigint) => `0x${v.toString(16)}`;
    const values = this.valuesOf(frame);
    const typed = (name: string, list: () => TypedValue[]) =>
      new Scope(
        name,
        this.reference(() => list().map((v) => this.toVariable(v, frame.run))),
      );
    response.body = {
      scopes: [
        typed('Locals', () => values.locals()),
        ...(frame.entry ? [typed('Arguments at entry', () => values.arguments() ?? [])] : []),
        ...(sourceMapOf(stop.runs[frame.run].exe).globals().length > 0 ? [typed('Globals', () => values.globals())] : []),
        new Scope(
          'Registers',
          this.reference(() =>
            frame.registers.map(([name, value]) => ({
              name,
              value: hex(value),
              variablesReference: 0,
              ...(memory.contains(value) ? { memoryReference: memoryReference(frame.run, value) } : {}),
            })),
          ),
        ),
        new Scope(
          'Compute units',
          this.reference(() => [
            { name: 'remaining', value: String(stop.unitsLeft), variablesReference: 0 },
            { name: 'instructions executed', value: String(stop.executed), variablesReference: 0 },
          ]),
        ),
        new Scope(
          'Memory',
          this.reference(() =>
            memory.regions().map((r) => ({
              name: r.name,
              value: `${hex(r.address)} (${r.length} bytes)`,
              variablesReference: 0,
              memoryReference: memoryReference(frame.run, r.address),
            })),
          ),
        ),
      ],
    };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.variables.get(args.variablesReference)?.() ?? [] };
    this.sendResponse(response);
  }

  /** An expression of registers, variables and globals (see ./expression.ts), in the frame asked for (the innermost by default). */
  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const frame = this.frames[args.frameId ?? 0];
    let value: TypedValue;
    try {
      if (!frame) throw new ExpressionError('Unavailable', 'not stopped');
      value = this.valuesOf(frame).evaluate(args.expression);
    } catch (e) {
      if (!(e instanceof ExpressionError)) throw e;
      this.sendErrorResponse(response, 4, e.message);
      return;
    }
    const v = this.toVariable(value, frame.run);
    response.body = { result: v.value, variablesReference: v.variablesReference, ...(v.type ? { type: v.type } : {}) };
    if (v.memoryReference) response.body.memoryReference = v.memoryReference;
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const ref = parseMemoryReference(args.memoryReference);
    const memory = ref && this.controller?.stop?.runs[ref.run]?.memory;
    if (!ref || !memory) {
      this.sendErrorResponse(response, 2, `no memory at ${args.memoryReference} while stopped`);
      return;
    }
    const address = ref.address + BigInt(args.offset ?? 0);
    const bytes = memory.read(address, args.count);
    response.body = { address: `0x${address.toString(16)}`, data: bytesToBase64(bytes), unreadableBytes: args.count - bytes.length };
    this.sendResponse(response);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.resumeWith(response, 'continue');
  }

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.resumeWith(response, 'stepOver', args.granularity);
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.resumeWith(response, 'stepIn', args.granularity);
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): void {
    this.resumeWith(response, 'stepOut', args.granularity);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  private resumeWith(response: DebugProtocol.Response, motion: Motion, granularity?: DebugProtocol.SteppingGranularity): void {
    const controller = this.controller;
    if (!controller?.stop) {
      this.sendErrorResponse(response, 3, 'not stopped');
      return;
    }
    this.sendResponse(response);
    const by: Granularity = granularity === 'instruction' ? 'instruction' : 'line';
    this.report(controller.resume(motion, by));
  }

  /** Tells the client where execution stopped, or how the run ended. */
  private report(next: Stop | Finished): void {
    this.variables.clear();
    if ('reason' in next) {
      this.frames = framesOf(next);
      const event: DebugProtocol.StoppedEvent = new StoppedEvent(next.reason, THREAD, next.description);
      if (next.description !== undefined) event.body.description = next.description;
      this.sendEvent(event);
      return;
    }
    this.frames = [];
    const { outcome } = next;
    for (const line of outcome.logs) this.sendEvent(new OutputEvent(`${line}\n`, 'stdout'));
    const summary = `${outcome.success ? 'success' : `failed: ${outcome.error}`}  ${outcome.computeUnits} compute units\n`;
    this.sendEvent(new OutputEvent(summary, 'console', { success: outcome.success, computeUnits: String(outcome.computeUnits) }));
    if (outcome.backtrace) this.sendEvent(new OutputEvent(`${outcome.backtrace}\n`, 'console'));
    if (outcome.returnData.length > 0) this.sendEvent(new OutputEvent(`return data: ${hex(outcome.returnData)}\n`, 'console'));
    this.sendEvent(new ExitedEvent(outcome.success ? 0 : 1));
    this.sendEvent(new TerminatedEvent());
  }

  /** The typed values of `frame` (see ./values.ts). */
  private valuesOf(frame: FrameView): FrameValues {
    const run = this.controller!.stop!.runs[frame.run];
    return new FrameValues({
      map: sourceMapOf(run.exe),
      exe: run.exe,
      memory: run.memory,
      registers: new Map(frame.registers),
      pc: frame.pc,
      variables: frame.variables,
      ...(frame.entry ? { entry: frame.entry } : {}),
    });
  }

  /** A typed value as the protocol lists it: composite ones get a reference to their members, values in memory a memory reference. */
  private toVariable(v: TypedValue, run: number): DebugProtocol.Variable {
    const children = v.children;
    return {
      name: v.name,
      value: v.value,
      ...(v.type === undefined ? {} : { type: v.type }),
      variablesReference: children ? this.reference(() => children().map((c) => this.toVariable(c, run))) : 0,
      ...(v.address === undefined ? {} : { memoryReference: memoryReference(run, v.address) }),
    };
  }

  /** A variables reference for this stop. */
  private reference(list: () => DebugProtocol.Variable[]): number {
    const ref = this.variables.size + 1;
    this.variables.set(ref, list);
    return ref;
  }
}
