#!/usr/bin/env python3
"""Read a wasm file and check it or describe it for size-report.

Standard library only, so build.sh and CI need nothing from pip.

    wasm_report.py verify WASM [--features F,F...]
        Fail unless WASM is a well-formed module NEAR can deploy: only MVP
        instructions plus those of the listed post-MVP features (see
        FEATURE_OPS; the empty list means MVP only), imports only from "env",
        memory exported, exported functions take and return nothing, no custom
        sections left (build.sh strips them), none of the --forbid paths (this
        machine's checkout and cargo home) inside.
    wasm_report.py same-code WASM NAMES_WASM
        Exit 0 when both modules are equal apart from custom sections, i.e.
        the names in NAMES_WASM belong to the code in WASM.
    wasm_report.py render WASM [--names NAMES_WASM] --budget N --meta K=V ...
            --candidate "SIZE FLAGS" ...
        Print the size part of size-report (everything above "## gas").
    wasm_report.py write HEAD REPORT
        Replace the part of REPORT above its "## gas" line with the file HEAD;
        the "## gas" line and everything after it are kept byte for byte.
    wasm_report.py compare HEAD REPORT
        Exit 1 with a diff when the part of REPORT above "## gas" is not HEAD.
    wasm_report.py dump WASM
        Human-readable summary, for poking at a build by hand.
    wasm_report.py renumber WASM -o OUT
        Copy WASM to OUT with its defined functions renumbered, the most
        called first (a tie keeps the old order): a call's index is a LEB, one
        byte below 128. Calls, exports and function names follow; nothing else
        is re-encoded.
    wasm_report.py unexport WASM -o OUT --name NAME ...
        Copy WASM to OUT without the exports called NAME (build.sh drops the
        linker's __heap_base and __data_end: nearcore never reads them, and
        once they are not exported wasm-opt removes their globals).

Function body size below means the byte count the code section gives each
function: local declarations plus instructions, without the size prefix.
"""

import argparse
import difflib
import hashlib
import os
import re
import sys

SECTION_NAMES = {
    0: "custom", 1: "type", 2: "import", 3: "function", 4: "table",
    5: "memory", 6: "global", 7: "export", 8: "start", 9: "element",
    10: "code", 11: "data", 12: "datacount",
}
KIND_NAMES = {0: "func", 1: "table", 2: "memory", 3: "global"}
MVP_VALTYPES = {0x7F: "i32", 0x7E: "i64", 0x7D: "f32", 0x7C: "f64"}

# The post-MVP instructions this script knows, by the rustc/LLVM feature that
# lets the compiler emit them. All three are accepted by nearcore's VM on every
# protocol version it still supports (README, "Where it deploys"): sign-ext and
# nontrapping-fptoint always, bulk-memory since protocol 84. Anything else
# (reference types, multi-value blocks, SIMD, ...) is rejected outright.
SIGN_EXT_OPS = {0xC0: "i32.extend8_s", 0xC1: "i32.extend16_s", 0xC2: "i64.extend8_s",
                0xC3: "i64.extend16_s", 0xC4: "i64.extend32_s"}
# 0xFC-prefixed instructions: sub-opcode -> (name, feature, immediates).
# Immediates: "u" a u32 index, "b" a reserved zero byte.
FC_OPS = {
    0: ("i32.trunc_sat_f32_s", "nontrapping-fptoint", ""),
    1: ("i32.trunc_sat_f32_u", "nontrapping-fptoint", ""),
    2: ("i32.trunc_sat_f64_s", "nontrapping-fptoint", ""),
    3: ("i32.trunc_sat_f64_u", "nontrapping-fptoint", ""),
    4: ("i64.trunc_sat_f32_s", "nontrapping-fptoint", ""),
    5: ("i64.trunc_sat_f32_u", "nontrapping-fptoint", ""),
    6: ("i64.trunc_sat_f64_s", "nontrapping-fptoint", ""),
    7: ("i64.trunc_sat_f64_u", "nontrapping-fptoint", ""),
    8: ("memory.init", "bulk-memory", "ub"),
    9: ("data.drop", "bulk-memory", "u"),
    10: ("memory.copy", "bulk-memory", "bb"),
    11: ("memory.fill", "bulk-memory", "b"),
    12: ("table.init", "bulk-memory", "uu"),
    13: ("elem.drop", "bulk-memory", "u"),
    14: ("table.copy", "bulk-memory", "uu"),
}
FEATURES = ("bulk-memory", "nontrapping-fptoint", "sign-ext")
# MVP opcodes by their immediates ("u" u32, "m" memarg, "b" zero byte,
# "s32"/"s64" signed LEB, "f4"/"f8" raw float bytes); the rest of
# 0x45..0xBF (numeric) take none.
MVP_IMMEDIATES = {0x00: "", 0x01: "", 0x05: "", 0x0B: "", 0x0F: "", 0x1A: "", 0x1B: "",
                  0x0C: "u", 0x0D: "u", 0x10: "u", 0x20: "u", 0x21: "u", 0x22: "u",
                  0x23: "u", 0x24: "u", 0x3F: "b", 0x40: "b", 0x41: "s32", 0x42: "s64",
                  0x43: "f4", 0x44: "f8"}
