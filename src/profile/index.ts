export { Profile, ProfileNode, type FunctionCost, type LineCost } from './profile.js';
export { Profiler } from './profiler.js';
export { flamegraphSvg, type FlamegraphOptions } from './flamegraph-svg.js';
export { SPEEDSCOPE_SCHEMA, toSpeedscope, type SpeedscopeFile, type SpeedscopeFrame, type SpeedscopeSampledProfile } from './speedscope.js';
