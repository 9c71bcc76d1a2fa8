#!/usr/bin/python3
"""make_handmade.py: the small hand-made seeds under tests/fuzz/seeds/<target>/ (committed).

    tests/fuzz/seeds/make_handmade.py        (rewrites them in place; deterministic)

Each seed is a few hundred bytes at most and exercises one feature the corpus may lack: the
rarer PDF filters and CMap operators, XML namespaces/CDATA/UTF-16, a package of each Office
format reduced to the parts its handler needs. Written from the specs, not from pith.
"""
import io
import os
import zipfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    d = os.path.join(HERE, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode('utf-8')
    with open(os.path.join(d, name), 'wb') as fh:
        fh.write(data)


def package(parts, stored=()):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w') as z:
        for name, body in parts:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            z.writestr(info, body)
    return b.getvalue()


def raw_deflate(data, level=6):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def lzw_encode(data):
    """LZW as PDF writes it (§7.4.4.2): 9-12 bit codes, EarlyChange 1, clear first."""
    table = {bytes([i]): i for i in range(256)}
    nxt, width, out, acc, nbits = 258, 9, bytearray(), 0, 0

    def emit(code):
        nonlocal acc, nbits
        acc = (acc << width) | code
        nbits += width
        while nbits >= 8:
            nbits -= 8
            out.append((acc >> nbits) & 0xFF)

    emit(256)
    w = b''
    for c in data:
        wc = w + bytes([c])
        if wc in table:
            w = wc
            continue
        emit(table[w])
        table[wc] = nxt
        nxt += 1
        if nxt + 1 > (1 << width) and width < 12:
            width += 1
        w = bytes([c])
    if w:
        emit(table[w])
    emit(257)
    if nbits:
        out.append((acc << (8 - nbits)) & 0xFF)
    return bytes(out)


def main():
    text = b'Hello, pith! Hello, pith! The quick brown fox. ' * 3
    # inflate: byte 0 = wrapper (0 raw, 1 zlib, 2 gzip, 3 auto) | cap << 2
    put('inflate', 'stored-zlib', bytes([1 | 63 << 2]) + zlib.compress(text, 0))
    put('inflate', 'fixed-raw', bytes([0 | 63 << 2]) + raw_deflate(b'abcabcabc', 1))
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    put('inflate', 'dynamic-gzip', bytes([2 | 5 << 2]) + c.compress(text) + c.flush())
    put('inflate', 'auto-zlib', bytes([3 | 63 << 2]) + zlib.compress(text, 9))

    # zip
    put('zip', 'two-entries.zip', package([('a.txt', text), ('dir/b.xml', b'<a>b</a>')],
                                          stored=('a.txt',)))

    # xml
    put('xml', 'ns.xml', '<?xml version="1.0"?>\n<r xmlns="urn:a" xmlns:b="urn:b" b:x="1&amp;2">'
        '<b:c>t&lt;&#x41;&#66;</b:c><![CDATA[<raw>]]><e/><!-- c --><?pi x?></r>')
    put('xml', 'utf16.xml', '\ufeff<a x="\u00e9">\u4e2d</a>'.encode('utf-16-le'))
    put('xml', 'latin1.xml', '<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\u00e9</a>'.encode('latin-1'))
    put('xml', 'doctype.xml', '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;&unknown;</a>')

    # pdf_filters: n, then per step filter, predictor|early<<7, colors-1|bpc<<2, columns
    put('pdf_filters', 'ahx', bytes([1, 4, 0, 0, 1]) + b'48656C6C6F 2c20 70697468>')
    put('pdf_filters', 'a85', bytes([1, 3, 0, 0, 1]) + b'87cURD]i,"Ebo80~>')
    put('pdf_filters', 'rl', bytes([1, 5, 0, 0, 1]) + bytes([4]) + b'Hello' + bytes([254]) + b'!' + bytes([128]))
    put('pdf_filters', 'lzw', bytes([1, 2, 0x80, 0, 1]) + lzw_encode(text))
    # Flate with the PNG Up predictor over 4 columns, then ASCIIHex on top
    rows = b''.join(bytes([2]) + bytes([i, i + 1, i + 2, i + 3]) for i in range(0, 40, 4))
    put('pdf_filters', 'ahx-flate-png', bytes([2, 4, 0, 0, 1, 1, 4, 0, 4]) +
        zlib.compress(rows).hex().encode() + b'>')
    put('pdf_filters', 'flate-tiff', bytes([1, 1, 1, 2, 3]) + zlib.compress(bytes(range(48))))

    # pdf_lex: a content stream with every object kind
    put('pdf_lex', 'content', b'BT /F1 12 Tf 1 0 0 1 72 712 Tm (Hello \\(pith\\)\\n\\101) Tj '
        b'[(W) -250.5 (orld) .5 -.25] TJ <48656c6c6f> Tj T* ET q 1 0 0 1 0 0 cm '
        b'/Span <</ActualText (x) /MCID 3>> BDC EMC BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q '
        b'% comment\n/Name#20x true false null [1 [2 [3]]] << /K << /L 1 >> >> d0')
    put('pdf_lex', 'objects', b'1 0 obj << /Type /Page /Parent 2 0 R /Kids [3 0 R 4 0 R] >> endobj '
        b'trailer << /Size 5 /Root 1 0 R >> startxref 123 %%EOF')

    # pdf_cmap: every operator of a CMap program (Adobe TN 5014, 5099)
    put('pdf_cmap', 'tounicode', b'/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n'
        b'/CMapName /X def /WMode 1 def /UseCMap /Identity-H usecmap\n'
        b'2 begincodespacerange <00> <7F> <8000> <FFFF> endcodespacerange\n'
        b'2 beginbfchar <41> <0041> <8001> <D83DDE00> endbfchar\n'
        b'2 beginbfrange <42> <44> <0062> <8100> <8102> [<0066006C> <0066> <00660066>] endbfrange\n'
        b'1 begincidrange <8200> <82FF> 100 endcidrange 1 begincidchar <45> 7 endcidchar\n'
        b'1 beginnotdefrange <00> <1F> 1 endnotdefrange\n'
        b'endcmap CMapName currentdict /CMap defineresource pop end end\n%%\n'
        b'1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfchar <41> <005A> endbfchar')

    # pdf: a one-page document with a font and a ToUnicode CMap, offsets computed
    cmap = (b'1 begincodespacerange <00> <FF> endcodespacerange '
            b'1 beginbfrange <20> <7E> <0020> endbfrange')
    content = b'BT /F1 24 Tf 72 700 Td (Hello, pith) Tj 0 -30 Td [(Wor) 120 (ld)] TJ ET'
    objs = [b'<< /Type /Catalog /Pages 2 0 R >>',
            b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
            b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R '
            b'/Resources << /Font << /F1 5 0 R >> >> >>',
            b'<< /Length %d >>\nstream\n' % len(content) + content + b'\nendstream',
            b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>',
            b'<< /Length %d /Filter /FlateDecode >>\nstream\n' % len(zlib.compress(cmap)) +
            zlib.compress(cmap) + b'\nendstream',
            b'<< /Title (Seed) /Producer (hand) >>']
    pdf = b'%PDF-1.4\n'
    offs = []
    for i, o in enumerate(objs):
        offs.append(len(pdf))
        pdf += b'%d 0 obj\n' % (i + 1) + o + b'\nendobj\n'
    x = len(pdf)
    pdf += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    pdf += b''.join(b'%010d 00000 n \n' % o for o in offs)
    pdf += b'trailer\n<< /Size %d /Root 1 0 R /Info 7 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, x)
    put('pdf', 'hello.pdf', pdf)

    # Office packages, reduced to what each handler reads
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>{}</Types>')
    rel = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
           '{}</Relationships>')
    R = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
    put('docx', 'min.docx', package([
        ('[Content_Types].xml', ct.format('<Override PartName="/word/document.xml" ContentType="application/'
                                          'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>')),
        ('_rels/.rels', rel.format('<Relationship Id="r1" Type="%s/officeDocument" Target="word/document.xml"/>' % R)),
        ('word/document.xml', '<w:document xmlns:w="%s"><w:body><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
         '<w:r><w:t>Title</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">Hello </w:t><w:tab/>'
         '<w:t>pith</w:t></w:r></w:p><w:tbl><w:tr><w:tc><w:p><w:r><w:t>a</w:t></w:r></w:p></w:tc>'
         '</w:tr></w:tbl></w:body></w:document>' % W)]))
    S = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
    put('xlsx', 'min.xlsx', package([
        ('[Content_Types].xml', ct.format('<Override PartName="/xl/workbook.xml" ContentType="application/'
                                          'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>')),
        ('_rels/.rels', rel.format('<Relationship Id="r1" Type="%s/officeDocument" Target="xl/workbook.xml"/>' % R)),
        ('xl/workbook.xml', '<workbook xmlns="%s" xmlns:r="%s"><sheets><sheet name="S1" sheetId="1" r:id="r1"/>'
         '</sheets></workbook>' % (S, R)),
        ('xl/_rels/workbook.xml.rels', rel.format(
            '<Relationship Id="r1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="r2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % (R, R))),
        ('xl/sharedStrings.xml', '<sst xmlns="%s"><si><t>Hello</t></si><si><r><t>pi</t></r><r><t>th</t></r></si></sst>' % S),
        ('xl/worksheets/sheet1.xml', '<worksheet xmlns="%s"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c>'
         '<c r="B1" t="s"><v>1</v></c><c r="C1"><v>3.5</v></c><c r="D1" t="inlineStr"><is><t>x</t></is></c>'
         '</row><row r="3"><c r="B3" t="b"><v>1</v></c></row></sheetData></worksheet>' % S)]))
    P = 'http://schemas.openxmlformats.org/presentationml/2006/main'
    A = 'http://schemas.openxmlformats.org/drawingml/2006/main'
    put('pptx', 'min.pptx', package([
        ('[Content_Types].xml', ct.format('<Override PartName="/ppt/presentation.xml" ContentType="application/'
                                          'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>')),
        ('_rels/.rels', rel.format('<Relationship Id="r1" Type="%s/officeDocument" Target="ppt/presentation.xml"/>' % R)),
        ('ppt/presentation.xml', '<p:presentation xmlns:p="%s" xmlns:r="%s"><p:sldIdLst><p:sldId id="256" r:id="r1"/>'
         '</p:sldIdLst></p:presentation>' % (P, R)),
        ('ppt/_rels/presentation.xml.rels', rel.format(
            '<Relationship Id="r1" Type="%s/slide" Target="slides/slide1.xml"/>' % R)),
        ('ppt/slides/slide1.xml', '<p:sld xmlns:p="%s" xmlns:a="%s"><p:cSld><p:spTree><p:sp><p:nvSpPr><p:nvPr>'
         '<p:ph type="title"/></p:nvPr></p:nvSpPr><p:txBody><a:p><a:r><a:t>Slide title</a:t></a:r></a:p>'
         '</p:txBody></p:sp><p:sp><p:txBody><a:p><a:pPr lvl="1"/><a:r><a:t>Bullet</a:t></a:r></a:p></p:txBody>'
         '</p:sp></p:spTree></p:cSld></p:sld>' % (P, A))]))
    O = 'urn:oasis:names:tc:opendocument:xmlns:office:1.0'
    T = 'urn:oasis:names:tc:opendocument:xmlns:text:1.0'
    TB = 'urn:oasis:names:tc:opendocument:xmlns:table:1.0'
    put('odf', 'min.odt', package([
        ('mimetype', 'application/vnd.oasis.opendocument.text'),
        ('META-INF/manifest.xml', '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
         '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
         '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'),
        ('content.xml', '<office:document-content xmlns:office="%s" xmlns:text="%s" xmlns:table="%s"><office:body>'
         '<office:text><text:h text:outline-level="1">Title</text:h><text:p>Hello<text:s text:c="3"/>pith'
         '<text:tab/><text:line-break/></text:p><text:list><text:list-item><text:p>item</text:p></text:list-item>'
         '</text:list><table:table table:name="T"><table:table-row><table:table-cell><text:p>c</text:p>'
         '</table:table-cell></table:table-row></table:table></office:text></office:body></office:document-content>'
         % (O, T, TB))], stored=('mimetype',)))
    put('epub', 'min.epub', package([
        ('mimetype', 'application/epub+zip'),
        ('META-INF/container.xml', '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">'
         '<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
         '</rootfiles></container>'),
        ('OEBPS/content.opf', '<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata '
         'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Seed</dc:title></metadata><manifest>'
         '<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/></manifest><spine>'
         '<itemref idref="c1"/></spine></package>'),
        ('OEBPS/c1.xhtml', '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>C1</title></head><body>'
         '<h1>Chapter</h1><p>Hello <em>pith</em></p></body></html>')], stored=('mimetype',)))

    # text family
    put('html', 'min.html', '<!DOCTYPE html><meta charset=windows-1252><title>T</title><h1>H</h1><p>a&amp;b &eacute;'
        '<table><tr><td>1<td>2</table><ul><li>x<li>y</ul><pre>  pre\n</pre><script>x</script><br>')
    # list numbering: reversed lists counted ahead (nested, unclosed, a script's "<li>"), values
    put('html', 'lists.html', '<ol reversed><li>a<ol reversed start=x><li>b<ul><li>c</ol>'
        '<li value=-3>d<script>"<li>"</script></ol><ol start=" +7"><li>e<li value=2>f</ol>'
        '<ol reversed><li>g<table><tr><td colspan=" 2x"><li>h')
    # row spans: a header of two rows, rowspan=0 to the end of its group, a nested table
    put('html', 'rowspan.html', '<table><thead><tr><th rowspan=2>R<th colspan=2>S<th rowspan=2>T'
        '<tr><th>a<th>b<tbody><tr><td rowspan=0>x<td>1<tr><td>2<td><table><tr><td rowspan=3>i'
        '<td>j<tr><td>k</table><tfoot><tr><td rowspan=" 99x">f</table>')
    put('markdown', 'min.md', '---\ntitle: T\n---\n# H\n\nPara *em* **strong** `code` [l](u) ![i](s)\n\n'
        '- a\n  - b\n1. c\n\n> q\n\n```c\nx\n```\n\n| a | b |\n|---|:-:|\n| 1 | 2 |\n\n<div>h</div>\n')
    put('text', 'utf16.txt', '\ufeffHello\r\npith \u00e9\u4e2d\n\npara\n'.encode('utf-16-le'))
    put('text', 'cp1252.txt', 'caf\u00e9 \u201cquoted\u201d\n'.encode('cp1252'))
    put('csv', 'min.csv', 'a,b,"c ""q"""\n1,"multi\nline",3\n;x;y\n')
    put('csv', 'min.tsv', 'a\tb\n1\t2\n')


if __name__ == '__main__':
    main()
