/** A scripted Debug Adapter Protocol client for the debugger's tests, over streams in this process or a `websvm debug` process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { WebsvmDebugSession } from '../../src/debugger/session.js';
import type { Debuggee } from '../../src/debugger/controller.js';

/** The test support's client, connected to given streams (its own `start` spawns an adapter or dials a port). */
class StreamClient extends DebugClient {
  constructor(input: Readable, output: Writable) {
    super('node', '', 'websvm');
    this.connect(input, output);
  }
}

export class ScriptedClient {
  private constructor(
    readonly dc: DebugClient,
    private readonly child?: ChildProcess,
  ) {}

  /** A client of a session in this process, debugging `debuggee`. */
  static inProcess(debuggee: Debuggee): ScriptedClient {
    const toAdapter = new PassThrough();
    const fromAdapter = new PassThrough();
    new WebsvmDebugSession({ launch: () => debuggee }).start(toAdapter, fromAdapter);
    const dc = new StreamClient(fromAdapter, toAdapter);
    return new ScriptedClient(dc);
  }

  /** A client of `websvm debug …args` run as a process (its stdin and stdout carry the protocol). */
  static process(args: string[]): ScriptedClient {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'debug', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const dc = new StreamClient(child.stdout!, child.stdin!);
    dc.defaultTimeout = 60_000; // the process starts by compiling the sources
    return new ScriptedClient(dc, child);
  }

  /** Initializes and launches; resolves once the adapter asks for the configuration (breakpoints). */
  async launch(args: Record<string, unknown> = {}): Promise<DebugProtocol.Capabilities> {
    const initialized = this.dc.waitForEvent('initialized');
    const init = await this.dc.initializeRequest({ adapterID: 'websvm', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    await Promise.all([this.dc.launchRequest(args), initialized]);
    return init.body!;
  }

  /** Runs `action` and waits for the stop it leads to. */
  async stopAfter(action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
    const [stopped] = await Promise.all([this.dc.waitForEvent('stopped'), action()]);
    return stopped as DebugProtocol.StoppedEvent;
  }

  /** Runs `action` and waits for what it leads to: a stop, or (undefined) the end of the session. */
  async nextStop(action: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent | undefined> {
    const next = new Promise<DebugProtocol.StoppedEvent | undefined>((resolve) => {
      const stopped = (e: DebugProtocol.StoppedEvent) => (done(), resolve(e));
      const ended = () => (done(), resolve(undefined));
      const done = () => {
        this.dc.off('stopped', stopped);
        this.dc.off('terminated', ended);
      };
      this.dc.on('stopped', stopped);
      this.dc.on('terminated', ended);
    });
    await action();
    return next;
  }

  /** Runs `action` and collects the output until the session terminates. */
  async endAfter(action: () => Promise<unknown>): Promise<{ output: DebugProtocol.OutputEvent[]; exitCode: number }> {
    const output: DebugProtocol.OutputEvent[] = [];
    const collect = (e: DebugProtocol.OutputEvent) => output.push(e);
    this.dc.on('output', collect);
    const [exited] = await Promise.all([this.dc.waitForEvent('exited'), this.dc.waitForEvent('terminated'), action()]);
    this.dc.off('output', collect);
    return { output, exitCode: (exited as DebugProtocol.ExitedEvent).body.exitCode };
  }

  async frames(): Promise<DebugProtocol.StackFrame[]> {
    return (await this.dc.stackTraceRequest({ threadId: 1 })).body.stackFrames;
  }

  /** The variables of scope `name` of frame `frameId`, by name. */
  async scope(name: string, frameId = 0): Promise<Map<string, DebugProtocol.Variable>> {
    const scopes = (await this.dc.scopesRequest({ frameId })).body.scopes;
    const scope = scopes.find((s) => s.name === name)!;
    const vars = (await this.dc.variablesRequest({ variablesReference: scope.variablesReference })).body.variables;
    return new Map(vars.map((v) => [v.name, v]));
  }

  async readMemory(memoryReference: string, count: number, offset = 0): Promise<{ address: string; bytes: Uint8Array; unreadable: number }> {
    const r = (await this.dc.customRequest('readMemory', { memoryReference, count, offset })) as DebugProtocol.ReadMemoryResponse;
    return { address: r.body!.address, bytes: new Uint8Array(Buffer.from(r.body!.data ?? '', 'base64')), unreadable: r.body!.unreadableBytes ?? 0 };
  }

  async stop(): Promise<void> {
    if (this.child) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      await this.dc.disconnectRequest({});
      await exited;
    } else await this.dc.disconnectRequest({});
  }
}
