/**
 * Profiling of one transaction: a {@link ProgramRecorder} per sBPF program run, nested under the
 * CPI syscall of its caller, and the syscalls' units as leaf frames named by syscall. The runtime
 * runs profiled programs on the interpreter with {@link Profiler.recorder} as their trace and
 * {@link Profiler.syscalls} as their syscalls; results and units stay those of a plain run.
 */
import type { Executable } from '../executable.js';
import { SyscallRegistry, type SyscallContext } from '../vm/syscalls.js';
import { Profile, type ProfileNode } from './profile.js';
import { ProgramRecorder } from './recorder.js';

export class Profiler {
  readonly profile = new Profile();
  /** Recorders of the programs running now, innermost last. */
  private readonly running: ProgramRecorder[] = [];
  /** Where the next program run attaches: the CPI syscall frame of its caller, if any. */
  private readonly attachPoints: ProfileNode[] = [];
  private readonly wrapped = new WeakMap<SyscallRegistry, SyscallRegistry>();

  /** Starts recording a run of `exe` (the program `programId`); call {@link finish} when it returns. */
  recorder(programId: string, exe: Executable): ProgramRecorder {
    const parent = this.attachPoints[this.attachPoints.length - 1] ?? this.profile.root;
    const recorder = new ProgramRecorder(exe, this.profile, parent.child(programId));
    this.running.push(recorder);
    return recorder;
  }

  /** Ends the innermost run. */
  finish(): void {
    this.running.pop();
  }

  /**
   * `registry` with each syscall measured: its units (registered cost, and what it charged while
   * running, less what programs it invoked spent) go to a frame named after it under the calling
   * instruction's frame.
   */
  syscalls(registry: SyscallRegistry): SyscallRegistry {
    let measured = this.wrapped.get(registry);
    if (measured) return measured;
    measured = new SyscallRegistry();
    for (const entry of registry.entries()) {
      const { fn, cost, name } = entry;
      measured.register(
        name,
        (ctx: SyscallContext, a, b, c, d, e) => {
          const caller = this.running[this.running.length - 1];
          if (!caller) return fn(ctx, a, b, c, d, e);
          const node = caller.syscallNode(name);
          const before = Number(ctx.remaining());
          const nested = this.profile.root.total();
          this.attachPoints.push(node);
          try {
            return fn(ctx, a, b, c, d, e);
          } finally {
            this.attachPoints.pop();
            const spentByCallees = this.profile.root.total() - nested;
            node.self += cost + before - Number(ctx.remaining()) - spentByCallees;
          }
        },
        { cost },
      );
    }
    this.wrapped.set(registry, measured);
    return measured;
  }
}
