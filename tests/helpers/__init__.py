"""What the tests share, imported as ``from helpers.X import ...`` (``tests/`` is on
``sys.path`` under pytest; tools/fuzz.py and the benchmarks put it there themselves).

Modules: ``pages`` (the real AO3 pages under fixtures/pages and the one table of those
that hold a work), ``ao3_server`` (the loopback AO3 imitation), ``slots`` (the rate
limiter's slots, for spacing tests), ``epubcheck`` (one EPUBCheck session for many
books), ``kindle_rules`` (what Kindle's converter refuses), ``page_text`` (the visible
text of a page, read independently of the parser), ``strategies`` (hypothesis model
strategies), ``hostile`` and ``hostile_net`` (broken and hostile input, shared with
tools/fuzz.py). Fixtures stay in ``conftest.py``.
"""
