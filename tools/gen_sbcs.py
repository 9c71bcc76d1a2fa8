#!/usr/bin/python3
"""gen_sbcs.py: generate src/sbcs_tables.c, the single-byte code page tables of src/sbcs.h.

Run from the source root with the system Python (its codecs are the source of the mappings):
    /usr/bin/python3 tools/gen_sbcs.py > src/sbcs_tables.c
Every single-byte encoding of the WHATWG Encoding Standard is here (ibm866, ISO-8859-2..16
with 8-I, KOI8-R/U, macintosh, windows-874, windows-1250..1258, x-mac-cyrillic; ISO-8859-1, -9
and -11 are labels of windows-1252, -1254 and -874 there). A page is ASCII below 0x80 and 128
code points for 0x80..0xFF. Where Python's codec leaves a byte undefined, the page's policy
decides, as the WHATWG index does:
  "c1"   -> for 0x80..0x9F, the C1 control of the same value (U+0080 + b - 0x80): the windows-*
            pages map their holes there that way (index-windows-1252.txt: 0x81 -> U+0081 ...);
            above 0x9F, and for the bytes listed in `holes`, U+FFFD (undefined in the index);
  "fffd" -> U+FFFD (the ISO pages' undefined bytes decode as errors).
`fix` lists the bytes where the WHATWG index differs from Python's codec (KOI8-U is mapped as
KOI8-RU there: 0xAE and 0xBE are U+045E and U+040E, whatwg/encoding#74; windows-1255 maps 0xCA
to U+05BA, whatwg/encoding#73).

Storage: windows-1252 (the fallback of every text handler, decoded per byte) is a plain table of
128 uint16. Every other page is a list of runs over its 128 bytes, read against a base page
(another page, chosen by this script as the one it shares most with: windows-1250 for
ISO-8859-2, KOI8-R for KOI8-U ...; or none). A run is a byte h, bits 0-5 the count - 1 (runs of
up to 64), bits 6-7 its kind:
  0 counts up from its first code point      1 repeats its first code point
  2 the base page's code points at those bytes (nothing follows)
and for kinds 0 and 1 the first code point, as its difference from the code point expected next
(0x80 at the start, else one past the last code point of the previous run of kind 0 or 1),
zigzag-coded (0, -1, 1, -2 ... as 0, 1, 2, 3 ...) in LEB128. Pages are related as a tree rooted
at windows-1252 and the pages without a base, at most MAX_DEPTH deep. The 27 pages take 2.3 KB
instead of 7; pith_sbcs_expand turns one into a table when a document needs it.
Labels are the WHATWG labels of each encoding (lowercase), sorted and front-coded in one byte
array: per label, how many leading bytes it shares with the previous one, the index of its page
in pith_sbcs_pages, then the rest of the label with bit 7 set on its last byte (0.8 KB instead
of 1.9).
"""
import codecs
import sys

