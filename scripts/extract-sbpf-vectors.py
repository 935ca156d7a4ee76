#!/usr/bin/env python3
"""Extracts the asm execution vectors of solana-sbpf's tests/execution.rs into JSON test data.

Usage: git -C <sbpf repo> show HEAD:tests/execution.rs | scripts/extract-sbpf-vectors.py > test/vm/vectors/sbpf-execution.json

Only facts are taken (program text, version, input bytes, budget, expected result and count).
Invocations whose configuration or expected value cannot be evaluated statically are listed under
"skipped" with the reason.
"""
import json, re, sys

src = sys.stdin.read()
STACK_SIZE = 64 * 4096
CONSTS = {
    'ebpf::MM_STACK_START': 0x200000000, 'ebpf::MM_INPUT_START': 0x400000000,
    'ebpf::MM_HEAP_START': 0x300000000, 'ebpf::MM_BYTECODE_START': 0x100000000,
    'ebpf::MM_RODATA_START': 0, 'config.stack_size() as u64': STACK_SIZE,
    'config.max_call_depth as i64': 64, 'config.max_call_depth': 64,
    'u64::MAX': 2**64 - 1, 'i64::MIN': -2**63, 'u32::MAX': 2**32 - 1, 'i32::MIN': -2**31,
}

def rust_eval(expr):
    e = expr.strip()
    for k, v in sorted(CONSTS.items(), key=lambda kv: -len(kv[0])):
        e = e.replace(k, str(v))
    e = re.sub(r'\bas\s+(u64|i64|u32|i32|usize)\b', '', e)
    e = re.sub(r'(\d)_(?=\d)', r'\1', e)
    e = re.sub(r'(0x[0-9a-fA-F_]+|\d+)(u64|i64|u32|i32|usize|u8)\b', r'\1', e)
    e = e.replace('_', '') if re.fullmatch(r'[0-9a-fA-Fx_+\-*/ ()<>]+', e) else e
    if not re.fullmatch(r'[0-9a-fA-Fx+\-*/ ()<>]+', e):
        raise ValueError(expr)
    v = eval(e.replace('/', '//'))
    return v % 2**64

def split_args(s):
    out, depth, cur, i, in_str = [], 0, '', 0, False
    while i < len(s):
        c = s[i]
        if in_str:
            cur += c
            if c == '\\': cur += s[i + 1]; i += 1
            elif c == '"': in_str = False
        elif c == '"': in_str = True; cur += c
        elif c in '([{': depth += 1; cur += c
        elif c in ')]}': depth -= 1; cur += c
        elif c == ',' and depth == 0: out.append(cur.strip()); cur = ''
        else: cur += c
        i += 1
    if cur.strip(): out.append(cur.strip())
    return out

def macro_calls(text, name):
    for m in re.finditer(re.escape(name) + r'!\(', text):
        start = m.end(); depth = 1; i = start; in_str = False
        while depth:
            c = text[i]
            if in_str:
                if c == '\\': i += 1
                elif c == '"': in_str = False
            elif c == '"': in_str = True
            elif c == '(': depth += 1
            elif c == ')': depth -= 1
            i += 1
        yield m.start(), text[start:i - 1]

tests = [(m.start(), m.group(1)) for m in re.finditer(r'#\[test\]\s*fn (\w+)', src)]
def test_of(pos):
    name = None
    for p, n in tests:
        if p < pos: name = n
    return name

def versions_for(pos, has_config):
    """Versions a call runs with: default V4, or the loop of its test when the config only sets versions."""
    body_start = max(p for p, _ in tests if p < pos)
    body = src[body_start:pos]
    if not has_config:
        return [4], None
    cfg = body[body.rfind('let config = Config {'):] if 'let config = Config {' in body else ''
    if not cfg:
        return None, 'config defined elsewhere'
    fields = re.findall(r'\n\s*(\w+)\s*:(?!:)', cfg[:cfg.find('};')])
    extra = [f for f in fields if f not in ('enabled_sbpf_versions', 'enable_register_tracing')]
    if extra:
        return None, 'config sets ' + ', '.join(extra)
    loop = re.findall(r'for sbpf_version in \[([^\]]*)\]', body)
    rng = re.search(r'enabled_sbpf_versions:\s*([^,]+),', cfg)
    if rng and 'sbpf_version..=sbpf_version' in rng.group(1) and loop:
        return [int(v.strip()[-1]) for v in loop[-1].split(',') if v.strip()], None
    if rng:
        m = re.fullmatch(r'SBPFVersion::V(\d)\.\.=SBPFVersion::V(\d)', rng.group(1).strip())
        if m: return [int(m.group(2))], None
        return None, 'version range ' + rng.group(1)
    return [4], None

