#!/usr/bin/python3
"""gen_cmap_packs.py: the predefined CJK CMap data packs of the PDF handler.

    /usr/bin/python3 tools/gen_cmap_packs.py [POPPLER_DATA_DIR]   (default /usr/share/poppler)

Writes dist/data/cmap-japan1.bin, cmap-gb1.bin, cmap-cns1.bin, cmap-korea1.bin (one pack per
character collection) and handlers/pdf/pdf_cjk_names.h (which pack each CMap name needs, so a
document can ask for the right pack before it has it). Source: Debian's poppler-data, its
cMap/Adobe-<Ordering>/* files only (Adobe's cmap-resources: "Copyright: 1990-2018, Adobe Systems
Incorporated." under BSD-3-Clause in Debian's copyright file). poppler-data's cidToUnicode/*
files (Glyph & Cog, GPL-2) are not read: the CID -> Unicode tables come from Adobe's own
cMap/Adobe-<Ordering>/Adobe-<Ordering>-UCS2 CMaps.

A CMap is taken when it maps codes to CIDs (begincidrange/begincidchar, or only /usecmap of
such a CMap, as the Hojo -V files do); the *-UCS2 and Adobe-*-<enc> files map CIDs or codes to
Unicode and get no record (Adobe-<Ordering>-UCS2 gives the CID -> Unicode section, below).
notdefrange entries are kept as ranges (they map control codes to CID 1 and the like) below
the cidrange/cidchar entries they overlap. /usecmap is kept as a
link to the parent's record in the same pack (the -V CMaps are a few hundred vertical forms over
their -H parent), so the reader looks a code up in the CMap, then in its parent, and so on.
Adjacent entries with consecutive codes and CIDs are merged into one range.
The Unicode CMaps (Uni*-UTF8/UTF16/UCS2/UTF32) are one mapping in several encoding forms, 14,000
ranges each for Japan1: a UTF-8 or UTF-16 record is keyed by the code point its code decodes to
(its "form"), and holds only its differences from the closest earlier Unicode CMap, its parent
(an explicit CID 0 where the parent maps a code point it does not). That cut cmap-japan1 from
1.96 MB to 0.62 MB.

Pack format, little-endian, every record 4-byte aligned (handlers/pdf/pdf_cjk.c checks every
field below before anything is read; a violation is "pack: cmap-japan1: <reason>"):
  header (48 bytes)
    0  "PITHCMAP"
    8  u16 version (1)
   10  u16 CMap count (1..1024)
   12  u32 file length (must equal the pack's length)
   16  char[16] "Registry-Ordering" (NUL-padded, e.g. "Adobe-Japan1")
   32  u32 offset of the CID -> Unicode section, u32 its length in bytes
   40  u32 offset of the directory, u32 reserved (0)
  directory: per CMap, 36 bytes, parents before children (searched by name linearly)
    char[24] name (NUL-padded), u32 record offset, u32 record length,
    u32 parent (index of the /usecmap or base CMap, smaller than the CMap's own index;
      0xFFFFFFFF none; chains are at most 8 records long). A code found in no record of the
      chain, or in none of the codespace ranges of the CMap itself, has CID 0.
  CMap record
    u8 WMode (0, 1), u8 codespace count (1..16), u8 form, u8 0, u32 range count
      form 0: a range key is (code bytes, code read big-endian); 1 UTF-8, 2 UTF-16BE: the
      code is decoded to a code point c and the key is (4, c) (a code that does not decode
      to one code point is CID 0). The form of the CMap itself decides the key for its whole
      parent chain (a UTF-8 CMap's UTF-32 base is keyed by code point already)
    codespace ranges: u8 bytes (1..4), u8[3] 0, u8 lo[4], u8 hi[4]  (byte-wise bounds; the
      bytes beyond `bytes` are 0)
    ranges: u32 lo, u32 hi, u32 cid | bytes << 24  (a code of `bytes` bytes read big-endian;
      lo <= hi; sorted by (bytes, lo) without overlap; cid + hi - lo < 2^24)
    record length = 8 + 12 * codespace count + 12 * range count
  CID -> Unicode section (Adobe-<Ordering>-UCS2: a CID maps to 1 to 4 code points)
    u32 n, u32 m, u16 bmp[n] (padded to 4 bytes), then m pairs {u32 cid, u32 code point}
    bmp[cid] is the CID's code point when that is one BMP code point (never a surrogate), else
    0; the pairs, sorted by cid, hold the other CIDs: a supplementary code point, or a
    sequence of 2 to 4 code points as that many pairs of the same cid, in order (a cid
    repeats at most 4 times; code points 1-0x10FFFF, no surrogates).
    length = 8 + 2 * n (+ 2 when n is odd) + 8 * m. (Runs of consecutive CIDs and code points
    were tried first: 15,000 runs of 12 bytes for Japan1, where the plain array is 46 KB.)
    The UCS2 CMaps are bfchar/bfrange from a 2-byte code (the CID) to a UTF-16BE string;
    a string that decodes to U+FFFD (Adobe's "no Unicode", e.g. CID 0) or to more than 4
    code points (18 Japan1 CIDs: squared katakana words like "オングストローム", fractions
    like "10/11") is left out, so the CID has no Unicode, as 0 says in the table.
The output is deterministic (same poppler-data, same bytes).
"""

