"""What Amazon's "Send to Kindle" rejects an EPUB for, beyond what EPUBCheck checks.

``kindle_problems(epub)`` lists every breach of these rules in a book:

- every XHTML file declares UTF-8 in its XML declaration;
- ``dc:language`` is a language Amazon accepts (``KINDLE_LANGUAGES``);
- no link (in a page, the nav, the NCX or the OPF guide) points at a ``<body>`` id;
- no ``<img>`` without a ``src``;
- the NCX lists its documents in spine order, each of them in the spine.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from urllib.parse import unquote, urldefrag

from lxml import etree

from ao3conv.writers._epub_meta import KINDLE_LANGUAGES

OPF_NS = {"o": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
NCX_NS = {"n": "http://www.daisy.org/z3986/2005/ncx/"}
XHTML_NS = {"h": "http://www.w3.org/1999/xhtml"}
UTF8_DECLARATION = re.compile(rb"""\A<\?xml[^>]*\sencoding=["']utf-8["'][^>]*\?>""", re.I)


def kindle_problems(epub: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(epub)) as book:
        files = {name: book.read(name) for name in book.namelist()}
    container = etree.fromstring(files["META-INF/container.xml"])
    opf_path = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
    opf = etree.fromstring(files[opf_path])
    base = posixpath.dirname(opf_path)

    def resolve(href: str, start: str) -> tuple[str, str]:
        path, fragment = urldefrag(href)
        if not path:
            return start, fragment
        return posixpath.normpath(posixpath.join(posixpath.dirname(start), unquote(path))), \
            fragment

    items = {i.get("id"): posixpath.join(base, i.get("href"))
             for i in opf.xpath("//o:manifest/o:item", namespaces=OPF_NS)}
    pages = [posixpath.join(base, i.get("href")) for i in opf.xpath(
        "//o:manifest/o:item[@media-type='application/xhtml+xml']", namespaces=OPF_NS)]
    problems: list[str] = []
    for language in opf.xpath("//dc:language/text()", namespaces=OPF_NS):
        if language.split("-")[0].lower() not in KINDLE_LANGUAGES:
            problems.append(f"dc:language {language!r} is not one Amazon accepts")
    trees = {}
    for page in pages:
        if not UTF8_DECLARATION.match(files[page]):
            problems.append(f"{page} does not declare UTF-8 in an XML declaration")
        trees[page] = etree.fromstring(files[page])
    body_ids = {(page, tree.xpath("/h:html/h:body/@id", namespaces=XHTML_NS)[0])
                for page, tree in trees.items()
                if tree.xpath("/h:html/h:body/@id", namespaces=XHTML_NS)}
    links: list[tuple[str, str]] = []
    for page, tree in trees.items():
        links += [(page, href) for href in tree.xpath("//h:a/@href", namespaces=XHTML_NS)]
        for img in tree.xpath("//h:img", namespaces=XHTML_NS):
            if not (img.get("src") or "").strip():
                problems.append(f"{page} has an <img> without src")
    ncx_id = opf.xpath("//o:spine/@toc", namespaces=OPF_NS)
    ncx_path = items[ncx_id[0]] if ncx_id else None
    ncx_targets: list[str] = []
    if ncx_path:
        ncx = etree.fromstring(files[ncx_path])
        for src in ncx.xpath("//n:navPoint/n:content/@src", namespaces=NCX_NS):
            links.append((ncx_path, src))
            ncx_targets.append(resolve(src, ncx_path)[0])
    links += [(opf_path, href) for href in opf.xpath("//o:guide/o:reference/@href",
                                                     namespaces=OPF_NS)]
    for start, href in links:
        if "://" in href or href.startswith("mailto:"):
            continue
        target = resolve(href, start)
        if target in body_ids:
            problems.append(f"{start} links to the <body> id in {href}")
    spine = [items[i] for i in opf.xpath("//o:spine/o:itemref/@idref", namespaces=OPF_NS)]
    positions = [spine.index(t) if t in spine else -1 for t in ncx_targets]
    if -1 in positions:
        problems.append("the NCX lists a document that is not in the spine")
    elif positions != sorted(positions):
        problems.append(f"the NCX order {ncx_targets} is not the spine order {spine}")
    return problems
