export type { InspectedRun, ProgramDecoder, ReportOptions } from './inspected-run.js';
export { renderReport } from './page.js';
