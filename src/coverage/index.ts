export { Coverage, defaultCoverage, setDefaultCoverage } from './coverage.js';
export {
  CoverageReport,
  DISASSEMBLY_DIRECTORY,
  fileSummary,
  type CoverageReportJson,
  type CoverageSummary,
  type FileCoverage,
  type LcovOptions,
  type ProgramCoverage,
} from './report.js';