import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = sys.argv[1] if len(sys.argv) > 1 else '/usr/share/poppler'
COLLECTIONS = [('Japan1', 'cmap-japan1'), ('GB1', 'cmap-gb1'), ('CNS1', 'cmap-cns1'),
               ('Korea1', 'cmap-korea1')]
NAME_MAX = 23
NONE = 0xFFFFFFFF
MAX_DEPTH = 8
FORM_RAW, FORM_UTF8, FORM_UTF16 = 0, 1, 2

TOKEN = re.compile(rb'<([0-9a-fA-F]*)>|/([^\s/<>\[\]()]+)|(-?\d+)|([A-Za-z]+)')


def tokens(data):
    # Comments first: "%%Copyright:" lines would otherwise give words.
    data = re.sub(rb'%[^\r\n]*', b'', data)
    for m in TOKEN.finditer(data):
        if m.group(1) is not None:
            yield ('hex', bytes.fromhex(m.group(1).decode()))
        elif m.group(2) is not None:
            yield ('name', m.group(2).decode())
        elif m.group(3) is not None:
            yield ('int', int(m.group(3)))
        else:
            yield ('word', m.group(4).decode())


def parse_cmap(path):
    toks = list(tokens(open(path, 'rb').read()))
    cm = {'wmode': 0, 'codespace': [], 'cid': [], 'notdef': [], 'use': None, 'bf': False}
    i = 0
    while i < len(toks):
        kind, v = toks[i]
        if kind == 'name' and i + 1 < len(toks) and toks[i + 1] == ('word', 'usecmap'):
            cm['use'] = v
        elif kind == 'name' and v == 'WMode' and toks[i + 1][0] == 'int':
            cm['wmode'] = toks[i + 1][1]
        elif kind == 'word' and v in ('begincodespacerange', 'begincidrange', 'begincidchar',
                                      'beginnotdefrange', 'beginnotdefchar'):
            end = 'end' + v[5:]
            i += 1
            while toks[i] != ('word', end):
                if v == 'begincodespacerange':
                    lo, hi = toks[i][1], toks[i + 1][1]
                    cm['codespace'].append((len(lo), lo, hi))
                    i += 2
                elif v in ('begincidrange', 'beginnotdefrange'):
                    lo, hi, cid = toks[i][1], toks[i + 1][1], toks[i + 2][1]
                    assert len(lo) == len(hi), path
                    ent = (len(lo), int.from_bytes(lo, 'big'), int.from_bytes(hi, 'big'), cid)
                    cm['cid' if v == 'begincidrange' else 'notdef'].append(ent)
                    i += 3
                else:
                    code, cid = toks[i][1], toks[i + 1][1]
                    c = int.from_bytes(code, 'big')
                    ent = (len(code), c, c, cid)
                    cm['cid' if v == 'begincidchar' else 'notdef'].append(ent)
                    i += 2
        elif kind == 'word' and v in ('beginbfrange', 'beginbfchar'):
            cm['bf'] = True
        i += 1
    return cm


