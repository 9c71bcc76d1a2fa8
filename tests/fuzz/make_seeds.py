#!/usr/bin/python3
"""make_seeds.py: the fuzz targets' seed corpora, made at run time from the shared corpus.

    tests/fuzz/make_seeds.py CORPUS OUT

Writes OUT/<target>/ for every target (never committed; tests/fuzz/run calls this into
build/fuzz-corpus). Whole documents are copied to the targets that read them; the shared readers
get what the documents hold, in their harness's input form:
  xml          the XML parts of every ZIP package (OOXML, ODF, EPUB) and the corpus's XML
  zip          the packages themselves
  inflate      DEFLATE entries of the packages (raw), FlateDecode streams of the PDFs (zlib), and
               corpus text compressed by zlib in the three wrappers; byte 0 = wrapper | cap << 2
  pdf_filters  PDF streams with their /Filter chain and /DecodeParms encoded as the harness's
               4-byte steps (fuzz_pdf_filters.c)
  pdf_lex      decoded content streams and the first 64 KiB of each PDF
  pdf_cmap     decoded CMap streams (ToUnicode, embedded) and the predefined CMaps of
               poppler-data when installed
Files over 1 MiB (the campaign's -max_len) are left out; each derived set is capped.
"""
import os
import re
import sys
import zipfile
import zlib

MAX_LEN = 1 << 20


def files(corpus, dirs):
    for d in dirs:
        p = os.path.join(corpus, d)
        if not os.path.isdir(p):
            continue
        for name in sorted(os.listdir(p)):
            f = os.path.join(p, name)
            if os.path.isfile(f) and os.path.getsize(f) <= MAX_LEN:
                yield f


