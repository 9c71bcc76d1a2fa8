#!/usr/bin/python3
"""gen_glyphlist.py: generate handlers/pdf/pdf_glyphlist.c, glyph names → Unicode.

Run from the source root with the system Python (python3-fonttools is the source: the
4,281 names of the Adobe Glyph List, fontTools.agl.LEGACY_AGL2UV, and the ITC Zapf Dingbats
list, fontTools.agl._AGL_ZAPF_DINGBATS):
    /usr/bin/python3 tools/gen_glyphlist.py > handlers/pdf/pdf_glyphlist.c
The names are tools/pdf_glyphnames.all_names() (the AGL plus the names the encodings and
metrics use); a glyph id is an index in that list, shared with pdf_encodings.c and
pdf_metrics.c, so regenerate the three together.

Format (read by pdf_font_simple.c's lookups). Names are sorted bytewise and stored one after
another, each ended by a 0 byte. Names use only [0-9A-Za-z]; every other byte value is a token
standing for the two bytes pdf_gl_pair[token] (each a letter, a digit or another token): the
pairs are chosen greedily, most frequent pair first, as in byte-pair encoding. That halves
the 54 KB of plain names. Block i of BLOCK names starts at pdf_gl_block[i] in pdf_gl_blob;
name id is found by stepping over id % BLOCK names of its block (their 0 bytes: a token is
never 0, and a block spans < 256 bytes) and read by expanding tokens with a small explicit
stack (depth checked here, MAX_DEPTH).
Name to id: pdf_gl_hash, an open-addressed table of HASH_SIZE slots (linear probing, load
0.73: 12 KB, where a power of two would take 16), keyed by gl_hash(name) below (FNV-1a, then
MurmurHash3's 32-bit finalizer, so pdf_font_simple.c computes the same). A name's first slot
is (hash * HASH_SIZE) >> 32; each entry is id | (hash & 7) << 13 (the low bits are a tag: a
probe decodes a stored name only when the tags agree), 0xFFFF for an empty slot. The names
of the Latin encodings go in first, so they sit in their first slot (the ones /Differences
use); the rest follow in id order. A lookup is one hash and usually one name decoded; a name
not in the list ends at the first empty slot (7 slots on average, the longest run checked
here).
pdf_gl_uni[id] is the name's code point (AGL values are all in the BMP), 0 when it has none or
several; pdf_gl_multi lists the names mapping to 2-4 code points (Hebrew with points,
Arabic ligatures), by id.
pdf_gl_zapf[n] is the code point of the Zapf Dingbats glyph "an".
"""
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pdf_glyphnames as g  # noqa: E402
from fontTools.agl import LEGACY_AGL2UV  # noqa: E402

