#!/usr/bin/python3
"""gen_entities.py: generate src/entities_table.c, the HTML5 named character references.

Run from the source root with the system Python (its html.entities.html5 is the source: the
2,231 names of the WHATWG HTML Standard's table, 106 of them also without the semicolon):
    /usr/bin/python3 tools/gen_entities.py > src/entities_table.c
    /usr/bin/python3 tools/gen_entities.py --test-table > tests/c/html5_entities_expected.h

The table is most of the minimal bundle's data, so it is stored as tightly as a small decoder
allows (9.4 KB, from 15.2 KB front-coded bytes; issue 4's 96 KiB budget). Format, read by
src/entities.c:

The 2,125 names, without their semicolon, are sorted bytewise and cut into blocks of BLOCK
entries; pith_entity_first[i] is the first block whose head starts with letter i (A-Z 0-25,
a-z 26-51) or a later one, so a lookup searches only the blocks its first letter can be in.
pith_entity_names is a bit stream (most significant bit of each byte first); block i starts on
a byte boundary at pith_entity_blocks[i]. Each entry is
    shared   how many leading bytes the name shares with the previous entry's name, in the
             SHARED code; absent at a block head (0: a head is a whole name, which is what the
             binary search over the heads compares)
    length   how many symbols follow, in the LENGTH code (never 0: names are distinct)
    symbols  the rest of the name, in the CHAR code: a byte below 0x80 is itself, 0x80 + i is
             token i of pith_entity_tokens, a pair of symbols (byte-pair coding: the TOKENS
             most frequent adjacent pairs, "ar", "ight", "Arrow" ..., each made of bytes and
             earlier tokens)
    page     the first code point's high bits, in the PAGE code: an index into
             pith_entity_pages (the 2,125 first code points fall into 18 pages of 256)
    low      8 bits: the first code point's low byte
    kind     in the KIND code: 0 a plain name, 1 a legacy one (also a reference without its
             semicolon), 2 + i a name of two code points whose second is pith_entity_second[i]
             (the 93 such names use 8 second code points; no legacy name has two)
The codes are canonical Huffman codes (the symbols of each code length in ascending order, as
in DEFLATE), each a uint8 array: the longest code length L, then the count of codes of each
length 1..L, then the symbols in code order. Decoding is the bit-at-a-time canonical decode of
zlib's puff.c. Names are letters and digits whose frequencies are far from even (e, r, t, a
...) and that repeat whole pieces (Left, Arrow, acute ...), so the rest of a name takes about
4 bits a byte instead of 8, and most values sit in a few pages (the arrows and math operators
of U+2190-U+22FF, Latin-1). The price is speed: a lookup decodes a few dozen symbols a bit
at a time, about 1.1 us in wasm against 0.3 us with the byte-aligned table this replaced
(measured on 100 KB of HTML full of references; the common ones, &amp; &nbsp; &mdash; ...,
are matched before the table by src/entities.c and cost the same as before).
The script decodes what it wrote with a reader written like the C one and checks every name.
"""
import heapq
import html.entities
import sys

BLOCK = 16
TOKENS = 128
MAX_CODE_LEN = 15


def load_names():
    table = html.entities.html5
    names = {}
    for key, value in table.items():
        name = key[:-1] if key.endswith(";") else key
        assert name.isascii() and name.isalnum(), key
        names.setdefault(name, [value, False])
        if not key.endswith(";"):
            names[name][1] = True
    # every legacy name also exists with its semicolon, with the same value
    for key in table:
        if not key.endswith(";"):
            assert table[key + ";"] == table[key], key
    return table, names


def code_lengths(freq):
    """Huffman code lengths {symbol: bits} for {symbol: count}; ties broken by symbol so the
    output is the same every run."""
    if len(freq) == 1:
        return {next(iter(freq)): 1}
    heap = [(count, sym, (sym,)) for sym, count in sorted(freq.items())]
    heapq.heapify(heap)
    depth = {sym: 0 for sym in freq}
    while len(heap) > 1:
        c1, k1, s1 = heapq.heappop(heap)
        c2, k2, s2 = heapq.heappop(heap)
        for s in s1 + s2:
            depth[s] += 1
        heapq.heappush(heap, (c1 + c2, min(k1, k2), s1 + s2))
    assert max(depth.values()) <= MAX_CODE_LEN
    return depth


def canonical(lengths):
    """(table bytes, {symbol: (code, bits)}) of the canonical code with these lengths."""
    maxlen = max(lengths.values())
    order = sorted(lengths, key=lambda s: (lengths[s], s))
    counts = [sum(1 for s in lengths if lengths[s] == n) for n in range(1, maxlen + 1)]
    codes = {}
    code = 0
    prev_len = lengths[order[0]]
    for s in order:
        code <<= lengths[s] - prev_len
        prev_len = lengths[s]
        codes[s] = (code, lengths[s])
        code += 1
    assert all(c < 256 for c in counts) and all(0 <= s < 256 for s in order)
    return bytes([maxlen] + counts + order), codes