# (WHATWG name, Python codec, undefined-byte policy, fixes {byte: code point}, holes, labels)
PAGES = [
    ("ibm866", "cp866", "fffd", {}, [], ["866", "cp866", "csibm866", "ibm866"]),
    ("iso-8859-2", "iso8859_2", "fffd", {}, [], [
        "csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592", "iso_8859-2",
        "iso_8859-2:1987", "l2", "latin2"]),
    ("iso-8859-3", "iso8859_3", "fffd", {}, [], [
        "csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593", "iso_8859-3",
        "iso_8859-3:1988", "l3", "latin3"]),
    ("iso-8859-4", "iso8859_4", "fffd", {}, [], [
        "csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594", "iso_8859-4",
        "iso_8859-4:1988", "l4", "latin4"]),
    ("iso-8859-5", "iso8859_5", "fffd", {}, [], [
        "csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5", "iso88595",
        "iso_8859-5", "iso_8859-5:1988"]),
    ("iso-8859-6", "iso8859_6", "fffd", {}, [], [
        "arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic", "ecma-114",
        "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127", "iso8859-6", "iso88596",
        "iso_8859-6", "iso_8859-6:1987"]),
    ("iso-8859-7", "iso8859_7", "fffd", {}, [], [
        "csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7",
        "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987",
        "sun_eu_greek"]),
    ("iso-8859-8", "iso8859_8", "fffd", {}, [], [
        "csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e", "iso-ir-138",
        "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988", "visual"]),
    ("iso-8859-8-i", "iso8859_8", "fffd", {}, [], ["csiso88598i", "iso-8859-8-i", "logical"]),
    ("iso-8859-10", "iso8859_10", "fffd", {}, [], [
        "csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910", "l6",
        "latin6"]),
    ("iso-8859-13", "iso8859_13", "fffd", {}, [], ["iso-8859-13", "iso8859-13", "iso885913"]),
    ("iso-8859-14", "iso8859_14", "fffd", {}, [], ["iso-8859-14", "iso8859-14", "iso885914"]),
    ("iso-8859-15", "iso8859_15", "fffd", {}, [], [
        "csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15", "l9"]),
    ("iso-8859-16", "iso8859_16", "fffd", {}, [], ["iso-8859-16"]),
    ("koi8-r", "koi8_r", "fffd", {}, [], ["cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"]),
    ("koi8-u", "koi8_u", "fffd", {0xAE: 0x045E, 0xBE: 0x040E}, [], ["koi8-ru", "koi8-u"]),
    ("macintosh", "mac_roman", "fffd", {}, [], ["csmacintosh", "mac", "macintosh", "x-mac-roman"]),
    ("windows-874", "cp874", "c1", {}, [0xDB, 0xDC, 0xDD, 0xDE, 0xFC, 0xFD, 0xFE, 0xFF], [
        "dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620", "windows-874"]),
    ("windows-1250", "cp1250", "c1", {}, [], ["cp1250", "windows-1250", "x-cp1250"]),
    ("windows-1251", "cp1251", "c1", {}, [], ["cp1251", "windows-1251", "x-cp1251"]),
    ("windows-1252", "cp1252", "c1", {}, [], [
        "ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819", "iso-8859-1",
        "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
        "us-ascii", "windows-1252", "x-cp1252"]),
    ("windows-1253", "cp1253", "c1", {}, [0xAA, 0xD2, 0xFF], ["cp1253", "windows-1253", "x-cp1253"]),
    ("windows-1254", "cp1254", "c1", {}, [], [
        "cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9", "iso88599",
        "iso_8859-9", "iso_8859-9:1989", "l5", "latin5", "windows-1254", "x-cp1254"]),
    ("windows-1255", "cp1255", "c1", {0xCA: 0x05BA}, [0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xFB, 0xFC, 0xFF],
     ["cp1255", "windows-1255", "x-cp1255"]),
    ("windows-1256", "cp1256", "c1", {}, [], ["cp1256", "windows-1256", "x-cp1256"]),
    ("windows-1257", "cp1257", "c1", {}, [0xA1, 0xA5], ["cp1257", "windows-1257", "x-cp1257"]),
    ("windows-1258", "cp1258", "c1", {}, [], ["cp1258", "windows-1258", "x-cp1258"]),
    ("x-mac-cyrillic", "mac_cyrillic", "fffd", {}, [], ["x-mac-cyrillic", "x-mac-ukrainian"]),
]

FULL = {"windows-1252"}


def table(codec, undefined, fix, holes):
    dec = codecs.getdecoder(codec)
    for b in range(0x80):
        assert dec(bytes([b]))[0] == chr(b), f"{codec}: byte {b:#x} is not ASCII"
    out = []
    for b in range(0x80, 0x100):
        try:
            s = dec(bytes([b]))[0]
        except UnicodeDecodeError:
            s = ""
        if b in fix:
            cp = fix[b]
        elif len(s) == 1:
            cp = ord(s)
        elif b in holes or undefined == "fffd" or b >= 0xA0:
            cp = 0xFFFD
        else:
            cp = b
        assert 0x80 <= cp <= 0xFFFF and not 0xD800 <= cp <= 0xDFFF, f"{codec}: {b:#x} -> {cp:#x}"
        out.append(cp)
    for b in holes:
        assert out[b - 0x80] == 0xFFFD, f"{codec}: hole {b:#x} is defined in Python"
    return out