MVP_IMMEDIATES.update({op: "m" for op in range(0x28, 0x3F)})
MVP_IMMEDIATES.update({op: "" for op in range(0x45, 0xC0)})

# The line where the tests' gas part of size-report starts. Everything from
# this line on belongs to the tests; everything above it to build.sh.
GAS_LINE = re.compile(r"^## gas(?:[ \t].*)?$", re.M)


class WasmError(Exception):
    pass


class Reader:
    def __init__(self, data, pos=0, end=None):
        self.data = data
        self.pos = pos
        self.end = len(data) if end is None else end

    def byte(self):
        if self.pos >= self.end:
            raise WasmError("unexpected end of data at offset %d" % self.pos)
        b = self.data[self.pos]
        self.pos += 1
        return b

    def bytes(self, n):
        if n < 0 or self.pos + n > self.end:
            raise WasmError("%d bytes at offset %d run past the end" % (n, self.pos))
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u32(self):
        result = shift = 0
        for _ in range(5):
            b = self.byte()
            result |= (b & 0x7F) << shift
            if b < 0x80:
                if result >= 1 << 32:
                    raise WasmError("u32 LEB out of range at offset %d" % self.pos)
                return result
            shift += 7
        raise WasmError("u32 LEB too long at offset %d" % self.pos)

    def name(self):
        raw = self.bytes(self.u32())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            raise WasmError("name is not UTF-8 at offset %d" % self.pos)

    def limits(self):
        flag = self.byte()
        if flag not in (0, 1):  # 2/3 would be shared memory (threads)
            raise WasmError("limits flag 0x%02x is not MVP" % flag)
        lo = self.u32()
        hi = self.u32() if flag == 1 else None
        return lo, hi

    def leb(self, max_bytes):
        # Signed LEBs are only skipped: no check needs their value.
        for _ in range(max_bytes):
            if self.byte() < 0x80:
                return
        raise WasmError("LEB too long at offset %d" % self.pos)

    def sleb(self, max_bytes):
        result = shift = 0
        for _ in range(max_bytes):
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                if b & 0x40:
                    result -= 1 << shift
                return result
        raise WasmError("LEB too long at offset %d" % self.pos)

    def zero(self):
        if self.byte() != 0:
            raise WasmError("reserved byte is not 0 at offset %d (multi-memory/reference types are not accepted)"
                            % (self.pos - 1))

    def at_end(self):
        return self.pos == self.end