def write(out, target, name, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as fh:
        fh.write(data)


def copy(corpus, out, target, dirs, exts=None):
    for f in files(corpus, dirs):
        if exts and not f.lower().endswith(exts):
            continue
        with open(f, 'rb') as fh:
            write(out, target, os.path.basename(f), fh.read())


# ISO 32000-1 filter names → fuzz_pdf_filters.c's enum order
FILTERS = {b'FlateDecode': 1, b'Fl': 1, b'LZWDecode': 2, b'LZW': 2, b'ASCII85Decode': 3,
           b'A85': 3, b'ASCIIHexDecode': 4, b'AHx': 4, b'RunLengthDecode': 5, b'RL': 5,
           b'Crypt': 6, b'DCTDecode': 7, b'DCT': 7, b'JPXDecode': 8, b'JBIG2Decode': 9,
           b'CCITTFaxDecode': 10, b'CCF': 10}
PREDICTORS = {1: 0, 2: 1, 10: 2, 11: 3, 12: 4, 13: 5, 14: 6, 15: 7}
BPCS = {8: 0, 1: 1, 2: 2, 4: 3, 16: 4}
STREAM = re.compile(rb'obj\s*<<(.*?)>>\s*stream\r?\n', re.S)


def pdf_streams(data):
    """(dict bytes, raw stream bytes) of each stream, by /Length when direct, else endstream."""
    for m in STREAM.finditer(data):
        d, start = m.group(1), m.end()
        ln = re.search(rb'/Length\s+(\d+)(?!\s+\d+\s+R)', d)
        end = start + int(ln.group(1)) if ln else data.find(b'endstream', start)
        if end < start or end > len(data):
            end = data.find(b'endstream', start)
        if end > start:
            yield d, data[start:end]


def int_param(d, key, dflt):
    m = re.search(rb'/' + key + rb'\s+(\d+)', d)
    return int(m.group(1)) if m else dflt


def filter_header(d):
    m = re.search(rb'/Filter\s*(\[[^\]]*\]|/\w+)', d)
    names = re.findall(rb'/(\w+)', m.group(1))[:3] if m else []
    head = bytes([len(names)])
    for n in names:
        f = FILTERS.get(n, 0)
        p = PREDICTORS.get(int_param(d, b'Predictor', 1), 0)
        p |= 0x80 if int_param(d, b'EarlyChange', 1) else 0
        colors = max(1, min(4, int_param(d, b'Colors', 1)))
        q = (colors - 1) | (BPCS.get(int_param(d, b'BitsPerComponent', 8), 0) << 2)
        cols = max(0, min(255, int_param(d, b'Columns', 1)))
        head += bytes([f, p, q, cols])
    return head, names


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    alldirs = sorted(d for d in os.listdir(corpus)
                     if os.path.isdir(os.path.join(corpus, d)) and d != 'reference')
    zipdirs = ['docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub']

    # whole documents
    for t in ('open', 'detect'):
        copy(corpus, out, t, alldirs)
    copy(corpus, out, 'pdf', ['pdf'])
    copy(corpus, out, 'pdf', ['malformed'], ('.pdf',))
    for t, dirs, ext in (('docx', ['docx'], '.docx'), ('xlsx', ['xlsx'], '.xlsx'),
                         ('pptx', ['pptx'], '.pptx'), ('odf', ['odt', 'ods', 'odp'], '.od'),
                         ('epub', ['epub'], '.epub')):
        copy(corpus, out, t, dirs)
        for f in files(corpus, ['malformed']):
            if ext in os.path.basename(f).lower():
                copy_one(out, t, f)
    copy(corpus, out, 'zip', zipdirs + ['malformed'])
    copy(corpus, out, 'html', ['html'])
    copy(corpus, out, 'markdown', ['md'])
    copy(corpus, out, 'text', ['txt', 'csv', 'json', 'xml', 'eml', 'rtf'])
    copy(corpus, out, 'csv', ['csv'])
    copy(corpus, out, 'json', ['json'])
    copy(corpus, out, 'xmldoc', ['xml'])
    copy(corpus, out, 'rtf', ['rtf'])
    copy(corpus, out, 'rtf', ['malformed'], ('.rtf',))
    copy(corpus, out, 'eml', ['eml'])
    copy(corpus, out, 'xml', ['xml'])

    # package parts: XML parts, XHTML for the HTML target, raw DEFLATE entries
    nxml = ninfl = 0
    for f in files(corpus, zipdirs):
        base = os.path.basename(f)
        try:
            z = zipfile.ZipFile(f)
        except zipfile.BadZipFile:
            continue
        with open(f, 'rb') as fh:
            raw = fh.read()
        for i, info in enumerate(z.infolist()):
            n = info.filename.lower()
            try:
                body = z.read(info)
            except Exception:
                continue
            if len(body) > MAX_LEN:
                continue
            if n.endswith(('.xml', '.rels', '.opf', '.xhtml', '.ncx')) and nxml < 600:
                write(out, 'xml', '%s-%d' % (base, i), body)
                nxml += 1
            if n.endswith(('.xhtml', '.html', '.htm')):
                write(out, 'html', '%s-%d' % (base, i), body)
            if info.compress_type == zipfile.ZIP_DEFLATED and ninfl < 200:
                off = info.header_offset
                nlen = int.from_bytes(raw[off + 26:off + 28], 'little')
                xlen = int.from_bytes(raw[off + 28:off + 30], 'little')
                start = off + 30 + nlen + xlen
                write(out, 'inflate', 'zip-%s-%d' % (base, i),
                      bytes([0 | (63 << 2)]) + raw[start:start + info.compress_size])
                ninfl += 1

    # zlib in the three wrappers over a few corpus texts
    for k, f in enumerate(files(corpus, ['txt', 'html', 'xml', 'json'])):
        if k >= 24:
            break
        with open(f, 'rb') as fh:
            text = fh.read(65536)
        for wrap, wbits in ((0, -15), (1, 15), (2, 31)):
            c = zlib.compressobj(1 + (k % 9), zlib.DEFLATED, wbits)
            blob = c.compress(text) + c.flush()
            write(out, 'inflate', 'z%d-%d' % (wrap, k), bytes([wrap | ((k * 7 % 64) << 2)]) + blob)

    # PDF streams
    nfilt = nlex = ncmap = 0
    for f in files(corpus, ['pdf', 'malformed']):
        if not f.lower().endswith('.pdf'):
            continue
        base = os.path.basename(f)
        with open(f, 'rb') as fh:
            data = fh.read()
        if nlex < 150:
            write(out, 'pdf_lex', base, data[:65536])
            nlex += 1
        for i, (d, s) in enumerate(pdf_streams(data)):
            if len(s) > 256 * 1024:
                continue
            head, names = filter_header(d)
            if nfilt < 400 and not any(n in (b'DCTDecode', b'JPXDecode', b'DCT') for n in names):
                write(out, 'pdf_filters', '%s-%d' % (base, i), head + s)
                nfilt += 1
            if names == [b'FlateDecode']:
                if ninfl < 400:
                    write(out, 'inflate', 'pdf-%s-%d' % (base, i), bytes([1 | (63 << 2)]) + s)
                    ninfl += 1
                try:
                    plain = zlib.decompress(s)
                except zlib.error:
                    continue
            elif not names:
                plain = s
            else:
                continue
            if b'begincmap' in plain and ncmap < 200:
                write(out, 'pdf_cmap', '%s-%d' % (base, i), plain)
                ncmap += 1
            elif (b' Tj' in plain or b'TJ' in plain) and nlex < 600:
                write(out, 'pdf_lex', '%s-%d' % (base, i), plain[:MAX_LEN])
                nlex += 1
    cmaps = '/usr/share/poppler/cMap'
    if os.path.isdir(cmaps):
        picked = 0
        for root, _, names in sorted(os.walk(cmaps)):
            for name in sorted(names):
                p = os.path.join(root, name)
                keep = zlib.crc32(name.encode()) % 4 == 0 or 'UCS2' in name or root == cmaps
                if picked < 60 and os.path.getsize(p) <= 64 * 1024 and keep:
                    with open(p, 'rb') as fh:
                        write(out, 'pdf_cmap', 'poppler-' + name, fh.read())
                    picked += 1


def copy_one(out, target, f):
    with open(f, 'rb') as fh:
        write(out, target, os.path.basename(f), fh.read())


if __name__ == '__main__':
    main()