# The languages src/charset.c's sniffer weighs when a page declares no encoding: the page each
# is written in and its 12 most frequent letters. In a page of the right encoding they are over
# half of the non-ASCII letters; read through the wrong page (or multibyte text read as single
# bytes), about a tenth. Emitted as a bit per byte 0x80..0xFF: the bytes that encode them.
SNIFF_LANGS = [
    ("Russian", "windows-1251", "оеаинтсрвлкм"),
    ("Russian", "koi8-r", "оеаинтсрвлкм"),
    ("Russian", "ibm866", "оеаинтсрвлкм"),
    ("Arabic", "windows-1256", "اليمونربتهعد"),
    ("Hebrew", "windows-1255", "יוהלמארתבשנע"),
    ("Greek", "windows-1253", "αοιετσνηυρπκ"),
    ("Thai", "windows-874", "านรอกเงมยลวด"),
]

MAX_DEPTH = 8
KIND_UP, KIND_SAME, KIND_BASE = 0, 1, 2


def zigzag_leb(d):
    z = d << 1 if d >= 0 else ((-d) << 1) - 1
    out = bytearray()
    while True:
        out.append((z & 0x7F) | (0x80 if z > 0x7F else 0))
        z >>= 7
        if not z:
            return out


def runs(t, base=None):
    """The runs of table t against table base (None: no base)."""
    out = bytearray()
    expect = 0x80
    i = 0
    while i < 128:
        j = i
        if base is not None and t[i] == base[i]:
            while j < 128 and j - i < 64 and t[j] == base[j]:
                j += 1
            out.append(KIND_BASE << 6 | (j - i - 1))
            i = j
            continue
        j = i + 1
        if j < 128 and t[j] == t[i]:
            while j < 128 and j - i < 64 and t[j] == t[i]:
                j += 1
            out.append(KIND_SAME << 6 | (j - i - 1))
        else:
            while (j < 128 and j - i < 64 and t[j] == t[j - 1] + 1
                   and not (base is not None and t[j] == base[j])):
                j += 1
            out.append(KIND_UP << 6 | (j - i - 1))
        out += zigzag_leb(t[i] - expect)
        expect = t[j - 1] + 1
        i = j
    return out


def expand(r, base=None):
    """The reader of src/sbcs.c, in Python: the check that the runs decode."""
    t = []
    expect = 0x80
    k = 0
    while k < len(r):
        n = (r[k] & 0x3F) + 1
        kind = r[k] >> 6
        k += 1
        if kind == KIND_BASE:
            t += base[len(t):len(t) + n]
            continue
        z = shift = 0
        while True:
            z |= (r[k] & 0x7F) << shift
            shift += 7
            k += 1
            if not r[k - 1] & 0x80:
                break
        cp = expect + (-((z + 1) >> 1) if z & 1 else z >> 1)
        t += [cp] * n if kind == KIND_SAME else list(range(cp, cp + n))
        expect = t[-1] + 1
    return t


def choose_bases(tables):
    """{page: base page or None}: each page in turn joins the tree where its runs are shortest
    (greedy, from windows-1252), within MAX_DEPTH."""
    base_of = {"windows-1252": None}
    depth = {"windows-1252": 0}
    while len(base_of) < len(tables):
        best = None
        for name in tables:
            if name in base_of:
                continue
            for b in [None] + [b for b in base_of if depth[b] < MAX_DEPTH]:
                size = len(runs(tables[name], tables[b] if b else None))
                if best is None or size < best[0]:
                    best = (size, name, b)
        _, name, b = best
        base_of[name] = b
        depth[name] = depth[b] + 1 if b else 0
    return base_of


def ident(name):
    return name.replace("-", "_")