class BitWriter:
    def __init__(self):
        self.bits = []

    def put(self, value, n):
        for k in range(n - 1, -1, -1):
            self.bits.append((value >> k) & 1)

    def align(self):
        while len(self.bits) % 8:
            self.bits.append(0)

    def bytes(self):
        self.align()
        return bytes(int("".join(map(str, self.bits[i:i + 8])), 2)
                     for i in range(0, len(self.bits), 8))


class BitReader:
    """The reader of src/entities.c, in Python: the check that the output decodes."""

    def __init__(self, data, byte_pos):
        self.data = data
        self.pos = byte_pos * 8

    def bit(self):
        b = (self.data[self.pos >> 3] >> (7 - (self.pos & 7))) & 1
        self.pos += 1
        return b

    def sym(self, table):
        maxlen = table[0]
        counts = table[1:1 + maxlen]
        syms = table[1 + maxlen:]
        code = first = index = 0
        for n in range(maxlen):
            code |= self.bit()
            if code - first < counts[n]:
                return syms[index + code - first]
            index += counts[n]
            first = (first + counts[n]) << 1
            code <<= 1
        raise AssertionError("bad code")


def shared_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def make_tokens(seqs):
    """Byte-pair tokens over the suffixes, in place: each round, the most frequent pair of
    adjacent symbols (ties: the smallest pair) becomes the next token, 0x80 + its index, until
    TOKENS tokens or no pair is worth one. Returns the pairs, in token order (a token only
    names symbols below it)."""
    pairs_of = []
    while len(pairs_of) < TOKENS:
        pairs = {}
        for seq in seqs:
            for a, b in zip(seq, seq[1:]):
                pairs[(a, b)] = pairs.get((a, b), 0) + 1
        if not pairs:
            break
        (a, b), n = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if n < 3:
            break
        tok = 0x80 + len(pairs_of)
        for seq in seqs:
            i = 0
            while i < len(seq) - 1:
                if seq[i] == a and seq[i + 1] == b:
                    seq[i:i + 2] = [tok]
                i += 1
        pairs_of.append((a, b))
    return pairs_of


def expand(sym, pairs):
    if sym < 0x80:
        return bytes([sym])
    a, b = pairs[sym - 0x80]
    return expand(a, pairs) + expand(b, pairs)