def subtract(ranges, cuts):
    """ranges minus the code intervals of cuts (both (bytes, lo, hi, cid) lists)."""
    out = []
    cuts = sorted((b, lo, hi) for b, lo, hi, _ in cuts)
    for b, lo, hi, cid in ranges:
        pieces = [(lo, hi)]
        for cb, clo, chi in cuts:
            if cb != b:
                continue
            nxt = []
            for plo, phi in pieces:
                if chi < plo or clo > phi:
                    nxt.append((plo, phi))
                    continue
                if plo < clo:
                    nxt.append((plo, clo - 1))
                if chi < phi:
                    nxt.append((chi + 1, phi))
            pieces = nxt
        for plo, phi in pieces:
            out.append((b, plo, phi, cid + plo - lo))
    return out


def flatten(cm, path):
    cid = sorted(cm['cid'])
    for a, b in zip(cid, cid[1:]):
        assert a[0] != b[0] or a[2] < b[1], f'{path}: overlapping cid ranges {a} {b}'
    # notdef ranges are few and wide; the cid entries win where they overlap.
    allr = sorted(cid + subtract(cm['notdef'], cid))
    merged = []
    for r in allr:
        if merged:
            b, lo, hi, c = merged[-1]
            if r[0] == b and r[1] == hi + 1 and r[3] == c + hi - lo + 1:
                merged[-1] = (b, lo, r[2], c)
                continue
        merged.append(r)
    for b, lo, hi, c in merged:
        assert c + hi - lo < 1 << 24 and 1 <= b <= 4
    return merged


UNI_MAX = 4  # code points per CID: pdf_cjk_unicode_map's out[4]
FFFD = '\ufffd'


def read_ucs2(path):
    """{cid: code points} of an Adobe-<Ordering>-UCS2 CMap (CID codes to UTF-16BE strings)."""
    data = re.sub(rb'%[^\r\n]*', b'', open(path, 'rb').read())
    out = {}
    blocks = list(re.finditer(rb'begin(bfchar|bfrange)(.*?)end\1', data, re.S))
    assert blocks, path
    for blk in blocks:
        assert b'[' not in blk.group(2), f'{path}: bfrange with an array'
        hexes = [bytes.fromhex(h.decode()) for h in re.findall(rb'<([0-9a-fA-F]*)>', blk.group(2))]
        step = 2 if blk.group(1) == b'bfchar' else 3
        assert len(hexes) % step == 0, path
        for k in range(0, len(hexes), step):
            lo, hi, dst = hexes[k], hexes[k + step - 2], hexes[k + step - 1]
            assert len(lo) == len(hi) == 2 and len(dst) % 2 == 0 and dst, path
            lo, hi = int.from_bytes(lo, 'big'), int.from_bytes(hi, 'big')
            # bfrange steps the destination's last UTF-16 unit as a 16-bit number: Adobe's
            # UCS2 CMaps carry past its low byte (Japan1 "<55e6> <55e7> <73ff>" is U+73FF,
            # U+7400), where ISO 32000-1 9.10.3 speaks of the last byte. The unit never
            # passes 0xFFFF, and a stepped low surrogate must stay one (strict decode).
            last = int.from_bytes(dst[-2:], 'big')
            assert lo <= hi and last + hi - lo <= 0xFFFF, path
            for cid in range(lo, hi + 1):
                unit = (last + cid - lo).to_bytes(2, 'big')
                s = (dst[:-2] + unit).decode('utf-16-be')  # strict: no lone surrogate
                assert cid not in out, f'{path}: cid {cid} twice'
                out[cid] = [ord(ch) for ch in s]
    return out


