/**
 * The inspector's own flamegraph, kept apart so that one shared renderer of profiles can take its
 * place: a self-contained SVG of folded stacks (`frame;frame;… units` lines, what
 * `Profile.folded()` writes): the root at the bottom, each frame as wide as its units, a `<title>`
 * on every frame for its name, units and share. Frame names come from programs (their DWARF and
 * symbols), so every one is escaped.
 */
import { escapeHtml } from './html.js';

/** How the flamegraph is drawn. */
export interface FoldedFlamegraphOptions {
  /** Width in pixels (default 1200). */
  width?: number;
}

interface Frame {
  name: string;
  units: number;
  children: Map<string, Frame>;
}

const ROW_HEIGHT = 18;
/** Width of a character of the 11px monospace labels, to know how much of a name fits. */
const CHAR_WIDTH = 6.7;
/** Frames narrower than this are drawn without a label. */
const MIN_LABELLED_WIDTH = 3 * CHAR_WIDTH;

function parseFolded(folded: string): Frame {
  const root: Frame = { name: 'all', units: 0, children: new Map() };
  for (const line of folded.split('\n')) {
    const space = line.lastIndexOf(' ');
    const units = Number(line.slice(space + 1));
    if (space <= 0 || !Number.isFinite(units) || units <= 0) continue;
    root.units += units;
    let node = root;
    for (const name of line.slice(0, space).split(';')) {
      let child = node.children.get(name);
      if (!child) node.children.set(name, (child = { name, units: 0, children: new Map() }));
      child.units += units;
      node = child;
    }
  }
  return root;
}

const depthOf = (f: Frame): number => 1 + Math.max(0, ...[...f.children.values()].map(depthOf));

/** A warm colour from the name (stable across pages), grey for the runtime's own charges, blue for syscalls. */
function colour(name: string): string {
  if (name.startsWith('[')) return 'hsl(0,0%,78%)';
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  if (name.startsWith('sol_')) return `hsl(${200 + (h % 30)},60%,${68 + (h % 10)}%)`;
  return `hsl(${h % 55},${75 + (h % 20)}%,${58 + (h % 12)}%)`;
}

/** The SVG of `folded`, or an empty string when it holds no units. */
export function foldedFlamegraphSvg(folded: string, options: FoldedFlamegraphOptions = {}): string {
  const width = options.width ?? 1200;
  const root = parseFolded(folded);
  if (root.units === 0) return '';
  const depth = depthOf(root);
  const height = depth * ROW_HEIGHT;
  const scale = width / root.units;
  const rects: string[] = [];
  const draw = (f: Frame, x: number, level: number) => {
    const w = f.units * scale;
    const y = height - (level + 1) * ROW_HEIGHT;
    const share = ((100 * f.units) / root.units).toFixed(2);
    const title = escapeHtml(`${f.name} — ${f.units} units (${share}%)`);
    const fits = Math.floor((w - 6) / CHAR_WIDTH);
    const label = w < MIN_LABELLED_WIDTH ? '' : f.name.length <= fits ? f.name : `${f.name.slice(0, Math.max(0, fits - 2))}..`;
    rects.push(
      `<g class="frame"><title>${title}</title><rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${ROW_HEIGHT - 1}" rx="2" fill="${colour(f.name)}"/>` +
        (label ? `<text x="${(x + 3).toFixed(2)}" y="${y + 12.5}">${escapeHtml(label)}</text>` : '') +
        '</g>',
    );
    let childX = x;
    for (const c of f.children.values()) {
      draw(c, childX, level + 1);
      childX += c.units * scale;
    }
  };
  draw(root, 0, 0);
  return (
    `<svg class="flamegraph" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="flamegraph">` +
    `<style>text{font:11px ui-monospace,Menlo,Consolas,monospace;fill:#000;pointer-events:none}</style>${rects.join('')}</svg>`
  );
}