def input_bytes(pos, arg):
    if arg == 'NO_INPUT': return []
    m = re.fullmatch(r'&raw (?:const|mut) (\w+)', arg)
    if not m: raise ValueError('input ' + arg)
    body = src[:pos]
    d = list(re.finditer(r'let (?:mut )?' + m.group(1) + r'\s*=\s*\[([^\]]*)\];', body))
    if not d: raise ValueError('input def ' + arg)
    lit = re.sub(r'//[^\n]*', '', d[-1].group(1)).strip()
    rep = re.fullmatch(r'(\w+)\s*;\s*(\d+)', lit)
    if rep: return [rust_eval(rep.group(1)) % 256] * int(rep.group(2))
    return [rust_eval(x) % 256 for x in split_args(lit)]

def expected(arg):
    arg = re.sub(r'\s+', ' ', arg.strip())
    m = re.fullmatch(r'ProgramResult::Ok\((.*)\)', arg)
    if m: return {'ok': True, 'value': hex(rust_eval(m.group(1)))}
    m = re.fullmatch(r'ProgramResult::Err\(EbpfError::(\w+)(?:\((.*)\))?\)', arg)
    if not m: raise ValueError('expected ' + arg)
    kind, args = m.group(1), m.group(2)
    if kind in ('AccessViolation', 'StackAccessViolation'):
        a = split_args(args)
        access = 'writing' if 'Store' in a[0] else 'reading'
        addr, length = rust_eval(a[1]), rust_eval(a[2])
        if kind == 'AccessViolation':
            region = a[3].strip('"')
            msg = f'Access violation {access} {length} bytes at address {addr:#x} (in {region} region)'
        else:
            frame = rust_eval(a[3]); frame = frame - 2**64 if frame >= 2**63 else frame
            msg = f'Access violation in stack frame {frame} at address {addr:#x} of size {length}'
        return {'ok': False, 'kind': kind, 'message': msg}
    if args is not None and kind != 'SyscallError':
        raise ValueError('error args ' + arg)
    return {'ok': False, 'kind': kind}

vectors, skipped = [], []
for macro, arity_cfg in (('test_interpreter_and_jit_asm', 5), ('test_syscall_asm', None)):
    for pos, body in macro_calls(src, macro):
        if body.strip().startswith('$') or body.strip().startswith('register'):
            continue
        name = test_of(pos)
        try:
            args = split_args(body)
            source = json.loads(args[0], strict=False) if args[0].startswith('"') else None
            if source is None: raise ValueError('non-literal source')
            if macro == 'test_syscall_asm':
                mem, syscalls, budget, exp = args[1], args[2], args[3], args[4]
                versions = [0, 3]
            else:
                has_cfg = len(args) == 5
                versions, why = versions_for(pos, has_cfg)
                if versions is None: raise ValueError(why)
                mem, budget, exp = args[-3], args[-2], args[-1]
            b = re.fullmatch(r'TestContextObject::new\((.*)\)', budget.strip())
            if not b: raise ValueError('budget ' + budget)
            count = rust_eval(b.group(1))
            data = input_bytes(pos, mem)
            e = expected(exp)
            for v in versions:
                vectors.append({'test': name, 'version': v, 'asm': source, 'input': data,
                                'instructions': count, 'expected': e})
        except (ValueError, IndexError, KeyError, SyntaxError) as err:
            skipped.append({'test': name, 'reason': str(err)})

json.dump({'source': 'anza-xyz/sbpf tests/execution.rs @2510663', 'vectors': vectors, 'skipped': skipped},
          sys.stdout, indent=1)
