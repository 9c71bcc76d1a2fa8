"""pdf_glyphnames.py: the glyph-name facts the PDF font tables are generated from (imported by
tools/gen_glyphlist.py, tools/gen_encodings.py and tools/gen_metrics.py; run with /usr/bin/python3,
Debian's python3-fonttools and fonts-urw-base35).

Every table of handlers/pdf refers to a glyph by its id: the index of its name in one sorted
list, the union of the Adobe Glyph List (fontTools.agl.LEGACY_AGL2UV, 4,281 names), the names
of the builtin encodings and the names the standard-14 metrics keep. The three generated files
therefore go together: regenerate all three when any input changes.

Sources of the encodings (ISO 32000-1 Annex D):
  StandardEncoding    fontTools.encodings.StandardEncoding
  MacRomanEncoding    fontTools.encodings.MacRoman, codes 32-255, with Annex D's changes
                      (0xCA is "space"; 0xDB "currency": the PDF table predates the euro)
  WinAnsiEncoding     Python's cp1252 codec and the AGL for Unicode names (fontTools UV2AGL),
                      with Annex D's notes: 0xA0 "space", 0xAD "hyphen", and "bullet" for the
                      unused codes 0x7F 0x81 0x8D 0x8F 0x90 0x9D
  PDFDocEncoding      Annex D.2's table, transcribed below (PDFDOC_HIGH)
  MacExpertEncoding   Annex D.4's table, transcribed below (MACEXPERT)
  Symbol              the builtin encoding of URW's StandardSymbolsPS.afm ("C code ... N name")
  ZapfDingbats        the builtin encoding of URW's D050000L.afm
When pdf.js is installed for the benchmarks (bench/peers/node_modules/pdfjs-dist), the
generators compare the tables with pdf.js's and print the differences on stderr.
"""
import json
import os
import re

from fontTools.agl import LEGACY_AGL2UV, UV2AGL, _AGL_ZAPF_DINGBATS
from fontTools.encodings.MacRoman import MacRoman
from fontTools.encodings.StandardEncoding import StandardEncoding

AFM_DIR = "/usr/share/fonts/type1/urw-base35"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PDFJS = os.path.join(ROOT, "bench/peers/node_modules/pdfjs-dist/build/pdf.worker.mjs")

# Annex D.2, PDFDocEncoding: codes 0x18-0x1F and 0x80-0xA0 (the rest is ASCII and Latin-1;
# 0x7F and 0xAD are undefined).
PDFDOC_LOW = ["breve", "caron", "circumflex", "dotaccent", "hungarumlaut", "ogonek", "ring",
              "tilde"]
PDFDOC_HIGH = ["bullet", "dagger", "daggerdbl", "ellipsis", "emdash", "endash", "florin",
               "fraction", "guilsinglleft", "guilsinglright", "minus", "perthousand",
               "quotedblbase", "quotedblleft", "quotedblright", "quoteleft", "quoteright",
               "quotesinglbase", "trademark", "fi", "fl", "Lslash", "OE", "Scaron",
               "Ydieresis", "Zcaron", "dotlessi", "lslash", "oe", "scaron", "zcaron", None,
               "Euro"]

# Annex D.4, MacExpertEncoding, codes 32-255 (None = undefined).
MACEXPERT = (
    "space exclamsmall Hungarumlautsmall centoldstyle dollaroldstyle dollarsuperior "
    "ampersandsmall Acutesmall parenleftsuperior parenrightsuperior twodotenleader "
    "onedotenleader comma hyphen period fraction zerooldstyle oneoldstyle twooldstyle "
    "threeoldstyle fouroldstyle fiveoldstyle sixoldstyle sevenoldstyle eightoldstyle "
    "nineoldstyle colon semicolon - threequartersemdash - questionsmall - - - - Ethsmall - - "
    "onequarter onehalf threequarters oneeighth threeeighths fiveeighths seveneighths "
    "onethird twothirds - - - - - - ff fi fl ffi ffl parenleftinferior - parenrightinferior "
    "Circumflexsmall hypheninferior Gravesmall Asmall Bsmall Csmall Dsmall Esmall Fsmall "
    "Gsmall Hsmall Ismall Jsmall Ksmall Lsmall Msmall Nsmall Osmall Psmall Qsmall Rsmall "
    "Ssmall Tsmall Usmall Vsmall Wsmall Xsmall Ysmall Zsmall colonmonetary onefitted rupiah "
    "Tildesmall - - asuperior centsuperior - - - - Aacutesmall Agravesmall Acircumflexsmall "
    "Adieresissmall Atildesmall Aringsmall Ccedillasmall Eacutesmall Egravesmall "
    "Ecircumflexsmall Edieresissmall Iacutesmall Igravesmall Icircumflexsmall "
    "Idieresissmall Ntildesmall Oacutesmall Ogravesmall Ocircumflexsmall Odieresissmall "
    "Otildesmall Uacutesmall Ugravesmall Ucircumflexsmall Udieresissmall - eightsuperior "
    "fourinferior threeinferior sixinferior eightinferior seveninferior Scaronsmall - "
    "centinferior twoinferior - Dieresissmall - Caronsmall osuperior fiveinferior - "
    "commainferior periodinferior Yacutesmall - dollarinferior - - Thornsmall - nineinferior "
    "zeroinferior Zcaronsmall AEsmall Oslashsmall questiondownsmall oneinferior Lslashsmall "
    "- - - - - - Cedillasmall - - - - - OEsmall figuredash hyphensuperior - - - - "
    "exclamdownsmall - Ydieresissmall - onesuperior twosuperior threesuperior foursuperior "
    "fivesuperior sixsuperior sevensuperior ninesuperior zerosuperior - esuperior rsuperior "
    "tsuperior - - isuperior ssuperior dsuperior - - - - - lsuperior Ogoneksmall Brevesmall "
    "Macronsmall bsuperior nsuperior msuperior commasuperior periodsuperior Dotaccentsmall "
    "Ringsmall - - - -").split()

