"""What the tests share, imported as ``from helpers.X import ...`` (``tests/`` is on
``sys.path`` under pytest; tools/fuzz.py and the benchmarks put it there themselves).
No test module imports another, nor ``conftest`` (tests/test_architecture.py checks).

Modules: ``pages`` (the real AO3 pages under fixtures/pages, the one table of those that
hold a work, and their works parsed once), ``ao3_server`` (the loopback AO3 imitation),
``batch_runs`` (a batch run against it), ``flows`` (driving the fetcher's sans-IO flows),
``slots`` (the rate limiter's slots, for spacing tests), ``sample_works`` (small works the
writer tests share, with their options), ``strategies`` (hypothesis model strategies),
``any_model`` (models with any code point at all), ``epubcheck`` (one EPUBCheck session
for many books), ``kindle_rules`` (what Kindle's converter refuses), ``page_text`` and
``model_text`` (a page's visible words read independently of the parser, and the model's),
``names`` (what a portable file name is), ``hostile`` and ``hostile_net`` (broken and
hostile input, shared with tools/fuzz.py), ``golden`` (the golden files, and rewriting
them), ``front_matter`` (the Markdown front matter's keys), ``console`` (``python -m
ao3conv`` in a subprocess). Fixtures stay in ``conftest.py``.
"""
