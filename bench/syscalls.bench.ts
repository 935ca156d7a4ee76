/**
 * Microseconds per call of the cryptographic syscalls, websvm and LiteSVM in the same run. Each
 * case is a tiny assembled program that calls one syscall N times in a loop (N read from the
 * instruction data); the time of a call is (time of the transaction with N calls − time with 0
 * calls) / N, so transaction overhead, signature checks and the loop itself cancel out. Both
 * sides must agree on logs and compute units first, or the case is skipped. `npm run
 * bench:syscalls` (optionally a filter: `npm run bench:syscalls -- poseidon`).
 */
import { Bench } from 'tinybench';
import { type Address, type Instruction, type Transaction } from '@solana/kit';
import { bn254 } from '@noble/curves/bn254.js';
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { ed25519, ristretto255 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assembleToElf } from '../src/index.js';
import { createProgramAddress } from '../src/syscalls/pda.js';
import { deployBoth, Dual } from '../test/helpers/dual.js';
import { bytes, u32, u64 } from '../test/helpers/encoding.js';

/** A syscall argument: a pointer into the payload, a slice table built on the stack, the output area, or a constant. */
type Arg = { payload: number } | { table: number } | { out: number } | bigint;

interface Case {
  name: string;
  syscall: string;
  /** Bytes after the call count in the instruction data. */
  payload: Uint8Array;
  /** Slice tables (`[offset in payload, length][]`) the program writes to its stack before looping. */
  tables?: [number, number][][];
  /** r1..r5. */
  args: Arg[];
  /** Calls per measured transaction (the compute budget bounds it). */
  calls: number;
}

const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111' as Address;
const TABLES = 'r7';
const OUT = 1024;

/** The looping program: r6 = payload, r7 = stack scratch (tables, then output at +1024), r9 = calls left. */
function program(c: Case): Uint8Array {
  const lines = ['entrypoint:', 'ldxdw r9, [r1+16]', 'mov64 r6, r1', 'add64 r6, 24', 'mov64 r7, r10', 'sub64 r7, 3072'];
  (c.tables ?? []).forEach((slices, t) =>
    slices.forEach(([offset, len], i) => {
      const at = 256 * t + 16 * i;
      lines.push('mov64 r2, r6', `add64 r2, ${offset}`, `stxdw [${TABLES}+${at}], r2`, `mov64 r2, ${len}`, `stxdw [${TABLES}+${at + 8}], r2`);
    }),
  );
  lines.push('loop:', 'jeq r9, 0, done');
  c.args.forEach((arg, i) => {
    const r = `r${i + 1}`;
    if (typeof arg === 'bigint') lines.push(`lddw ${r}, ${arg}`);
    else if ('payload' in arg) lines.push(`mov64 ${r}, r6`, `add64 ${r}, ${arg.payload}`);
    else if ('table' in arg) lines.push(`mov64 ${r}, r7`, `add64 ${r}, ${256 * arg.table}`);
    else lines.push(`mov64 ${r}, r7`, `add64 ${r}, ${OUT + arg.out}`);
  });
  lines.push(`syscall ${c.syscall}`, 'sub64 r9, 1', 'ja loop', 'done:', 'mov64 r0, 0', 'exit');
  return assembleToElf(lines.join('\n'), { sbpfVersion: 0 });
}

// ---- Inputs ----------------------------------------------------------------------------

const be32 = (v: bigint) => {
  const b = new Uint8Array(32);
  for (let i = 31; i >= 0; i--, v >>= 8n) b[i] = Number(v & 0xffn);
  return b;
};
const le32 = (v: bigint) => be32(v).reverse();
const seedOf = (i: number) => sha256(u32(i));
const PROGRAM_ID = sha256(Uint8Array.of(7));