# The order of pdf_encoding ids in handlers/pdf/pdf_font_int.h.
ENCODINGS = ["StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "MacExpertEncoding",
             "PDFDocEncoding", "Symbol", "ZapfDingbats"]


def read_afm(name):
    """(info dict, [(code, width, glyph name, bbox)]) of AFM_DIR/name.afm."""
    info, chars = {}, []
    with open(os.path.join(AFM_DIR, name + ".afm"), encoding="latin-1") as f:
        for line in f:
            if line.startswith("C "):
                fields = {}
                for part in line.split(";"):
                    kv = part.split()
                    if kv:
                        fields[kv[0]] = kv[1:]
                bbox = [int(float(v)) for v in fields.get("B", ["0"] * 4)]
                chars.append((int(fields["C"][0]), int(float(fields["WX"][0])),
                              fields["N"][0], bbox))
            else:
                kv = line.split(None, 1)
                if len(kv) == 2:
                    info[kv[0]] = kv[1].strip()
    return info, chars


def uv_name(u):
    """The AGL name of a code point: the AGLFN name, else the shortest legacy AGL name."""
    if u in UV2AGL:
        return UV2AGL[u]
    cands = sorted((len(n), n) for n, v in LEGACY_AGL2UV.items() if v == [u])
    return cands[0][1] if cands else None


def _winansi():
    enc = [None] * 256
    for c in range(32, 256):
        try:
            u = bytes([c]).decode("cp1252")
        except UnicodeDecodeError:
            continue
        enc[c] = uv_name(ord(u))
    enc[0x20] = "space"
    enc[0xA0] = "space"
    enc[0xAD] = "hyphen"
    for c in (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D):
        enc[c] = "bullet"
    for c in range(32, 256):
        assert enc[c] is not None, hex(c)
    return enc


def _pdfdoc():
    enc = [None] * 256
    for i, n in enumerate(PDFDOC_LOW):
        enc[0x18 + i] = n
    for c in range(0x20, 0x7F):
        enc[c] = _winansi()[c]
    for i, n in enumerate(PDFDOC_HIGH):
        enc[0x80 + i] = n
    for c in range(0xA1, 0x100):
        if c != 0xAD:
            enc[c] = uv_name(c)
    return enc


def _builtin(afm):
    enc = [None] * 256
    for code, _, name, _ in read_afm(afm)[1]:
        if 0 <= code < 256:
            enc[code] = name
    return enc


def encodings():
    """{encoding name: [256 glyph names or None]}"""
    std = [None if n == ".notdef" else n for n in StandardEncoding]
    mac = [None] * 256
    for c in range(32, 256):
        n = MacRoman[c]
        mac[c] = None if n in (".notdef", "DEL") else n
    mac[0xCA] = "space"
    mac[0xDB] = "currency"
    assert len(MACEXPERT) == 224, len(MACEXPERT)
    mexp = [None] * 32 + [None if n == "-" else n for n in MACEXPERT]
    return {
        "StandardEncoding": std,
        "WinAnsiEncoding": _winansi(),
        "MacRomanEncoding": mac,
        "MacExpertEncoding": mexp,
        "PDFDocEncoding": _pdfdoc(),
        "Symbol": _builtin("StandardSymbolsPS"),
        "ZapfDingbats": _builtin("D050000L"),
    }