def unicode_section(path):
    """The CID -> Unicode section: one BMP code point by CID in the array, the rest as pairs."""
    bmp, pairs = [], []
    for cid, cps in sorted(read_ucs2(path).items()):
        # Ideographic variation selectors (U+E0100-E01EF) pick a glyph variant; extracted text
        # is for reading and searching, where an invisible selector after a character only
        # breaks matches (pdftotext and pdf.js give the bare character too).
        cps = [c for c in cps if not 0xE0100 <= c <= 0xE01EF] or cps
        if cps == [ord(FFFD)] or len(cps) > UNI_MAX:
            continue
        assert all(0 < c <= 0x10FFFF and not 0xD800 <= c <= 0xDFFF for c in cps)
        if len(cps) == 1 and cps[0] <= 0xFFFF:
            bmp += [0] * (cid + 1 - len(bmp))
            bmp[cid] = cps[0]
        else:
            pairs += [(cid, c) for c in cps]
    out = struct.pack('<II', len(bmp), len(pairs))
    out += struct.pack(f'<{len(bmp)}H', *bmp)
    if len(bmp) % 2:
        out += b'\0\0'
    out += b''.join(struct.pack('<II', c, cp) for c, cp in pairs)
    return out


def form_of(name):
    if not name.startswith('Uni'):
        return FORM_RAW
    if '-UTF8-' in name:
        return FORM_UTF8
    if '-UTF16-' in name or '-UCS2-' in name:
        return FORM_UTF16
    return FORM_RAW  # UTF-32: a 4-byte code is its code point already


def encodable(name, cp):
    return cp <= 0xFFFF if '-UCS2-' in name else True


def key_of(form, nbytes, code):
    """The lookup key of a code in a record of `form` (mirrors pdf_cjk.c's key())."""
    if form == FORM_RAW:
        return (nbytes, code)
    b = code.to_bytes(nbytes, 'big')
    try:
        s = b.decode('utf-8' if form == FORM_UTF8 else 'utf-16-be')
    except UnicodeDecodeError:
        return None
    return (4, ord(s)) if len(s) == 1 else None


def expand(cm, form):
    """{key: cid} of a flattened range list, keyed as the record's form says."""
    out = {}
    for b, lo, hi, c in flatten(cm, ''):
        for code in range(lo, hi + 1):
            k = key_of(form, b, code)
            if k is not None:
                out[k] = c + code - lo
    return out


def to_ranges(m):
    merged = []
    for (b, code), c in sorted(m.items()):
        if merged:
            pb, lo, hi, pc = merged[-1]
            if pb == b and code == hi + 1 and c == pc + hi - lo + 1:
                merged[-1] = (b, lo, code, pc)
                continue
        merged.append((b, code, code, c))
    return merged


def resolved(parsed, name, form):
    """The whole mapping of a CMap (its /usecmap chain applied), keyed by `form`."""
    chain = []
    n = name
    while n in parsed:
        chain.append(n)
        n = parsed[n]['use']
    m = {}
    for n in reversed(chain):
        m.update(expand(parsed[n], form))
    return m


