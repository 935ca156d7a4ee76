export { Profile, ProfileNode, type FunctionCost, type LineCost } from './profile.js';
export { Profiler } from './profiler.js';
