/**
 * v0 transactions whose accounts come from address lookup tables (tables installed as accounts of
 * the Address Lookup Table program), in websvm and in LiteSVM: resolution, writability and the
 * lookup errors.
 */
import { describe, expect, it } from 'vitest';
import { address, generateKeyPairSigner, getAddressEncoder, type Address } from '@solana/kit';
import { Dual, setBoth, systemTransfer } from '../helpers/dual.js';
import { SYSTEM_PROGRAM } from '../helpers/encoding.js';

const ALT_PROGRAM = address('AddressLookupTab1e1111111111111111111111111');
const enc = getAddressEncoder();

/** A lookup table account: 56-byte meta (active, extended at slot 0) and the addresses. */
function tableData(addresses: Address[], deactivationSlot = 0xffff_ffff_ffff_ffffn): Uint8Array {
  const d = new Uint8Array(56 + 32 * addresses.length);
  const v = new DataView(d.buffer);
  v.setUint32(0, 1, true);
  v.setBigUint64(4, deactivationSlot, true);
  addresses.forEach((a, i) => d.set(enc.encode(a), 56 + 32 * i));
  return d;
}

describe('address lookup tables: websvm vs LiteSVM', () => {
  it('resolves writable accounts from a table and fails identically on bad tables', async () => {
    const d = await Dual.create();
    const recipients = await Promise.all([1, 2, 3].map(async () => (await generateKeyPairSigner()).address));
    const table = (await generateKeyPairSigner()).address;
    setBoth(d, table, { lamports: 10_000_000n, data: tableData(recipients), owner: ALT_PROGRAM });
    const send = async (tableAddress: Address, addresses: Address[]) => {
      const r = d.send(
        await d.transaction(
          recipients.map((r) => systemTransfer(d.payer, r, 1_000_000n)),
          { [tableAddress]: addresses },
        ),
      );
      expect(r.ours).toEqual(r.theirs);
      for (const a of recipients) expect(d.account(a).ours).toEqual(d.account(a).theirs);
      return r.ours.error;
    };
    expect(await send(table, recipients)).toBeUndefined();
    // A table that does not exist, one owned by another program, one that is too short.
    const missing = (await generateKeyPairSigner()).address;
    expect(await send(missing, recipients)).toBe('AddressLookupTableNotFound');
    const foreign = (await generateKeyPairSigner()).address;
    setBoth(d, foreign, { lamports: 10_000_000n, data: tableData(recipients), owner: SYSTEM_PROGRAM });
    expect(await send(foreign, recipients)).toBe('InvalidAddressLookupTableOwner');
    const broken = (await generateKeyPairSigner()).address;
    setBoth(d, broken, { lamports: 10_000_000n, data: new Uint8Array(40), owner: ALT_PROGRAM });
    expect(await send(broken, recipients)).toBe('InvalidAddressLookupTableData');
    const deactivated = (await generateKeyPairSigner()).address;
    setBoth(d, deactivated, { lamports: 10_000_000n, data: tableData(recipients, 5n), owner: ALT_PROGRAM });
    expect(await send(deactivated, recipients)).toBe('AddressLookupTableNotFound');
  });
});
