/** A small load on the validator (the bounded one is `npm run bench:validator`): concurrent clients lose no transaction. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startValidator, type Validator } from '../../src/validator/index.js';
import { loadValidator } from '../helpers/validator-load.js';

describe('validator under load', () => {
  let v: Validator;
  beforeAll(async () => {
    v = await startValidator({ port: 0 });
  });
  afterAll(() => v.close());

  it('confirms every transfer of 4 concurrent clients × 50, and keeps them all', async () => {
    const result = await loadValidator(v.rpcUrl, 4, 50);
    expect(result.confirmed).toBe(200);
    expect(result.latenciesMs).toHaveLength(200);
    expect(result.lost).toEqual([]);
    expect(result.wrongBalances).toEqual([]);
  });
});
