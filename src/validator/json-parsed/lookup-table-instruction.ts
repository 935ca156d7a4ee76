/** Address Lookup Table instructions as Agave parses them (agave transaction-status/src/parse_address_lookup_table.rs). */
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum } from './instruction-parser.js';

/** `parse_address_lookup_table`: bincode `ProgramInstruction`. */
export function parseLookupTableInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const r = new BincodeReader(data, { limit: Infinity });
  const parsed = instructionOver(a);
  const table = () => ({ lookupTableAccount: a[0], lookupTableAuthority: a[1] });
  switch (r.u32()) {
    case 0: {
      const [recentSlot, bumpSeed] = [r.u64(), r.u8()];
      return parsed('createLookupTable', 4, () => ({ ...table(), payerAccount: a[2], systemProgram: a[3], recentSlot, bumpSeed }));
    }
    case 1:
      return parsed('freezeLookupTable', 2, table);
    case 2: {
      const newAddresses = Array.from({ length: r.length(32) }, () => r.pubkey());
      return parsed('extendLookupTable', 2, () => ({ ...table(), newAddresses, ...(a.length >= 4 ? { payerAccount: a[2], systemProgram: a[3] } : {}) }));
    }
    case 3:
      return parsed('deactivateLookupTable', 2, table);
    case 4:
      return parsed('closeLookupTable', 3, () => ({ ...table(), recipient: a[2] }));
    default:
      throw new NotParsable('unknown Address Lookup Table instruction');
  }
}