/** A 32-byte seed whose program address takes exactly `attempts` bumps to find (255 down). */
function seedTaking(attempts: number): Uint8Array {
  for (let i = 0; ; i++) {
    const seed = seedOf(i);
    let bump = 255;
    while (!createProgramAddress([seed, Uint8Array.of(bump)], PROGRAM_ID)) bump--;
    if (256 - bump === attempts) return seed;
  }
}

const slices = (count: number, size: number, from = 0): [number, number][] => Array.from({ length: count }, (_, i) => [from + size * i, size]);
const poseidonInputs = (n: number) => bytes(...Array.from({ length: n }, (_, i) => be32(BigInt(i + 1) * 0x1234567890abcdefn)));

function secp256k1Case(): Case {
  const secret = sha256(Uint8Array.of(1));
  const hash = sha256(Uint8Array.of(2));
  const sig = secp256k1.sign(hash, secret, { prehash: false, format: 'recovered' });
  // 'recovered' is recovery id ‖ r ‖ s.
  return {
    name: 'secp256k1_recover',
    syscall: 'sol_secp256k1_recover',
    payload: bytes(hash, sig.subarray(1)),
    args: [{ payload: 0 }, BigInt(sig[0]), { payload: 32 }, { out: 0 }],
    calls: 40,
  };
}

const edPoint = (k: bigint) => ed25519.Point.BASE.multiply(k).toBytes();
const ristrettoPoint = (k: bigint) => ristretto255.Point.BASE.multiply(k).toBytes();
const g1 = (k: bigint) => {
  const a = bn254.G1.Point.BASE.multiply(k).toAffine();
  return bytes(be32(a.x), be32(a.y));
};
const g2 = (k: bigint) => {
  const a = bn254.G2.Point.BASE.multiply(k).toAffine();
  return bytes(be32(a.x.c1), be32(a.x.c0), be32(a.y.c1), be32(a.y.c0));
};
const blsG1 = (k: bigint) => bls12_381.G1.Point.BASE.multiply(k).toBytes(false);
const blsG2 = (k: bigint) => bls12_381.G2.Point.BASE.multiply(k).toBytes(false);