def build(ordering):
    d = os.path.join(SRC, 'cMap', 'Adobe-' + ordering)
    parsed = {}
    for name in sorted(os.listdir(d)):
        cm = parse_cmap(os.path.join(d, name))
        if cm['bf'] or not (cm['cid'] or cm['use']):
            continue
        assert len(name) <= NAME_MAX, name
        parsed[name] = cm
    # A CMap whose only content is /usecmap of a left-out file is left out too.
    names = [n for n in sorted(parsed) if parsed[n]['cid'] or parsed[n]['use'] in parsed]

    def depth(n):
        k = 0
        while parsed[n]['use'] in parsed:
            n = parsed[n]['use']
            k += 1
        return k
    # Unicode CMaps (UTF-32 first: the others derive from them) after the rest; a parent
    # always comes before its children, so the reader can require parent < own index.
    def order(n):
        uni = n.startswith('Uni')
        f = 0 if '-UTF32-' in n else 1 if '-UTF16-' in n else 2 if '-UTF8-' in n else 3
        return (uni, f if uni else 0, depth(n), n.encode())
    names = sorted(names, key=order)
    index = {n: i for i, n in enumerate(names)}
    depth_of, full, records = {}, {}, []
    for n in names:
        cm = parsed[n]
        cs = cm['codespace']
        p = n
        while not cs and parsed[p]['use'] in parsed:
            p = parsed[p]['use']
            cs = parsed[p]['codespace']
        assert 1 <= len(cs) <= 16, n
        form = form_of(n)
        if not n.startswith('Uni'):
            ranges = flatten(cm, n)
            parent = index[cm['use']] if cm['use'] in index else NONE
            depth_of[n] = depth_of[cm['use']] + 1 if parent != NONE else 0
        else:
            # The whole mapping by code point; stored as the differences from the earlier
            # Unicode CMap it is closest to (an explicit CID 0 where that one maps a code
            # point this one does not), or whole when no base saves half.
            mine = resolved(parsed, n, form)
            full[n] = mine
            ranges, parent = to_ranges(mine), NONE
            for b in full:
                if b == n or depth_of[b] >= MAX_DEPTH - 1:
                    continue
                base = full[b]
                diff = {k: v for k, v in mine.items() if base.get(k) != v}
                for k in base:
                    if k not in mine and k[0] == 4 and encodable(n, k[1]):
                        diff[k] = 0
                r = to_ranges(diff)
                if len(r) * 2 < len(ranges) or (parent != NONE and len(r) < len(ranges)):
                    ranges, parent = r, index[b]
            depth_of[n] = depth_of[names[parent]] + 1 if parent != NONE else 0
        for b, lo, hi, c in ranges:
            assert c + hi - lo < 1 << 24 and 1 <= b <= 4
        rec = struct.pack('<BBBBI', cm['wmode'], len(cs), form, 0, len(ranges))
        for b, lo, hi in cs:
            rec += struct.pack('<B3x4s4s', b, lo.ljust(4, b'\0'), hi.ljust(4, b'\0'))
        for b, lo, hi, c in ranges:
            rec += struct.pack('<III', lo, hi, c | b << 24)
        records.append((n, rec, parent))
    ucs2 = 'Adobe-' + ordering + '-UCS2'
    uni = unicode_section(os.path.join(d, ucs2))
    header_len, dir_len = 48, 36 * len(records)
    off = header_len + dir_len
    directory, body = b'', b''
    for n, rec, parent in records:
        directory += struct.pack('<24sIII', n.encode(), off + len(body), len(rec), parent)
        body += rec
    uni_off = off + len(body)
    total = uni_off + len(uni)
    header = b'PITHCMAP' + struct.pack('<HHI16sIIII', 1, len(records), total,
                                       ('Adobe-' + ordering).encode(), uni_off, len(uni),
                                       header_len, 0)
    data = header + directory + body + uni
    assert len(data) == total
    return data, names


def main():
    out_dir = os.path.join(ROOT, 'dist', 'data')
    os.makedirs(out_dir, exist_ok=True)
    table = []
    for ci, (ordering, pack) in enumerate(COLLECTIONS):
        data, names = build(ordering)
        with open(os.path.join(out_dir, pack + '.bin'), 'wb') as f:
            f.write(data)
        table += [(n, ci) for n in names]
        print(f'{pack}.bin: {len(names)} cmaps, {len(data)} bytes')
    table.sort(key=lambda t: t[0].encode())
    lines = ['/* pdf_cjk_names.h: generated by tools/gen_cmap_packs.py from poppler-data. Do not',
             ' * edit. Every predefined CMap name of the packs, sorted bytewise, with the index',
             ' * of its collection in pdf_cjk.c\'s table (0 Japan1, 1 GB1, 2 CNS1, 3 Korea1). */',
             'static const struct pdf_cjk_name { const char *name; uint8_t coll; } '
             'pdf_cjk_names[] = {']
    for n, ci in table:
        lines.append(f'    {{"{n}", {ci}}},')
    lines.append('};')
    with open(os.path.join(ROOT, 'handlers', 'pdf', 'pdf_cjk_names.h'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main()
