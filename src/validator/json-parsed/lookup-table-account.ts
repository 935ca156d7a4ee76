/** `jsonParsed` for address lookup tables (agave account-decoder/src/parse_address_lookup_table.rs). */
import { decodeLookupTable, lookupTableAddress } from '../../runtime/lookup-table-state.js';

/** `parse_address_lookup_table`: a table, `uninitialized`, or undefined for invalid data. */
export function parseLookupTable(data: Uint8Array): object | undefined {
  const table = decodeLookupTable(data);
  if ('error' in table) return table.error === 'UninitializedAccount' ? { type: 'uninitialized' } : undefined;
  const { meta } = table;
  return {
    type: 'lookupTable',
    info: {
      deactivationSlot: meta.deactivationSlot.toString(),
      lastExtendedSlot: meta.lastExtendedSlot.toString(),
      lastExtendedSlotStartIndex: meta.lastExtendedSlotStartIndex,
      ...(meta.authority === undefined ? {} : { authority: meta.authority }),
      addresses: Array.from({ length: table.addressCount }, (_, i) => lookupTableAddress(data, i)),
    },
  };
}
