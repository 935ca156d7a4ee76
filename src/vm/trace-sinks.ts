/**
 * Several consumers of one per-instruction trace (a tracer, the profiler, coverage, the debugger):
 * the interpreter takes one {@link TraceSink}, so they share it.
 */
import type { Interpreter, TraceEntry, TraceSink } from './interpreter.js';

/**
 * One sink feeding each of `sinks` that is given; undefined when none is (the run then goes
 * untraced, at full speed). A sink that returns `false` is fed no more; the last one to do so stops the trace.
 */
export function traceSinks(...sinks: (TraceSink | undefined)[]): TraceSink | undefined {
  const live = sinks.filter((s) => s !== undefined);
  if (live.length <= 1) return live[0];
  return {
    push(entry: TraceEntry) {
      for (let i = live.length - 1; i >= 0; i--) if (live[i]!.push(entry) === false) live.splice(i, 1);
      return live.length > 0;
    },
    attach(machine: Interpreter) {
      for (const sink of live) sink.attach?.(machine);
    },
  };
}