def main():
    table, names = load_names()
    order = sorted(names, key=lambda n: n.encode())
    count_all = len(order)

    # the three codes, from the counts of what they code
    fields = []  # per entry: (shared or None at a head, suffix bytes)
    prev = b""
    for i, name in enumerate(order):
        nb = name.encode()
        shared = None if i % BLOCK == 0 else shared_prefix(nb, prev)
        fields.append((shared, nb[shared or 0:]))
        prev = nb
    seqs = [list(suffix) for _, suffix in fields]
    pairs = make_tokens(seqs)
    fields = [(shared, seq) for (shared, _), seq in zip(fields, seqs)]
    pages = sorted({ord(names[n][0][0]) >> 8 for n in order})
    seconds = sorted({ord(names[n][0][1]) for n in order if len(names[n][0]) == 2})
    assert len(pages) <= 256 and len(seconds) <= 254

    def value_fields(name):
        value, legacy = names[name]
        cps = [ord(c) for c in value]
        assert 1 <= len(cps) <= 2 and not (legacy and len(cps) == 2), name
        kind = 2 + seconds.index(cps[1]) if len(cps) == 2 else (1 if legacy else 0)
        return pages.index(cps[0] >> 8), cps[0] & 0xFF, kind

    f_shared, f_len, f_char, f_page, f_kind = {}, {}, {}, {}, {}

    def count(f, sym):
        f[sym] = f.get(sym, 0) + 1

    for (shared, suffix), name in zip(fields, order):
        if shared is not None:
            count(f_shared, shared)
        count(f_len, len(suffix))
        for c in suffix:
            count(f_char, c)
        page, _, kind = value_fields(name)
        count(f_page, page)
        count(f_kind, kind)
    t_shared, c_shared = canonical(code_lengths(f_shared))
    t_len, c_len = canonical(code_lengths(f_len))
    t_char, c_char = canonical(code_lengths(f_char))
    t_page, c_page = canonical(code_lengths(f_page))
    t_kind, c_kind = canonical(code_lengths(f_kind))

    out = BitWriter()
    blocks = []
    for i, ((shared, suffix), name) in enumerate(zip(fields, order)):
        if i % BLOCK == 0:
            out.align()
            blocks.append(len(out.bits) // 8)
        if shared is not None:
            out.put(*c_shared[shared])
        out.put(*c_len[len(suffix)])
        for c in suffix:
            out.put(*c_char[c])
        page, low, kind = value_fields(name)
        out.put(*c_page[page])
        out.put(low, 8)
        out.put(*c_kind[kind])
    names_blob = out.bytes()
    assert len(names_blob) < 65536

    # the check: every name and value decodes back
    for b, start in enumerate(blocks):
        r = BitReader(names_blob, start)
        name = b""
        for k in range(BLOCK):
            i = b * BLOCK + k
            if i >= count_all:
                break
            shared = r.sym(t_shared) if k else 0
            n = r.sym(t_len)
            name = name[:shared] + b"".join(expand(r.sym(t_char), pairs) for _ in range(n))
            assert name == order[i].encode(), (name, order[i])
            page = r.sym(t_page)
            low = sum(r.bit() << (7 - j) for j in range(8))
            kind = r.sym(t_kind)
            cps = [pages[page] << 8 | low] + ([seconds[kind - 2]] if kind >= 2 else [])
            assert cps == [ord(c) for c in names[order[i]][0]], order[i]
            assert (kind == 1) == names[order[i]][1], order[i]

    # pith_entity_first[i]: the first block whose head starts with letter i or a later one
    # (A-Z are 0-25, a-z 26-51; 52: the block count), so a lookup searches only the blocks
    # that can hold its first letter.
    letters = [chr(c) for c in range(ord("A"), ord("Z") + 1)] + [chr(c) for c in range(ord("a"), ord("z") + 1)]
    assert all(n[0] in letters for n in order)
    heads = [order[i] for i in range(0, count_all, BLOCK)]
    first_block = [next((k for k, h in enumerate(heads) if letters.index(h[0]) >= i), len(heads))
                   for i in range(len(letters))] + [len(heads)]
    assert len(heads) < 256
    longest = max(len(n) for n in order)
    # pith_entity_legacy_second[i]: for the names without a semicolon that start with letter i,
    # bit j for a second letter j (a-z, case folded). A reference without ';' ("?a=1&page=2")
    # is tried as every legacy prefix from 6 bytes down to 2: this rejects nearly all of them
    # before the table is walked.
    legacy_second = [0] * len(letters)
    for n in order:
        if names[n][1]:
            assert len(n) >= 2 and n[1].isascii() and n[1].isalpha(), n
            legacy_second[letters.index(n[0])] |= 1 << (ord(n[1].lower()) - ord("a"))
    w = sys.stdout.write

    def array(ctype, name, data, per_line=16, fmt="0x{:02x}"):
        w(f"const {ctype} {name}[{len(data)}] = {{\n")
        for i in range(0, len(data), per_line):
            w("    " + ",".join(fmt.format(x) for x in data[i:i + per_line]) + ",\n")
        w("};\n")

    w("/* entities_table.c: the HTML5 named character references (src/entities.h). GENERATED by\n")
    w(f" * tools/gen_entities.py from html.entities.html5 of Python {sys.version_info[0]}."
      f"{sys.version_info[1]}\n")
    w(f" * ({len(table)} names, {count_all} without their semicolon, in {len(names_blob)} bytes); do not\n"
      " * edit, rerun the script. */\n")
    w('#include "entities.h"\n\n')
    w(f"const uint32_t pith_entity_count = {count_all};\n")
    w(f"const uint32_t pith_entity_block_count = {len(blocks)};\n")
    w(f"const uint32_t pith_entity_block_size = {BLOCK};\n")
    w(f"const uint32_t pith_entity_name_max = {longest};\n")
    w(f"const uint32_t pith_entity_names_len = {len(names_blob)};\n\n")
    array("uint16_t", "pith_entity_blocks", blocks, 12, "{}")
    array("uint8_t", "pith_entity_first", first_block, 20, "{}")
    array("uint32_t", "pith_entity_legacy_second", legacy_second, 6, "0x{:07x}")
    w("\n")
    array("uint8_t", "pith_entity_code_shared", t_shared, 20, "{}")
    array("uint8_t", "pith_entity_code_length", t_len, 20, "{}")
    array("uint8_t", "pith_entity_code_char", t_char, 20, "{}")
    array("uint8_t", "pith_entity_code_page", t_page, 20, "{}")
    array("uint8_t", "pith_entity_code_kind", t_kind, 20, "{}")
    w("\n")
    w(f"const uint32_t pith_entity_token_count = {len(pairs)};\n")
    array("uint8_t", "pith_entity_tokens", [x for pair in pairs for x in pair], 20, "{}")
    w("\n")
    array("uint16_t", "pith_entity_pages", pages, 10, "0x{:x}")
    array("uint16_t", "pith_entity_second", seconds, 10, "0x{:x}")
    w("\n")
    array("uint8_t", "pith_entity_names", names_blob)


def test_table():
    """--test-table: the standard's whole table as plain C rows, straight from
    html.entities.html5 and not through the coding above, for tests/c/test_html.c to check the
    coded table against every name (with and without its semicolon)."""
    table = html.entities.html5
    w = sys.stdout.write
    w("/* Generated by tools/gen_entities.py --test-table from Python's html.entities.html5\n"
      " * (the WHATWG named character references): every key with its code points. Do not edit. */\n")
    w("static const struct { const char *name; uint32_t cp0, cp1; } html5_entities[] = {\n")
    for key in sorted(table, key=lambda k: k.encode()):
        cps = [ord(c) for c in table[key]]
        assert 1 <= len(cps) <= 2, key
        w('    {"%s", 0x%x, 0x%x},\n' % (key, cps[0], cps[1] if len(cps) > 1 else 0))
    w("};\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["--test-table"]:
        test_table()
    else:
        main()
