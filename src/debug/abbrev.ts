/** DWARF abbreviation tables (`.debug_abbrev`): the shape of each kind of entry in `.debug_info`. */
import { Cursor } from './cursor.js';
import { DW_FORM } from './forms.js';

/** One abbreviation: the entry's tag, whether it has children, and its attributes' names and forms. */
export interface Abbrev {
  tag: number;
  hasChildren: boolean;
  attributes: { name: number; form: number; implicitConst: number }[];
}

/** Reads the abbreviation table at `offset`, by code. */
export function readAbbrevTable(section: Uint8Array, offset: number): Map<number, Abbrev> {
  const c = new Cursor('.debug_abbrev', section, offset);
  const table = new Map<number, Abbrev>();
  for (let code = c.uleb(); code !== 0; code = c.uleb()) {
    const tag = c.uleb();
    const hasChildren = c.u8() !== 0;
    const attributes: Abbrev['attributes'] = [];
    for (;;) {
      const name = c.uleb();
      const form = c.uleb();
      if (name === 0 && form === 0) break;
      attributes.push({ name, form, implicitConst: form === DW_FORM.implicit_const ? c.sleb() : 0 });
    }
    table.set(code, { tag, hasChildren, attributes });
  }
  return table;
}