function cases(): Case[] {
  const seed1 = seedTaking(1);
  const seed4 = seedTaking(4);
  const [pdaSeed, pdaBump] = (() => {
    const seed = seedOf(1000);
    let bump = 255;
    while (!createProgramAddress([seed, Uint8Array.of(bump)], PROGRAM_ID)) bump--;
    return [seed, bump];
  })();
  const data32 = sha256(Uint8Array.of(3));
  const data512 = bytes(...Array.from({ length: 16 }, (_, i) => sha256(Uint8Array.of(i))));
  const hash = (name: string, syscall: string, payload: Uint8Array, calls: number): Case => ({
    name,
    syscall,
    payload,
    tables: [[[0, payload.length]]],
    args: [{ table: 0 }, 1n, { out: 0 }],
    calls,
  });
  const poseidon = (n: number, calls: number): Case => ({
    name: `poseidon (${n} input${n > 1 ? 's' : ''})`,
    syscall: 'sol_poseidon',
    payload: poseidonInputs(n),
    tables: [slices(n, 32)],
    args: [0n, 0n, { table: 0 }, BigInt(n), { out: 0 }],
    calls,
  });
  const curveOp = (name: string, curve: bigint, op: bigint, left: Uint8Array, right: Uint8Array, calls: number): Case => ({
    name,
    syscall: 'sol_curve_group_op',
    payload: bytes(left, right),
    args: [curve, op, { payload: 0 }, { payload: left.length }, { out: 0 }],
    calls,
  });
  const bn = (name: string, syscall: string, op: bigint, input: Uint8Array, calls: number): Case => ({
    name,
    syscall,
    payload: input,
    args: [op, { payload: 0 }, BigInt(input.length), { out: 0 }],
    calls,
  });
  const scalar = le32(0x1234567890abcdef1234567890abcdefn);
  return [
    // The cost of a syscall as such, for reference.
    { name: 'get_stack_height (no work)', syscall: 'sol_get_stack_height', payload: new Uint8Array(0), args: [], calls: 10000 },
    hash('sha256 (32 B)', 'sol_sha256', data32, 5000),
    hash('sha256 (512 B)', 'sol_sha256', data512, 2000),
    hash('keccak256 (32 B)', 'sol_keccak256', data32, 5000),
    hash('blake3 (32 B)', 'sol_blake3', data32, 5000),
    {
      name: 'create_program_address',
      syscall: 'sol_create_program_address',
      payload: bytes(pdaSeed, pdaBump, PROGRAM_ID),
      tables: [
        [
          [0, 32],
          [32, 1],
        ],
      ],
      args: [{ table: 0 }, 2n, { payload: 33 }, { out: 0 }],
      calls: 800,
    },
    ...[1, 4].map((attempts): Case => ({
      name: `try_find_program_address (${attempts} bump${attempts > 1 ? 's' : ''})`,
      syscall: 'sol_try_find_program_address',
      payload: bytes(attempts === 1 ? seed1 : seed4, PROGRAM_ID),
      tables: [[[0, 32]]],
      args: [{ table: 0 }, 1n, { payload: 32 }, { out: 0 }, { out: 64 }],
      calls: Math.floor(800 / attempts),
    })),
    poseidon(1, 1500),
    poseidon(2, 1500),
    poseidon(6, 500),
    poseidon(12, 120),
    secp256k1Case(),
    { name: 'curve25519 validate (Edwards)', syscall: 'sol_curve_validate_point', payload: edPoint(5n), args: [0n, { payload: 0 }], calls: 4000 },
    { name: 'curve25519 validate (Ristretto)', syscall: 'sol_curve_validate_point', payload: ristrettoPoint(5n), args: [1n, { payload: 0 }], calls: 4000 },
    curveOp('curve25519 add (Edwards)', 0n, 0n, edPoint(5n), edPoint(7n), 1500),
    curveOp('curve25519 mul (Edwards)', 0n, 2n, scalar, edPoint(7n), 300),
    curveOp('curve25519 mul (Ristretto)', 1n, 2n, scalar, ristrettoPoint(7n), 300),
    {
      name: 'curve25519 msm (Edwards, 4)',
      syscall: 'sol_curve_multiscalar_mul',
      payload: bytes(scalar, scalar, scalar, scalar, edPoint(3n), edPoint(5n), edPoint(7n), edPoint(11n)),
      args: [0n, { payload: 0 }, { payload: 128 }, 4n, { out: 0 }],
      calls: 200,
    },
    bn('alt_bn128 G1 add', 'sol_alt_bn128_group_op', 0n, bytes(g1(3n), g1(5n)), 2000),
    bn('alt_bn128 G1 mul', 'sol_alt_bn128_group_op', 2n, bytes(g1(3n), be32(0x1234567890abcdef1234567890abcdefn)), 300),
    bn('alt_bn128 pairing (2 pairs)', 'sol_alt_bn128_group_op', 3n, bytes(g1(3n), g2(5n), g1(bn254.fields.Fr.ORDER - 3n), g2(5n)), 20),
    bn(
      'alt_bn128 G1 decompress',
      'sol_alt_bn128_compression',
      1n,
      (() => {
        const p = g1(3n);
        const c = p.slice(0, 32);
        const y = BigInt('0x' + Buffer.from(p.subarray(32)).toString('hex'));
        if (y > bn254.fields.Fp.neg(y)) c[0] |= 0x80;
        return c;
      })(),
      1000,
    ),
    { name: 'bls12-381 G1 validate', syscall: 'sol_curve_validate_point', payload: blsG1(5n), args: [0x85n, { payload: 0 }], calls: 500 },
    curveOp('bls12-381 G1 add', 0x85n, 0n, blsG1(5n), blsG1(7n), 2000),
    curveOp('bls12-381 G1 mul', 0x85n, 2n, be32(0x1234567890abcdefn), blsG1(7n), 200),
    { name: 'bls12-381 G2 validate', syscall: 'sol_curve_validate_point', payload: blsG2(5n), args: [0x86n, { payload: 0 }], calls: 300 },
    {
      name: 'bls12-381 G1 decompress',
      syscall: 'sol_curve_decompress',
      payload: bls12_381.G1.Point.BASE.multiply(5n).toBytes(true),
      args: [0x85n, { payload: 0 }, { out: 0 }],
      calls: 300,
    },
    curveOp('bls12-381 G2 add', 0x86n, 0n, blsG2(5n), blsG2(7n), 1000),
    curveOp('bls12-381 G2 mul', 0x86n, 2n, be32(0x1234567890abcdef1234567890abcdefn), blsG2(7n), 100),
    {
      name: 'bls12-381 G2 decompress',
      syscall: 'sol_curve_decompress',
      payload: bls12_381.G2.Point.BASE.multiply(5n).toBytes(true),
      args: [0x86n, { payload: 0 }, { out: 0 }],
      calls: 100,
    },
    {
      name: 'bls12-381 pairing (2 pairs)',
      syscall: 'sol_curve_pairing_map',
      payload: bytes(blsG1(3n), blsG1(bls12_381.fields.Fr.ORDER - 3n), blsG2(5n), blsG2(5n)),
      args: [0x84n, 2n, { payload: 0 }, { payload: 192 }, { out: 0 }],
      calls: 20,
    },
  ];
}