def main():
    w = sys.stdout.write
    w("/* sbcs_tables.c: single-byte code page tables (src/sbcs.h). GENERATED by tools/gen_sbcs.py\n")
    w(f" * from the codecs of Python {sys.version_info[0]}.{sys.version_info[1]} and the WHATWG "
      "Encoding Standard's fixes; do not edit,\n * rerun the script. */\n")
    w('#include "sbcs.h"\n')
    tables = {name: table(codec, undefined, fix, holes)
              for name, codec, undefined, fix, holes, _ in PAGES}
    base_of = choose_bases(tables)
    # every page declared first: a page names its base, wherever that is defined
    w("\n")
    for name, *_ in PAGES:
        w(f"extern const pith_sbcs pith_sbcs_{ident(name)};\n")
    total = 0
    for name, codec, undefined, fix, holes, _ in PAGES:
        t = tables[name]
        w(f"\n/* {name} (Python codec {codec}, undefined bytes: {undefined}"
          f"{', fixed: ' + ' '.join(f'{b:#x}' for b in sorted(fix)) if fix else ''}) */\n")
        if name in FULL:
            w(f"static const uint16_t high_{ident(name)}[128] = {{\n")
            for row in range(0, 128, 8):
                cells = ", ".join(f"0x{cp:04X}" for cp in t[row:row + 8])
                w(f"    {cells}, /* 0x{0x80 + row:02X} */\n")
            w("};\n")
            w(f'const pith_sbcs pith_sbcs_{ident(name)} = {{"{name}", high_{ident(name)}, NULL, 0, '
              'NULL};\n')
            continue
        b = base_of[name]
        r = runs(t, tables[b] if b else None)
        assert expand(r, tables[b] if b else None) == t
        total += len(r)
        w(f"static const uint8_t runs_{ident(name)}[{len(r)}] = {{\n")
        for k in range(0, len(r), 24):
            w("    " + ",".join(f"0x{x:02x}" for x in r[k:k + 24]) + ",\n")
        w("};\n")
        base = f"&pith_sbcs_{ident(b)}" if b else "NULL"
        w(f'const pith_sbcs pith_sbcs_{ident(name)} = {{"{name}", NULL, runs_{ident(name)}, '
          f'{len(r)}, {base}}};\n')
    w(f"/* {total} bytes of runs in all */\n")
    w("\nconst pith_sbcs *const pith_sbcs_pages[] = {\n")
    for name, *_ in PAGES:
        w(f"    &pith_sbcs_{ident(name)},\n")
    w("    0,\n};\n")
    # The sniffer's languages: a bit per byte 0x80 + 8 * i + j (bit j of byte i of the mask).
    w("\n/* The languages src/charset.c sniffs for (tools/gen_sbcs.py SNIFF_LANGS): the bytes "
      "of each page that\n * encode the language's 12 most frequent letters */\n")
    w(f"const uint32_t pith_sbcs_lang_count = {len(SNIFF_LANGS)};\n")
    w(f"const pith_sbcs_lang pith_sbcs_langs[{len(SNIFF_LANGS)}] = {{\n")
    for lang, name, letters in SNIFF_LANGS:
        assert len(letters) == 12 == len(set(letters)), lang
        t = tables[name]
        mask = bytearray(16)
        for ch in letters:
            hits = [b for b in range(128) if t[b] == ord(ch)]
            assert len(hits) == 1, f"{name}: {ch} at {hits}"
            mask[hits[0] >> 3] |= 1 << (hits[0] & 7)
        cells = ",".join(f"0x{m:02x}" for m in mask)
        w(f"    {{&pith_sbcs_{ident(name)}, {{{cells}}}}}, /* {lang}: {' '.join(letters)} */\n")
    w("};\n")
    # Labels: sorted and front-coded (see the top of this file), and how many there are.
    labels = sorted((label, k) for k, p in enumerate(PAGES) for label in p[5])
    assert len({label for label, _ in labels}) == len(labels) and len(PAGES) < 256
    blob = bytearray()
    prev = ""
    longest = 0
    for label, k in labels:
        assert label == label.lower() and label.isascii() and label
        shared = 0
        while shared < min(len(label), len(prev)) and label[shared] == prev[shared]:
            shared += 1
        suffix = bytearray(label[shared:].encode())
        assert suffix, label
        suffix[-1] |= 0x80
        blob += bytes([shared, k]) + suffix
        prev = label
        longest = max(longest, len(label))
    w(f"\n/* {len(labels)} labels, sorted and front-coded (the longest {longest} bytes) */\n")
    w(f"const uint32_t pith_sbcs_label_count = {len(labels)};\n")
    w(f"const uint8_t pith_sbcs_labels[{len(blob)}] = {{\n")
    for k in range(0, len(blob), 24):
        w("    " + ",".join(f"0x{b:02x}" for b in blob[k:k + 24]) + ",\n")
    w("};\n")

if __name__ == "__main__":
    main()
