/**
 * A self-contained SVG flamegraph of a {@link Profile}: one box per frame of the call tree, as wide
 * as its inclusive units, callers below their callees (flamegraph.pl's layout), siblings in name
 * order, each box titled with its units and share of the total (shown as a tooltip). No script and
 * no external resources, so the text can be written to a file or embedded in an HTML page.
 */
import { toChecked, toF64, toInstance, toInteger, toOptional, toText } from '../arguments.js';
import { Profile, type ProfileNode } from './profile.js';

/** Options of {@link flamegraphSvg}. */
export interface FlamegraphOptions {
  /** The heading (default `Compute units`). */
  title?: string;
  /** Width of the image in pixels (default 1200). */
  width?: number;
  /** Height of one frame in pixels (default 16). */
  frameHeight?: number;
  /** Frames narrower than this many pixels are left out (default 0.1). */
  minWidth?: number;
}

const FONT_SIZE = 12;
/** Average advance of a monospace character at {@link FONT_SIZE}, to fit labels in boxes. */
const CHAR_WIDTH = FONT_SIZE * 0.6;
const MARGIN = 10;
const HEADER = 34;

const escapeXml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A warm colour chosen by the frame's name, so a function keeps its colour across graphs. */
function colorOf(name: string): string {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  const a = (h >>> 0) / 0xffffffff;
  const b = ((h >>> 8) & 0xff) / 255;
  return `rgb(${205 + Math.round(50 * a)},${Math.round(80 + 150 * b)},${Math.round(55 * a)})`;
}

/** The label of a box `width` pixels wide: the name, cut with `..` to fit, or nothing when under three characters fit. */
function label(name: string, width: number): string {
  const fits = Math.floor((width - 6) / CHAR_WIDTH);
  if (fits < 3) return '';
  return name.length <= fits ? name : `${name.slice(0, fits - 2)}..`;
}

/** The SVG text of a flamegraph of `profile`. */
export function flamegraphSvg(profile: Profile, options: FlamegraphOptions = {}): string {
  toInstance(profile, 'profile', Profile, 'a Profile');
  const size = (v: unknown, name: string) => toOptional(v, name, (n, at) => toInteger(n, at, 1, 1_000_000, 'a size in pixels'));
  options = toChecked<FlamegraphOptions>(options, 'options', 'flamegraph options { title?, width?, frameHeight?, minWidth? } or undefined', 'options', {
    title: (v, name) => toOptional(v, name, toText),
    width: size,
    frameHeight: size,
    minWidth: (v, name) => toOptional(v, name, toF64),
  });
  const width = options.width ?? 1200;
  const frameHeight = options.frameHeight ?? 16;
  const minWidth = options.minWidth ?? 0.1;
  const title = options.title ?? 'Compute units';
  const total = profile.total;
  const scale = total > 0 ? (width - 2 * MARGIN) / total : 0;
  const boxes: { node: ProfileNode; units: number; x: number; depth: number }[] = [];
  let depthMax = 0;
  const place = (node: ProfileNode, x: number, depth: number) => {
    const units = node.total();
    if (units * scale < minWidth) return;
    boxes.push({ node, units, x, depth });
    depthMax = Math.max(depthMax, depth);
    let at = x;
    for (const c of [...node.children.values()].sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : 0))) {
      place(c, at, depth + 1);
      at += c.total() * scale;
    }
  };
  place(profile.root, MARGIN, 0);
  const height = HEADER + (depthMax + 1) * frameHeight + MARGIN;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="monospace" font-size="${FONT_SIZE}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#f8f8f8"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="${FONT_SIZE + 4}">${escapeXml(title)}</text>`,
  ];
  for (const { node, units, x, depth } of boxes) {
    const name = node === profile.root ? 'all' : node.name;
    const w = units * scale;
    const y = height - MARGIN - (depth + 1) * frameHeight;
    const share = total > 0 ? ((100 * units) / total).toFixed(2) : '0.00';
    const text = label(name, w);
    out.push(
      `<g><title>${escapeXml(`${name} (${units} units, ${share}%)`)}</title>` +
        `<rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${frameHeight - 1}" rx="2" fill="${node === profile.root ? '#e0e0e0' : colorOf(name)}"/>` +
        (text ? `<text x="${(x + 3).toFixed(2)}" y="${y + frameHeight - 4}">${escapeXml(text)}</text>` : '') +
        '</g>',
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