class Module:
    """The parts of a module that size-report and the deploy checks need."""

    def __init__(self, data):
        self.data = data
        self.sections = []  # (id, custom name or None, payload start, payload size)
        self.types = []  # (params, results) as lists of valtype names
        self.imports = []  # (module, field, kind)
        self.imported_funcs = 0
        self.func_types = []  # type index of each defined function
        self.memories = 0
        self.tables = 0
        self.exports = []  # (name, kind, index)
        self.globals = []  # (valtype, mutable) of each defined global
        self.calls = []  # per defined function: set of function indices it calls
        self.frames = []  # per defined function: the largest N in `global.get SP; i32.const N; i32.sub` (or `i32.const -N; i32.add`)
        self.sets_global = []  # per defined function: set of globals it writes
        self.indirect = []  # per defined function: whether it has a call_indirect
        self.call_counts = []  # per defined function: {callee: number of call sites}
        self.call_sites = []  # per defined function: (start, end, callee) of each call's index LEB
        self.bodies = []  # (offset, size) of each defined function's body
        self.func_names = {}  # function index -> name, from the "name" section
        self.datacount = False
        self._parse()
        self.feature_ops = self._scan_code()  # post-MVP instruction name -> (feature, count)

    def _parse(self):
        d = self.data
        if d[:4] != b"\0asm":
            raise WasmError("not a wasm file (bad magic)")
        if d[4:8] != b"\x01\0\0\0":
            raise WasmError("unsupported wasm version %r" % d[4:8])
        r = Reader(d, 8)
        last_id = 0
        while not r.at_end():
            sid = r.byte()
            size = r.u32()
            start = r.pos
            r.bytes(size)  # bounds check
            body = Reader(d, start, start + size)
            cname = None
            if sid == 0:
                cname = body.name()
            elif sid not in SECTION_NAMES:
                raise WasmError("unknown section id %d" % sid)
            elif sid == 12:
                # datacount (bulk memory) sits between element and code.
                if self.datacount or last_id > 9:
                    raise WasmError("section datacount out of order or repeated")
                self.datacount = True
            elif sid <= last_id:
                raise WasmError("section %s out of order or repeated" % SECTION_NAMES[sid])
            else:
                last_id = sid
            self.sections.append((sid, cname, start, size))
            parser = getattr(self, "_sec_%d" % sid, None)
            if sid == 0:
                if cname == "name":
                    self._names(body)
            elif parser:
                parser(body)
                if not body.at_end():
                    raise WasmError("section %s has trailing bytes" % SECTION_NAMES[sid])
        if len(self.func_types) != len(self.bodies):
            raise WasmError("%d functions declared but %d bodies"
                            % (len(self.func_types), len(self.bodies)))
        if self.memories > 1 or self.tables > 1:
            raise WasmError("more than one memory or table is not MVP")

    def _valtype(self, r):
        t = r.byte()
        if t not in MVP_VALTYPES:
            raise WasmError("value type 0x%02x is not MVP" % t)
        return MVP_VALTYPES[t]

    def _sec_1(self, r):  # type
        for _ in range(r.u32()):
            if r.byte() != 0x60:
                raise WasmError("type entry is not a function type")
            params = [self._valtype(r) for _ in range(r.u32())]
            results = [self._valtype(r) for _ in range(r.u32())]
            if len(results) > 1:
                raise WasmError("multi-value results are not MVP")
            self.types.append((params, results))

    def _sec_2(self, r):  # import
        for _ in range(r.u32()):
            module, field, kind = r.name(), r.name(), r.byte()
            if kind == 0:
                r.u32()
                self.imported_funcs += 1
            elif kind == 1:
                if r.byte() != 0x70:
                    raise WasmError("table element type is not funcref")
                r.limits()
                self.tables += 1
            elif kind == 2:
                r.limits()
                self.memories += 1
            elif kind == 3:
                self._valtype(r)
                r.byte()
            else:
                raise WasmError("unknown import kind %d" % kind)
            self.imports.append((module, field, KIND_NAMES[kind]))

    def _sec_3(self, r):  # function
        self.func_types = [r.u32() for _ in range(r.u32())]

    def _sec_4(self, r):  # table
        for _ in range(r.u32()):
            if r.byte() != 0x70:
                raise WasmError("table element type is not funcref")
            r.limits()
            self.tables += 1

    def _sec_5(self, r):  # memory
        for _ in range(r.u32()):
            r.limits()
            self.memories += 1

    def _sec_6(self, r):  # global: (valtype, mutable) of each; the init expressions are skipped
        for _ in range(r.u32()):
            t, mut = self._valtype(r), r.byte()
            op = r.byte()  # a constant expression: one const instruction, then end
            if op == 0x41:
                r.sleb(5)
            elif op == 0x42:
                r.sleb(10)
            elif op in (0x43, 0x44):
                r.bytes(4 if op == 0x43 else 8)
            elif op == 0x23:
                r.u32()
            else:
                raise WasmError("global initializer 0x%02x is not a constant" % op)
            if r.byte() != 0x0B:
                raise WasmError("global initializer is not one instruction")
            self.globals.append((t, mut == 1))

    def _sec_7(self, r):  # export
        for _ in range(r.u32()):
            name, kind, index = r.name(), r.byte(), r.u32()
            if kind not in KIND_NAMES:
                raise WasmError("unknown export kind %d" % kind)
            self.exports.append((name, KIND_NAMES[kind], index))

    def _sec_10(self, r):  # code
        for _ in range(r.u32()):
            size = r.u32()
            self.bodies.append((r.pos, size))
            r.bytes(size)

    def _scan_code(self):
        """Decode every instruction; count the post-MVP ones by name.

        An opcode this script does not know (reference types, SIMD, a
        multi-value block type, ...) makes the module malformed here, so no
        instruction can slip past verify unseen.
        """
        ops = {}
        mutable = [i for i, (_, mut) in enumerate(self.globals) if mut]
        # The stack pointer: rustc's modules have exactly one mutable global.
        sp = mutable[0] if len(mutable) == 1 else None
        self.stack_pointer = sp
        for start, size in self.bodies:
            r = Reader(self.data, start, start + size)
            for _ in range(r.u32()):  # local declarations
                r.u32()
                self._valtype(r)
            calls, sets, frame, indirect, sites = {}, set(), 0, False, []
            # The last two instructions with their immediate (None if other), to
            # spot the stack-frame idiom `global.get G; i32.const N; i32.sub`.
            prev2 = prev1 = (None, None)
            while not r.at_end():
                op = r.byte()
                if prev2 == (0x23, sp) and prev1[0] == 0x41:
                    # wasm-opt writes a frame of N as `i32.add -N` where that is shorter.
                    if op == 0x6B:
                        frame = max(frame, prev1[1])
                    elif op == 0x6A:
                        frame = max(frame, -prev1[1])
                prev2, prev1 = prev1, (op, None)
                if op == 0x10:
                    at = r.pos
                    callee = r.u32()
                    calls[callee] = calls.get(callee, 0) + 1
                    sites.append((at, r.pos, callee))
                    continue
                if op in (0x23, 0x24):
                    g = r.u32()
                    if op == 0x24:
                        sets.add(g)
                    prev1 = (op, g)
                    continue
                if op == 0x41:
                    prev1 = (op, r.sleb(5))
                    continue
                if op in (0x02, 0x03, 0x04):  # block/loop/if: empty or one MVP result type
                    t = r.byte()
                    if t != 0x40 and t not in MVP_VALTYPES:
                        raise WasmError("block type 0x%02x at offset %d: multi-value blocks are not accepted"
                                        % (t, r.pos - 1))
                    continue
                if op == 0x0E:  # br_table
                    for _ in range(r.u32() + 1):
                        r.u32()
                    continue
                if op == 0x11:  # call_indirect
                    r.u32()
                    r.zero()
                    indirect = True
                    continue
                if op in SIGN_EXT_OPS:
                    name, feature, imm = SIGN_EXT_OPS[op], "sign-ext", ""
                elif op == 0xFC:
                    sub = r.u32()
                    if sub not in FC_OPS:
                        raise WasmError("unknown instruction 0xfc %d at offset %d" % (sub, r.pos))
                    name, feature, imm = FC_OPS[sub]
                elif op in MVP_IMMEDIATES:
                    name, feature, imm = None, None, MVP_IMMEDIATES[op]
                else:
                    raise WasmError("instruction 0x%02x at offset %d is neither MVP nor of %s"
                                    % (op, r.pos - 1, ", ".join(FEATURES)))
                if imm == "m":
                    r.u32(); r.u32()
                elif imm in ("s32", "s64"):
                    r.leb(5 if imm == "s32" else 10)
                elif imm in ("f4", "f8"):
                    r.bytes(int(imm[1]))
                else:
                    for kind in imm:
                        r.u32() if kind == "u" else r.zero()
                if name:
                    count = ops.get(name, (feature, 0))[1]
                    ops[name] = (feature, count + 1)
            self.calls.append(set(calls))
            self.call_counts.append(calls)
            self.call_sites.append(sites)
            self.frames.append(frame)
            self.sets_global.append(sets)
            self.indirect.append(indirect)
        return ops

    def features_used(self):
        used = {f for f, _ in self.feature_ops.values()}
        if self.datacount:
            used.add("bulk-memory")
        return sorted(used)

    def _names(self, r):
        # Best effort: a malformed name section only costs us the names.
        try:
            while not r.at_end():
                sub, size = r.byte(), r.u32()
                end = r.pos + size
                if sub == 1:  # function names
                    for _ in range(r.u32()):
                        idx = r.u32()
                        self.func_names[idx] = r.name()
                r.pos = end
        except WasmError:
            pass

    # -- derived facts ---------------------------------------------------

    def section_payload(self, sid):
        return b"".join(self.data[s:s + n] for i, _, s, n in self.sections if i == sid)

    def non_custom_bytes(self):
        return [(i, self.data[s:s + n]) for i, _, s, n in self.sections if i != 0]

    def func_type(self, func_index):
        if func_index < self.imported_funcs:
            return None  # imported; not needed here
        return self.types[self.func_types[func_index - self.imported_funcs]]