BLOCK = 16
MAX_DEPTH = 24
HASH_SIZE = 6144
MAX_RUN = 80  # longest probe run allowed (pdf_font_simple.c does not rely on it)
FIRST = ["StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "PDFDocEncoding"]
ALNUM = set(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def bpe(names):
    free = [b for b in range(1, 256) if b not in ALNUM]
    seqs = [list(n.encode()) for n in names]
    pairs = {}
    for tok in free:
        cnt = collections.Counter()
        for s in seqs:
            for i in range(len(s) - 1):
                cnt[(s[i], s[i + 1])] += 1
        if not cnt:
            break
        (a, b), c = cnt.most_common(1)[0]
        if c < 3:
            break
        pairs[tok] = (a, b)
        new = []
        for s in seqs:
            o, i = [], 0
            while i < len(s):
                if i + 1 < len(s) and s[i] == a and s[i + 1] == b:
                    o.append(tok)
                    i += 2
                else:
                    o.append(s[i])
                    i += 1
            new.append(o)
        seqs = new
    return seqs, pairs


def depth(tok, pairs):
    if tok not in pairs:
        return 0
    return 1 + max(depth(pairs[tok][0], pairs), depth(pairs[tok][1], pairs))


def expand(seq, pairs):
    out = []
    for t in seq:
        if t in pairs:
            out += expand(pairs[t], pairs)
        else:
            out.append(t)
    return out


def gl_hash(name):
    h = 2166136261
    for c in name:
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & 0xFFFFFFFF
    h ^= h >> 16
    return h


def hash_table(names):
    assert len(names) < (1 << 13) and len(names) * 4 < HASH_SIZE * 3
    ids = {n: i for i, n in enumerate(names)}
    order = []
    for enc in FIRST:
        order += [ids[n] for n in g.encodings()[enc] if n and ids[n] not in order]
    order += [i for i in range(len(names)) if i not in set(order)]
    tab = [0xFFFF] * HASH_SIZE
    for i in order:
        h = gl_hash(names[i].encode())
        s = (h * HASH_SIZE) >> 32
        while tab[s] != 0xFFFF:
            s = (s + 1) % HASH_SIZE
        tab[s] = i | (h & 7) << 13
    run = longest = 0
    for v in tab + tab:  # runs that wrap around the end
        run = run + 1 if v != 0xFFFF else 0
        longest = max(longest, run)
    assert longest <= MAX_RUN, longest
    return tab


def carray(vals, per=16):
    lines = []
    for i in range(0, len(vals), per):
        lines.append("    " + ", ".join(str(v) for v in vals[i:i + per]) + ",")
    return "\n".join(lines)


def main():
    names = g.all_names()
    seqs, pairs = bpe(names)
    for n, s in zip(names, seqs):
        assert bytes(expand(s, pairs)) == n.encode()
    maxdepth = max([depth(t, pairs) for t in pairs] or [0])
    assert maxdepth <= MAX_DEPTH, maxdepth
    maxlen = max(len(n) for n in names)
    blob, blocks = bytearray(), []
    for i, s in enumerate(seqs):
        if i % BLOCK == 0:
            blocks.append(len(blob))
        assert len(blob) - blocks[-1] < 256
        blob += bytes(s) + b"\0"
    assert len(blob) < 65536
    uni, multi = [], []
    for i, n in enumerate(names):
        v = LEGACY_AGL2UV.get(n, [])
        if len(v) == 1:
            assert 0 < v[0] < 0x10000
            uni.append(v[0])
        else:
            uni.append(0)
            if v:
                assert 2 <= len(v) <= 4, n
                multi.append((i, len(v)) + tuple(v + [0] * (4 - len(v))))
    pair_tab = []
    for b in range(256):
        pair_tab += list(pairs.get(b, (0, 0)))
    zapf = g.zapf_table()
    table = hash_table(names)
    size = (len(blob) + 2 * len(blocks) + 2 * len(table) + 2 * len(uni) + 12 * len(multi) +
            512 + 2 * len(zapf))
    w = sys.stdout.write
    w("/* pdf_glyphlist.c: glyph names to Unicode (generated by tools/gen_glyphlist.py from\n")
    w(" * fontTools.agl; do not edit). %d names (%d of the Adobe Glyph List), %d tokens,\n"
      % (len(names), len(LEGACY_AGL2UV), len(pairs)))
    w(" * %d bytes of tables. The format is described in the generator; the lookups are in\n"
      % size)
    w(" * pdf_font_simple.c. */\n")
    w('#include "pdf_font_int.h"\n\n')
    w("const uint32_t pdf_gl_count = %du;\n" % len(names))
    w("const uint32_t pdf_gl_nblock = %du;\n" % len(blocks))
    w("const uint32_t pdf_gl_nmulti = %du;\n" % len(multi))
    w("const uint32_t pdf_gl_nzapf = %du;\n\n" % len(zapf))
    w("const uint8_t pdf_gl_blob[%d] = {\n%s\n};\n\n" % (len(blob), carray(list(blob), 20)))
    w("const uint16_t pdf_gl_block[%d] = {\n%s\n};\n\n" % (len(blocks), carray(blocks)))
    w("const uint16_t pdf_gl_hash[%d] = {\n%s\n};\n\n" % (len(table), carray(table)))
    w("const uint8_t pdf_gl_pair[256][2] = {\n%s\n};\n\n"
      % "\n".join("    {%d, %d}," % pairs.get(b, (0, 0)) for b in range(256)))
    w("const uint16_t pdf_gl_uni[%d] = {\n%s\n};\n\n" % (len(uni), carray(uni)))
    w("/* id, count, code points */\n")
    w("const uint16_t pdf_gl_multi[%d][6] = {\n%s\n};\n\n"
      % (len(multi),
         "\n".join("    {%d, %d, 0x%04X, 0x%04X, 0x%04X, 0x%04X}," % m for m in multi)))
    w("const uint16_t pdf_gl_zapf[%d] = {\n%s\n};\n" % (len(zapf), carray(zapf)))
    # PDF_GL_* in pdf_font_int.h
    assert BLOCK == 16 and MAX_DEPTH == 24 and HASH_SIZE == 6144 and maxlen <= 40


if __name__ == "__main__":
    main()
