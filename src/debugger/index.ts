export { DebugController, type Debuggee, type DebuggeeOutcome, type Finished, type Granularity, type Motion } from './controller.js';
export { instructionDebuggee } from './debuggee.js';
export { ExpressionError } from './expression.js';
export { WebsvmDebugSession, type DebugSessionOptions, type LaunchArguments } from './session.js';
export type { MemoryRegion, MemorySnapshot, ProgramSnapshot, Stop, StopReason } from './snapshot.js';
