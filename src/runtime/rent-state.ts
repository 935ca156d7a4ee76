/**
 * The rent-state rule every writable account of a transaction must keep (Agave's
 * `rent_calculator` and `transaction_account_state_info`): an account may not end rent-paying
 * unless it started rent-paying, kept its size and was not credited. With SIMD-0392
 * (`relax_post_exec_min_balance_check`) any funded account counts as rent-exempt before the
 * transaction, and an account that kept its owner and did not grow only needs to keep the lower of
 * its starting balance and the rent-exempt minimum, so a rent increase leaves existing accounts
 * usable. The fee payer's fee deduction is held to the same rule.
 */
import type { Account } from './accounts.js';
import { INCINERATOR } from './ids.js';
import { minimumBalance, type Rent } from './sysvars.js';

type RentState = { kind: 'uninitialized' } | { kind: 'exempt' } | { kind: 'paying'; lamports: bigint; size: number };

/** A writable account as the transaction found it. */
export interface AccountBefore {
  readonly state: RentState;
  readonly lamports: bigint;
  readonly size: number;
  readonly owner: string;
}

/** The two states without fields, shared (every account of every transaction is in one before and after). */
const UNINITIALIZED: RentState = Object.freeze({ kind: 'uninitialized' });
const EXEMPT: RentState = Object.freeze({ kind: 'exempt' });

function rentState(lamports: bigint, size: number, minimum: bigint): RentState {
  if (lamports === 0n) return UNINITIALIZED;
  if (lamports >= minimum) return EXEMPT;
  return { kind: 'paying', lamports, size };
}

/** `transition_allowed`: only a rent-paying account may stay rent-paying, unresized and uncredited. */
function transitionAllowed(pre: RentState, post: RentState): boolean {
  if (post.kind !== 'paying') return true;
  return pre.kind === 'paying' && pre.size === post.size && post.lamports <= pre.lamports;
}

/** The rule under one Rent sysvar, relaxed or not by SIMD-0392. */
export class RentStateRule {
  constructor(
    private readonly rent: Rent,
    private readonly relaxed: boolean,
  ) {}

  /** What the rule remembers of an account before the transaction changes it. */
  before(account: Account): AccountBefore {
    const { lamports, owner } = account;
    const size = account.data.length;
    const state = this.relaxed ? (lamports === 0n ? UNINITIALIZED : EXEMPT) : rentState(lamports, size, minimumBalance(this.rent, size));
    return { state, lamports, size, owner };
  }

  /** Whether `after` may be what the account at `address` ends as (the incinerator always may). */
  allows(address: string, before: AccountBefore, after: Account): boolean {
    if (address === INCINERATOR) return true;
    const size = after.data.length;
    let minimum = minimumBalance(this.rent, size);
    if (this.relaxed && before.state.kind !== 'uninitialized' && size <= before.size && after.owner === before.owner && before.lamports < minimum) {
      minimum = before.lamports;
    }
    return transitionAllowed(before.state, rentState(after.lamports, size, minimum));
  }
}
