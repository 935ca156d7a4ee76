#!/usr/bin/env python3
"""Extracts the operand tables of solana-sbpf's test_pqr_v0 / test_pqr_v2 (tests/execution.rs).

Usage: git -C <sbpf repo> show HEAD:tests/execution.rs | scripts/extract-sbpf-pqr-tables.py > test/vm/vectors/sbpf-pqr.json
Each row is (opcode name, dst, src, expected) with Rust casts evaluated exactly.
"""
import json, re, sys

src = sys.stdin.read()
MAX = {'u64::MAX': 2**64 - 1, 'u32::MAX': 2**32 - 1, 'i64::MIN': -2**63, 'i32::MIN': -2**31}
BITS = {'u32': (32, False), 'u64': (64, False), 'i32': (32, True), 'i64': (64, True)}

def cast(v, ty):
    bits, signed = BITS[ty]
    v %= 2**bits
    return v - 2**bits if signed and v >= 2**(bits - 1) else v

def evaluate(expr):
    e = expr.strip()
    for k, v in MAX.items():
        e = e.replace(k, str(v) if v >= 0 else f'({v})')
    e = re.sub(r'(0x[0-9a-fA-F_]+|\d[\d_]*)(u64|i64|u32|i32)\b', lambda m: f"cast({m.group(1).replace('_', '')},'{m.group(2)}')", e)
    # `x as T as U` binds tighter than arithmetic: wrap each term with its chain of casts.
    def chain(m):
        out = m.group(1)
        for ty in re.findall(r'as\s+(u64|i64|u32|i32)', m.group(2)):
            out = f"cast({out},'{ty}')"
        return out
    term = r'(-?cast\([^()]*\)|-?\([^()]*\)|-?[0-9x]+)'
    e = re.sub(term + r'((?:\s+as\s+(?:u64|i64|u32|i32))+)', chain, e)
    if ' as ' in e:
        raise ValueError(expr)
    return eval(e.replace('/', '//'), {'cast': cast}) % 2**64

def table(fn):
    body = src[src.index(f'fn {fn}()'):]
    body = re.sub(r'//[^\n]*|/\*.*?\*/', '', body[:body.index('\n#[test]')], flags=re.S)
    rows = re.findall(r'\(\s*ebpf::(\w+),\s*([^,]+),\s*([^,]+),\s*([^)]*?(?:\([^)]*\))?[^)]*?)\s*,?\s*\)', body[body.index('for (opc'):body.index('] {')])
    return [{'op': o, 'dst': hex(evaluate(d)), 'src': hex(evaluate(s)), 'expected': hex(evaluate(x))} for o, d, s, x in rows]

json.dump({'source': 'anza-xyz/sbpf tests/execution.rs @2510663', 'v0': table('test_pqr_v0'), 'v2': table('test_pqr_v2')}, sys.stdout, indent=1)