// ---- Measurement -----------------------------------------------------------------------

const d = await Dual.create();
d.ours.withSigverify(false).withTransactionHistory(0);
d.theirs.withSigverify(false);
d.theirs.withTransactionHistory(0n);

const filter = process.argv[2];
const median = (b: Bench, name: string) => {
  const r = b.tasks.find((t) => t.name === name)!.result;
  return r && 'latency' in r ? (r.latency.p50 ?? r.latency.mean) : NaN;
};

async function transaction(id: Address, calls: number, payload: Uint8Array): Promise<Transaction> {
  const budget: Instruction = { programAddress: COMPUTE_BUDGET, accounts: [], data: bytes(2, u32(1_400_000)) };
  return d.transaction([budget, { programAddress: id, accounts: [], data: bytes(u64(BigInt(calls)), payload) }]);
}

const rows: Record<string, string | number>[] = [];
for (const c of cases()) {
  if (filter && !c.name.includes(filter)) continue;
  const id = await deployBoth(d, program(c));
  const work = await transaction(id, c.calls, c.payload);
  const idle = await transaction(id, 0, c.payload);
  const probe = d.send(work);
  if (probe.ours.error || probe.theirs.error || probe.ours.computeUnits !== probe.theirs.computeUnits) {
    rows.push({
      syscall: c.name,
      note: `skipped: websvm ${probe.ours.error ?? probe.ours.computeUnits}, LiteSVM ${probe.theirs.error ?? probe.theirs.computeUnits}`,
    });
    continue;
  }
  const bench = new Bench({ time: 600, warmupTime: 150, iterations: 5 });
  bench
    .add('websvm', () => void d.ours.sendTransaction(work))
    .add('websvm idle', () => void d.ours.sendTransaction(idle))
    .add('LiteSVM', () => void d.theirs.sendTransaction(work))
    .add('LiteSVM idle', () => void d.theirs.sendTransaction(idle));
  await bench.run();
  const perCall = (side: string) => ((median(bench, side) - median(bench, `${side} idle`)) * 1000) / c.calls;
  const ours = perCall('websvm');
  const theirs = perCall('LiteSVM');
  rows.push({ syscall: c.name, 'websvm µs/call': +ours.toFixed(2), 'LiteSVM µs/call': +theirs.toFixed(2), ratio: +(ours / theirs).toFixed(2) });
}
console.table(rows);