def pdfjs_encodings():
    """pdf.js's tables when it is installed (a cross-check only), else {}."""
    if not os.path.exists(PDFJS):
        return {}
    src = open(PDFJS, encoding="utf-8").read()
    out = {}
    for ours, theirs in [("StandardEncoding", "StandardEncoding"),
                         ("WinAnsiEncoding", "WinAnsiEncoding"),
                         ("MacRomanEncoding", "MacRomanEncoding"),
                         ("MacExpertEncoding", "MacExpertEncoding"),
                         ("Symbol", "SymbolSetEncoding"),
                         ("ZapfDingbats", "ZapfDingbatsEncoding")]:
        m = re.search(r"const " + theirs + r" = (\[.*?\]);", src)
        if m:
            out[ours] = [n or None for n in json.loads(m.group(1))]
    return out


# Standard 14 fonts → the metric-compatible URW base35 fonts.
STD14 = [
    ("Courier", "NimbusMonoPS-Regular"),
    ("Courier-Bold", "NimbusMonoPS-Bold"),
    ("Courier-Oblique", "NimbusMonoPS-Italic"),
    ("Courier-BoldOblique", "NimbusMonoPS-BoldItalic"),
    ("Helvetica", "NimbusSans-Regular"),
    ("Helvetica-Bold", "NimbusSans-Bold"),
    ("Helvetica-Oblique", "NimbusSans-Italic"),
    ("Helvetica-BoldOblique", "NimbusSans-BoldItalic"),
    ("Times-Roman", "NimbusRoman-Regular"),
    ("Times-Bold", "NimbusRoman-Bold"),
    ("Times-Italic", "NimbusRoman-Italic"),
    ("Times-BoldItalic", "NimbusRoman-BoldItalic"),
    ("Symbol", "StandardSymbolsPS"),
    ("ZapfDingbats", "D050000L"),
]


def latin_metric_names():
    """The glyphs the Latin standard fonts keep widths for: every glyph of the Latin builtin
    encodings (what a simple font can name without /Differences) plus the rest of the Adobe
    standard Latin set (the accented letters of Latin-2 the core fonts have)."""
    encs = encodings()
    names = set()
    for e in ("StandardEncoding", "WinAnsiEncoding", "MacRomanEncoding", "PDFDocEncoding"):
        names.update(n for n in encs[e] if n)
    _, chars = read_afm("NimbusSans-Regular")
    have = {n for _, _, n, _ in chars}
    extra = ["Abreve", "Amacron", "Aogonek", "Cacute", "Ccaron", "Dcaron", "Dcroat",
             "Ecaron", "Edotaccent", "Emacron", "Eogonek", "Gbreve", "Gcommaaccent",
             "Idotaccent", "Imacron", "Iogonek", "Kcommaaccent", "Lacute", "Lcaron",
             "Lcommaaccent", "Nacute", "Ncaron", "Ncommaaccent", "Ohungarumlaut", "Omacron",
             "Racute", "Rcaron", "Rcommaaccent", "Sacute", "Scedilla", "Scommaaccent",
             "Tcaron", "Tcommaaccent", "Uhungarumlaut", "Umacron", "Uogonek", "Uring",
             "Zacute", "Zdotaccent", "abreve", "amacron", "aogonek", "cacute", "ccaron",
             "dcaron", "dcroat", "ecaron", "edotaccent", "emacron", "eogonek", "gbreve",
             "gcommaaccent", "imacron", "iogonek", "kcommaaccent", "lacute", "lcaron",
             "lcommaaccent", "nacute", "ncaron", "ncommaaccent", "ohungarumlaut", "omacron",
             "racute", "rcaron", "rcommaaccent", "sacute", "scedilla", "scommaaccent",
             "tcaron", "tcommaaccent", "uhungarumlaut", "umacron", "uogonek", "uring",
             "zacute", "zdotaccent", "commaaccent", "Delta", "greaterequal", "lessequal",
             "notequal", "lozenge", "partialdiff", "summation", "radical", "infinity"]
    names.update(n for n in extra if n in have)
    return sorted(n for n in names if n in have)


def all_names():
    """The sorted name list every table's glyph ids index."""
    names = set(LEGACY_AGL2UV)
    for enc in encodings().values():
        names.update(n for n in enc if n)
    names.update(latin_metric_names())
    return sorted(names, key=lambda s: s.encode())


def zapf_table():
    """ITC Zapf Dingbats glyph aN → code point (index N), 0 where none."""
    return [0 if ch == " " else ord(ch) for ch in _AGL_ZAPF_DINGBATS]