# Legacy Rust mangling leaves these escapes in names even after the linker
# demangles the Itanium-style outer layer.
LEGACY_ESCAPES = {"SP": "@", "BP": "*", "RF": "&", "LT": "<", "GT": ">",
                  "LP": "(", "RP": ")", "C": ","}


def clean_name(name):
    """Readable, machine-independent function name.

    The linker (wasm-ld --demangle) already demangled v0 symbols and the outer
    layer of legacy ones; finish the legacy escapes and drop the `::h<hash>`
    suffix, which is a hash that is noise in a diff.
    """
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    if "$" in name or ".." in name:
        parts = []
        for part in name.split("::"):
            if part.startswith("_$"):
                part = part[1:]
            part = part.replace("..", "::")

            def unescape(m):
                code = m.group(1)
                if code in LEGACY_ESCAPES:
                    return LEGACY_ESCAPES[code]
                if code.startswith("u"):
                    try:
                        return chr(int(code[1:], 16))
                    except ValueError:
                        pass
                return m.group(0)

            parts.append(re.sub(r"\$([A-Za-z0-9]+)\$", unescape, part))
        name = "::".join(parts)
    return name


def load(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        return Module(data)
    except (WasmError, IndexError) as e:
        sys.exit("%s: malformed wasm: %s" % (path, e))


# -- commands ------------------------------------------------------------

def parse_features(text):
    features = [f for f in text.split(",") if f]
    unknown = [f for f in features if f not in FEATURES]
    if unknown:
        sys.exit("unknown feature(s) %s; known: %s" % (", ".join(unknown), ", ".join(FEATURES)))
    return set(features)


def cmd_verify(args):
    m = load(args.wasm)
    allowed = parse_features(args.features)
    problems = []
    for name, (feature, count) in sorted(m.feature_ops.items()):
        if feature not in allowed:
            problems.append("%d x %s: needs %s, which is not in the published feature set (%s)"
                            % (count, name, feature, ", ".join(sorted(allowed)) or "MVP only"))
    if m.datacount and "bulk-memory" not in allowed:
        problems.append("datacount section: needs bulk-memory, which is not in the published feature set")
    for module, field, kind in m.imports:
        if module != "env":
            problems.append("import %s.%s (%s) is not from module \"env\"" % (module, field, kind))
    if not any(kind == "memory" for _, kind, _ in m.exports):
        problems.append("no memory export (NEAR reads and writes the contract's memory)")
    for name, kind, index in m.exports:
        if kind == "func":
            sig = m.func_type(index)
            if sig is None:
                problems.append("export %r re-exports an import" % name)
            elif sig != ([], []):
                # NEAR calls a method with no arguments and ignores results;
                # anything else fails at call time, so catch it here.
                problems.append("export %r has signature %s -> %s; NEAR methods take and return nothing"
                                % (name, sig[0], sig[1]))
    for path in args.forbid:
        if path and path.encode() in m.data:
            # Typically a panic location in a dependency: it makes the bytes,
            # and so size-report, differ from machine to machine.
            problems.append("contains the local path %r; the build would not be reproducible" % path)
    customs = [c for i, c, _, _ in m.sections if i == 0]
    if customs:
        problems.append("custom sections left in the deployable file: %s" % ", ".join(customs))
    if problems:
        for p in problems:
            print("%s: %s" % (args.wasm, p), file=sys.stderr)
        sys.exit(1)


def cmd_same_code(args):
    a, b = load(args.wasm), load(args.names_wasm)
    sys.exit(0 if a.non_custom_bytes() == b.non_custom_bytes() else 1)


def cmd_render(args):
    m = load(args.wasm)
    names_note = None
    names = {}
    if args.names:
        n = load(args.names)
        if n.non_custom_bytes() == m.non_custom_bytes():
            names = n.func_names
            names_note = "names from a twin build with symbols kept; its code is byte-identical"
        else:
            names_note = "NAMES UNAVAILABLE: the twin build's code differs from the deployed code"
    size = len(m.data)
    meta = dict(kv.split("=", 1) for kv in args.meta)
    out = []
    w = out.append

    # No literal "## gas" in here: a tool looking for that heading must not
    # find it in this comment.
    w("# Size report for res/offchainvm_contract.wasm, the deployable contract.")
    w("# Written by ./build.sh down to the gas heading; `./build.sh --check` (run")
    w("# by CI) fails when this part is stale or the wasm is over budget.")
    w("# The gas section (from its heading to the end) is written by the tests;")
    w("# build.sh keeps it as it is.")
    w("")
    left = args.budget - size
    w("size:     %d bytes" % size)
    w("budget:   %d bytes (%s, %.1f%% used)" % (
        args.budget, "%d left" % left if left >= 0 else "OVER BY %d" % -left,
        100.0 * size / args.budget))
    w("sha256:   %s" % hashlib.sha256(m.data).hexdigest())
    for key in ("rustc", "target", "wasm-opt", "flags", "stack"):
        if key in meta:
            w("%-9s %s" % (key + ":", meta[key]))
    w("")

    if args.candidate:
        w("## wasm-opt candidates (bytes; the smallest wins, a tie goes to the earlier)")
        for c in args.candidate:
            csize, flags = c.split(" ", 1)
            w("%7s  %s" % (csize, flags))
        w("")

    w("## sections (payload bytes, in file order)")
    payload_total = 0
    for sid, cname, _, psize in m.sections:
        label = SECTION_NAMES[sid] if cname is None else "custom %r" % cname
        w("%7d  %s" % (psize, label))
        payload_total += psize
    w("%7d  (magic, version and section headers)" % (size - payload_total))
    w("%7d  total" % size)
    w("")

    w("## exports")
    for name, kind, _ in sorted(m.exports, key=lambda e: (e[1], e[0])):
        w("  %-6s %s" % (kind, name))
    w("")

    w("## imports")
    for module, field, kind in m.imports:
        w("  %-6s %s.%s" % (kind, module, field))
    w("")

    w("## post-MVP instructions (count; features used: %s)" % (", ".join(m.features_used()) or "none, MVP only"))
    for name, (feature, count) in sorted(m.feature_ops.items(), key=lambda kv: (kv[1][0], kv[0])):
        w("%7d  %s (%s)" % (count, name, feature))
    w("")

    top = []
    for i, (_, bsize) in enumerate(m.bodies):
        idx = m.imported_funcs + i
        name = clean_name(names[idx]) if idx in names else "func[%d]" % idx
        top.append((bsize, name, idx))
    top.sort(key=lambda t: (-t[0], t[1], t[2]))
    code_total = sum(b for b, _, _ in top)
    w("## largest functions (%d of %d; %d body bytes in all)" % (min(15, len(top)), len(top), code_total))
    if names_note:
        w("# %s" % names_note)
    for bsize, name, idx in top[:15]:
        w("%7d  %s" % (bsize, name))
    w("")
    sys.stdout.write("\n".join(out) + "\n")


def split_report(text):
    """(part above "## gas", part from "## gas" on); the second may be ""."""
    m = GAS_LINE.search(text)
    if not m:
        return text, ""
    return text[:m.start()], text[m.start():]


def read_text(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as f:
        return f.read()


def cmd_write(args):
    head = read_text(args.head)
    old = read_text(args.report)
    gas = split_report(old)[1] if old is not None else ""
    new = head + gas
    if new != old:
        with open(args.report, "w", encoding="utf-8") as f:
            f.write(new)


def cmd_compare(args):
    head = read_text(args.head)
    old = read_text(args.report)
    if old is None:
        print("size-report is missing; run ./build.sh and commit it", file=sys.stderr)
        sys.exit(1)
    # Blank lines just above "## gas" are whoever-wrote-last's formatting,
    # not content: ignore them.
    committed = split_report(old)[0].rstrip("\n") + "\n"
    head = head.rstrip("\n") + "\n"
    if committed == head:
        return
    sys.stderr.writelines(difflib.unified_diff(
        committed.splitlines(True), head.splitlines(True),
        "size-report (committed)", "size-report (fresh build)"))
    print("\nsize-report is stale (diff above). Run ./build.sh and commit size-report.",
          file=sys.stderr)
    sys.exit(1)


def cmd_dump(args):
    m = load(args.wasm)
    print("%s: %d bytes" % (args.wasm, len(m.data)))
    for sid, cname, _, psize in m.sections:
        print("  section %-10s %7d" % (SECTION_NAMES[sid] if cname is None else "custom %r" % cname, psize))
    for imp in m.imports:
        print("  import %s.%s %s" % imp)
    for name, kind, idx in m.exports:
        print("  export %s %s %d" % (kind, name, idx))
    for name, (feature, count) in sorted(m.feature_ops.items()):
        print("  op %s %d (%s)" % (name, count, feature))
    for i, (_, bsize) in enumerate(m.bodies):
        idx = m.imported_funcs + i
        print("  func %4d %6d %s" % (idx, bsize, clean_name(m.func_names.get(idx, ""))))


def leb_u32(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def rewrite_calls(data, start, size, sites, new_index):
    """One function body with every call's callee mapped by `new_index`
    (`sites`: where each call's index is, from the module's own decoding)."""
    out = bytearray()
    copied = start
    for at, end, callee in sites:
        out += data[copied:at] + leb_u32(new_index.get(callee, callee))
        copied = end
    out += data[copied:start + size]
    return bytes(out)


def cmd_renumber(args):
    m = load(args.wasm)
    n0, n = m.imported_funcs, len(m.bodies)
    if m.tables or any(m.indirect):
        sys.exit("%s: has a table or indirect calls; renumbering them is not supported" % args.wasm)
    counts = [0] * (n0 + n)
    for calls in m.call_counts:
        for f, k in calls.items():
            counts[f] += k
    order = sorted(range(n0, n0 + n), key=lambda f: (-counts[f], f))
    new_index = {old: n0 + i for i, old in enumerate(order)}
    out = bytearray(m.data[:8])
    for sid, cname, start, size in m.sections:
        payload = m.data[start:start + size]
        if sid == 3:
            payload = leb_u32(n) + b"".join(leb_u32(m.func_types[f - n0]) for f in order)
        elif sid == 7:
            kinds = {v: k for k, v in KIND_NAMES.items()}
            payload = leb_u32(len(m.exports)) + b"".join(
                leb_u32(len(e.encode())) + e.encode() + bytes([kinds[k]])
                + leb_u32(new_index.get(i, i) if k == "func" else i) for e, k, i in m.exports)
        elif sid == 8:
            sys.exit("%s: has a start function; not supported" % args.wasm)
        elif sid == 10:
            bodies = []
            for f in order:
                b = rewrite_calls(m.data, *m.bodies[f - n0], m.call_sites[f - n0], new_index)
                bodies.append(leb_u32(len(b)) + b)
            payload = leb_u32(n) + b"".join(bodies)
        elif sid == 0 and cname == "name":
            names = sorted((new_index.get(f, f), nm) for f, nm in m.func_names.items())
            sub = leb_u32(len(names)) + b"".join(
                leb_u32(f) + leb_u32(len(nm.encode())) + nm.encode() for f, nm in names)
            payload = leb_u32(len(b"name")) + b"name" + bytes([1]) + leb_u32(len(sub)) + sub
        out += bytes([sid]) + leb_u32(len(payload)) + payload
    with open(args.out, "wb") as f:
        f.write(out)


def cmd_unexport(args):
    m = load(args.wasm)
    drop = set(args.name)
    missing = drop - {name for name, _, _ in m.exports}
    if missing:
        sys.exit("%s: no export named %s" % (args.wasm, ", ".join(sorted(missing))))
    kinds = {v: k for k, v in KIND_NAMES.items()}
    kept = [(n, k, i) for n, k, i in m.exports if n not in drop]
    body = leb_u32(len(kept)) + b"".join(
        leb_u32(len(n.encode())) + n.encode() + bytes([kinds[k]]) + leb_u32(i) for n, k, i in kept)
    out = bytearray(m.data[:8])
    for sid, _, start, size in m.sections:
        payload = body if sid == 7 else m.data[start:start + size]
        out += bytes([sid]) + leb_u32(len(payload)) + payload
    with open(args.out, "wb") as f:
        f.write(out)


def cmd_stack(args):
    m = load(args.wasm)
    names = load(args.names).func_names if args.names else m.func_names
    n0 = m.imported_funcs
    name = lambda f: clean_name(names.get(f, "func %d" % f))
    problems = []
    if any(kind == "global" for _, _, kind in m.imports):
        problems.append("imports a global; the stack pointer could not be told apart")
    if m.stack_pointer is None:
        problems.append("not exactly one mutable global: no stack pointer to follow")
    for i, (sets, frame, ind) in enumerate(zip(m.sets_global, m.frames, m.indirect)):
        if ind:
            problems.append("%s makes an indirect call: its callees are unknown" % name(n0 + i))
        if sets and not frame:
            problems.append("%s moves the stack pointer in a way this check does not know" % name(n0 + i))
    bounds = {}
    for spec in args.recursion:
        key, _, depth = spec.rpartition("=")
        bounds[key] = int(depth)
    if problems:
        for p in problems:
            print("%s: %s" % (args.wasm, p), file=sys.stderr)
        sys.exit(1)

    # Strongly connected components (Tarjan), so recursion is one node with a depth.
    nodes = range(n0, n0 + len(m.bodies))
    succ = {f: sorted(c for c in m.calls[f - n0] if c >= n0) for f in nodes}
    index, low, on, stack, comp = {}, {}, set(), [], {}
    comps = []
    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v); on.add(v)
        for w in succ[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            c = []
            while True:
                w = stack.pop(); on.discard(w); comp[w] = len(comps); c.append(w)
                if w == v:
                    break
            comps.append(c)
    sys.setrecursionlimit(10000)
    for v in nodes:
        if v not in index:
            visit(v)
    # Each component's frames: one pass for a plain function; a recursive one
    # repeats all its functions' frames as deep as its bound allows.
    weight, used = [], set()
    for c in comps:
        recursive = len(c) > 1 or c[0] in succ[c[0]]
        depth = 1
        if recursive:
            hits = [k for k in bounds if any(k in name(f) for f in c)]
            if len(hits) != 1:
                print("%s: recursion with %s bound among: %s" % (args.wasm, "no" if not hits else "more than one",
                      ", ".join(sorted(name(f) for f in c))), file=sys.stderr)
                sys.exit(1)
            depth = bounds[hits[0]]
            used.add(hits[0])
        weight.append(depth * sum(m.frames[f - n0] for f in c))
    unused = set(bounds) - used
    if unused:
        sys.exit("%s: no recursion left through %s: drop its bound" % (args.wasm, ", ".join(sorted(unused))))
    # Deepest path over the component graph; components come out of Tarjan's
    # in reverse topological order, so callees are done first.
    cost, via = [0] * len(comps), [None] * len(comps)
    for ci, c in enumerate(comps):
        best, arg = 0, None
        for f in c:
            for w in succ[f]:
                d = comp[w]
                if d != ci and cost[d] > best:
                    best, arg = cost[d], d
        cost[ci], via[ci] = weight[ci] + best, arg
    exports = [(n, i) for n, kind, i in m.exports if kind == "func" and i >= n0]
    worst, entry = max((cost[comp[i]], n) for n, i in exports)
    path, ci = [], comp[dict(exports)[entry]]
    while ci is not None:
        path.append("%s %d" % ("/".join(sorted(name(f) for f in comps[ci])), weight[ci]))
        ci = via[ci]
    print("worst-case stack: %d bytes of %d, from %s" % (worst, args.size, entry))
    for p in path:
        print("  " + p)
    if worst > args.size:
        sys.exit("%s: the stack can overflow: %d bytes needed, %d given" % (args.wasm, worst, args.size))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("verify"); s.add_argument("wasm")
    s.add_argument("--features", default="", metavar="F,F...",
                   help="post-MVP features the module may use (%s); default: MVP only" % ", ".join(FEATURES))
    s.add_argument("--forbid", action="append", default=[], metavar="PATH",
                   help="fail if this machine-specific path occurs in the file")
    s.set_defaults(fn=cmd_verify)
    s = sub.add_parser("same-code"); s.add_argument("wasm"); s.add_argument("names_wasm")
    s.set_defaults(fn=cmd_same_code)
    s = sub.add_parser("render"); s.add_argument("wasm"); s.add_argument("--names")
    s.add_argument("--budget", type=int, required=True)
    s.add_argument("--meta", action="append", default=[])
    s.add_argument("--candidate", action="append", default=[])
    s.set_defaults(fn=cmd_render)
    s = sub.add_parser("write"); s.add_argument("head"); s.add_argument("report"); s.set_defaults(fn=cmd_write)
    s = sub.add_parser("compare"); s.add_argument("head"); s.add_argument("report")
    s.set_defaults(fn=cmd_compare)
    s = sub.add_parser("dump"); s.add_argument("wasm"); s.set_defaults(fn=cmd_dump)
    s = sub.add_parser("stack"); s.add_argument("wasm"); s.add_argument("--names")
    s.add_argument("--size", type=int, required=True)
    s.add_argument("--recursion", action="append", default=[], metavar="NAME=DEPTH")
    s.set_defaults(fn=cmd_stack)
    s = sub.add_parser("renumber"); s.add_argument("wasm"); s.add_argument("-o", dest="out", required=True)
    s.set_defaults(fn=cmd_renumber)
    s = sub.add_parser("unexport"); s.add_argument("wasm"); s.add_argument("-o", dest="out", required=True)
    s.add_argument("--name", action="append", required=True); s.set_defaults(fn=cmd_unexport)
    args = p.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
