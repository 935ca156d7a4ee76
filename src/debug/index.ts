export { Backtrace, SourceMap, formatFrame, type FunctionExtent, type SourceFrame, type SourceMapOptions } from './source-map.js';
export { DebugInfoError } from './errors.js';
export type { LineRow, LineTable } from './line-program.js';
export { backtraceOf, backtraceOfFaults, debugFilePaths, registerDebugFile, rememberProgramElf, sourceMapOf, type FaultSite } from './program-sources.js';
