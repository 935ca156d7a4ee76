/**
 * A profile in speedscope's file format (https://www.speedscope.app/file-format-schema.json): one
 * sampled profile whose samples are the call stacks with units of their own, weighted by those
 * units. speedscope's "left heavy" and "sandwich" views then show the flamegraph and the
 * functions' inclusive and exclusive units.
 */
import { toInstance, toText } from '../arguments.js';
import { Profile, type ProfileNode } from './profile.js';

/** The schema URL speedscope recognises its files by. */
export const SPEEDSCOPE_SCHEMA = 'https://www.speedscope.app/file-format-schema.json';

/** One frame of the shared table. */
export interface SpeedscopeFrame {
  name: string;
}

/** A sampled profile: each sample is a stack of frame indices, outermost first, weighted in `weights`. */
export interface SpeedscopeSampledProfile {
  type: 'sampled';
  name: string;
  /** Compute units have no unit of speedscope's: `none`. */
  unit: 'none';
  startValue: number;
  endValue: number;
  samples: number[][];
  weights: number[];
}

/** A speedscope file. */
export interface SpeedscopeFile {
  $schema: typeof SPEEDSCOPE_SCHEMA;
  shared: { frames: SpeedscopeFrame[] };
  profiles: SpeedscopeSampledProfile[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/** `profile` as a speedscope file named `name`. */
export function toSpeedscope(profile: Profile, name = 'websvm compute units'): SpeedscopeFile {
  toInstance(profile, 'profile', Profile, 'a Profile');
  toText(name, 'name');
  const frames: SpeedscopeFrame[] = [];
  const frameIndex = new Map<string, number>();
  const indexOf = (frameName: string) => {
    let i = frameIndex.get(frameName);
    if (i === undefined) {
      frameIndex.set(frameName, (i = frames.length));
      frames.push({ name: frameName });
    }
    return i;
  };
  const samples: number[][] = [];
  const weights: number[] = [];
  const walk = (node: ProfileNode, stack: number[]) => {
    if (node.self > 0) {
      samples.push(stack);
      weights.push(node.self);
    }
    for (const c of node.children.values()) walk(c, [...stack, indexOf(c.name)]);
  };
  for (const c of profile.root.children.values()) walk(c, [indexOf(c.name)]);
  const total = weights.reduce((a, b) => a + b, 0);
  return {
    $schema: SPEEDSCOPE_SCHEMA,
    shared: { frames },
    profiles: [{ type: 'sampled', name, unit: 'none', startValue: 0, endValue: total, samples, weights }],
    name,
    activeProfileIndex: 0,
    exporter: 'websvm',
  };
}
