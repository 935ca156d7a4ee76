/**
 * The profile's other outputs: speedscope JSON, checked against the requirements of speedscope's
 * file-format schema (https://www.speedscope.app/file-format-schema.json), and the SVG flamegraph,
 * whose boxes must be the call tree's frames with their units.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InstructionHarness } from '../../src/api/harness.js';
import { flamegraphSvg, Profile, SPEEDSCOPE_SCHEMA } from '../../src/index.js';

const PROGRAM = 'Prog111111111111111111111111111111111111111';

function profileOf(data: number[]): Profile {
  const harness = new InstructionHarness();
  harness.runtime.config.profiling = true;
  harness.addProgram(PROGRAM, new Uint8Array(readFileSync(new URL('../../programs/bin/debuginfo.so', import.meta.url))));
  return harness.process({ programId: PROGRAM, keys: [], data: Uint8Array.from(data) }, []).profile()!;
}

describe('speedscope()', () => {
  it('follows the speedscope file-format schema, one weighted sample per folded stack', () => {
    const profile = profileOf([0, 1, 2, 3, 4, 5]);
    const file = JSON.parse(JSON.stringify(profile.speedscope('debuginfo'))) as Record<string, unknown>;
    // FileFormat.File: required $schema (the one URL), shared.frames, profiles.
    expect(file.$schema).toBe(SPEEDSCOPE_SCHEMA);
    expect(file.$schema).toBe('https://www.speedscope.app/file-format-schema.json');
    expect(typeof file.name).toBe('string');
    expect(file.activeProfileIndex).toBe(0);
    const frames = (file.shared as { frames: { name: unknown }[] }).frames;
    for (const f of frames) {
      expect(Object.keys(f)).toEqual(['name']);
      expect(typeof f.name).toBe('string');
    }
    const profiles = file.profiles as Record<string, unknown>[];
    expect(profiles).toHaveLength(1);
    // FileFormat.SampledProfile: required type, name, unit, startValue, endValue, samples, weights.
    const sampled = profiles[0]!;
    expect(Object.keys(sampled).sort()).toEqual(['endValue', 'name', 'samples', 'startValue', 'type', 'unit', 'weights']);
    expect(sampled).toMatchObject({ type: 'sampled', name: 'debuginfo', unit: 'none', startValue: 0, endValue: profile.total });
    const samples = sampled.samples as number[][];
    const weights = sampled.weights as number[];
    expect(weights).toHaveLength(samples.length);
    for (const s of samples) for (const i of s) expect(Number.isInteger(i) && i >= 0 && i < frames.length).toBe(true);
    expect(weights.reduce((a, b) => a + b, 0)).toBe(profile.total);
    // The same stacks as the folded output.
    const stacks = samples.map((s, i) => `${s.map((f) => frames[f]!.name).join(';')} ${weights[i]}`);
    expect(`${stacks.join('\n')}\n`).toBe(profile.folded());
  });
});

describe('svg()', () => {
  it('draws each frame of the call tree as wide as its units, with its units in the tooltip', () => {
    const profile = profileOf([0, 1, 2, 3, 4, 5]);
    const svg = profile.svg({ title: 'debuginfo <&>' });
    expect(svg).toBe(flamegraphSvg(profile, { title: 'debuginfo <&>' }));
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*>\n/);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('debuginfo &#60;&#38;&#62;');
    expect(svg).not.toMatch(/<script|href=/);
    const boxes = [...svg.matchAll(/<g><title>(.*?) \((\d+) units, ([\d.]+)%\)<\/title><rect x="([\d.]+)" y="(\d+)" width="([\d.]+)"/g)].map((m) => ({
      name: m[1]!,
      units: Number(m[2]),
      width: Number(m[6]),
    }));
    // Every frame is there (the root as `all`), each once here: this call tree has no name twice.
    const names = new Set(
      profile
        .folded()
        .trimEnd()
        .split('\n')
        .flatMap((l) => l.replace(/ \d+$/, '').split(';')),
    );
    expect(new Set(boxes.map((b) => b.name))).toEqual(new Set(['all', ...names]));
    const all = boxes.find((b) => b.name === 'all')!;
    expect(all.units).toBe(profile.total);
    for (const b of boxes) expect(b.width).toBeCloseTo((all.width * b.units) / all.units, 1);
    const weigh = profile.functions().find((f) => f.name === 'weigh')!;
    expect(boxes.find((b) => b.name === 'weigh')!.units).toBe(weigh.inclusive);
    // Labels fit their boxes: cut with `..` where the name is longer.
    for (const m of svg.matchAll(/width="([\d.]+)" [^>]*\/><text [^>]*>([^<]*)<\/text>/g)) expect(m[2]!.length * 7.2).toBeLessThanOrEqual(Number(m[1]));
  });

  it('draws an empty profile as a heading only', () => {
    const svg = flamegraphSvg(new Profile(), { title: 'nothing' });
    expect(svg).toContain('>nothing</text>');
    expect(svg).not.toContain('<g>');
  });
});
