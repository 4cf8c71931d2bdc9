"""The long fuzz run: ao3conv's parser and every writer against broken and hostile input.

    python tools/fuzz.py                      # 10,000 cases, seed 0, 2 worker processes
    python tools/fuzz.py --cases 50000 --seed 7 --workers 4 --save /tmp/fuzz-failures

Each case is one input, made deterministically from ``(seed, case number)``:

- 80 % a real page of ``tests/fixtures/pages`` mutated one to three times (truncated,
  spliced, tags dropped/duplicated/moved, bytes flipped, nested 10,000 deep, huge
  attributes and text nodes, many elements, NULs and control characters, lone
  surrogates in references, wrong/missing/conflicting charsets, UTF-16/32, cp1252
  labelled as UTF-8, hostile markup, broken numbers and dates, numbers past 4,300
  digits, links urllib cannot split (``http://[``), charsets that are no text codec
  (``undefined``, ``rot13``), language codes that are no BCP 47 tag (``i``, ``en-12``),
  unbroken titles of 255 to 10,000 characters: ``tests/helpers/hostile.py``);
- 8 % a random AO3-shaped page (random metadata, random tag soup as text);
- 7 % a real work page with hostile content in every region a stranger controls
  (its outputs are also scanned: nothing active or remote may come out);
- 5 % ao3conv's own JSON of a real work, mutated (the model read back from a file);
- and every ``NET_EVERY``-th case instead a network-side input (``tests/helpers/hostile_net.py``):
  a reading-list line or argument, a work reference, a base URL, a listing page, a
  cookies.txt line, a Retry-After value, a redirect's Location, a compressed body or a
  page-cache header, built from brackets, odd digits, 5,000-digit numbers, odd schemes
  and ports, controls and surrogates.

The input is parsed; only ``ao3conv.errors.Ao3convError`` (with a one-line message) may
come out. A work that parses is named (as ``convert`` and ``batch`` would) and written
by every writer (txt, txt wrapped, md, md without HTML, split md, json, epub with the
work skin; every 50th case also with a generated cover), none of which may raise. A
case that takes longer than ``--timeout`` seconds is a failure too (a denial of
service). Prints the number of cases, of refused inputs by error type, of failures
(uncaught exceptions, timeouts, hostile output), and the time; exits 1 if anything
failed. ``--save DIR`` keeps each failing input for replay with ``--replay FILE``.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import os
import random
import signal
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from helpers import hostile, hostile_net  # noqa: E402  (in tests/, shared with the suite)

NET_EVERY = 10  # one case in ten is a network-side input

_corpus: list[tuple[str, bytes]] = []
_works: list[tuple[str, bytes]] = []  # (name, page) of pages that parse to a work
_json: list[tuple[str, bytes]] = []  # (name, model JSON) of those works


class CaseTimeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise CaseTimeout


def _setup() -> None:
    """Per worker: read the corpus once, find the work pages, make their JSON."""
    import ao3conv

    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, _on_alarm)
    _corpus[:] = hostile.corpus()
    for name, data in _corpus:
        try:
            work = ao3conv.parse(data)
        except ao3conv.Ao3convError:
            continue
        _works.append((name, data))
        _json.append((name, work.to_json().encode()))


def make_case(seed: int, number: int) -> tuple[str, bytes, bool]:
    """``(description, input bytes, scan outputs)`` of case ``number``."""
    rng = random.Random(f"{seed}:{number}")
    roll = rng.random()
    if roll < 0.80:
        name, data = rng.choice(_corpus)
        page, how = hostile.mutate(rng, data, rng.choice(_corpus)[1])
        return f"{name} {'+'.join(how)}", page, False
    if roll < 0.88:
        return "generated page", hostile.random_page(rng), False
    if roll < 0.95:
        name, data = rng.choice(_works)
        page, _found = hostile.hostile_page(data)
        if rng.random() < 0.3:  # and broken on top
            page, how = hostile.mutate(rng, page, rng.choice(_corpus)[1])
            return f"hostile {name} {'+'.join(how)}", page, False
        return f"hostile {name}", page, True
    name, data = rng.choice(_json)
    mutated, how = _mutate_json(rng, data)
    return f"json {name} {how}", mutated, False


def _mutate_json(rng: random.Random, data: bytes) -> tuple[bytes, str]:
    """Structure-aware: change a value's type, drop or add a key, nest deeply; or bytes."""
    state = rng
    payload = json.loads(data)
    kind = state.randrange(6)
    if kind == 0:
        return hostile.flip_bytes(state, data, b""), "bytes"
    if kind == 1:
        return data[: state.randrange(len(data))], "truncated"
    nodes: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            nodes.append(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload)
    for _ in range(state.randint(1, 5)):
        node = state.choice(nodes)
        key = state.choice(list(node) or ["x"])
        if kind == 2:
            node[key] = state.choice([None, 0, -1, 2**70, "", "x", [], {}, True, 1.5, "\ud800",
                                      [None], {"t": "Nope"}, "2020-02-30", "\x1b[31m"])
        elif kind == 3:
            node.pop(key, None)
        elif kind == 4:
            node[state.choice(["t", "extra", "children", "text", "level", "href"])] = state.choice(
                ["Text", "Paragraph", 7, "javascript:alert(1)", [{"t": "Text", "text": "x"}]])
        else:
            deep: Any = {"t": "Text", "text": "deep"}
            for _ in range(state.choice((50, 500, 5000))):
                deep = {"t": "Emphasis", "children": [deep]}
            node[key] = [{"t": "Paragraph", "children": [deep]}]
    try:
        text = json.dumps(payload, ensure_ascii=False)
    except (RecursionError, ValueError):
        return data, "unchanged"
    return text.encode("utf-8", "surrogatepass"), f"model-{kind}"


def run_case(seed: int, number: int, timeout: float, cover_every: int) -> dict[str, Any]:
    import ao3conv

    if number % NET_EVERY == NET_EVERY - 1:
        return _run_net_case(seed, number, timeout)
    description, data, scan = make_case(seed, number)
    result: dict[str, Any] = {"case": number, "what": description}
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        try:
            work = ao3conv.parse(data)
        except ao3conv.Ao3convError as error:
            message = str(error)
            if not message.strip() or "\n" in message:
                result["failure"] = f"unclear message from {type(error).__name__}: {message!r}"
            result["refused"] = type(error).__name__
            return result
        outputs = hostile.exercise_writers(work, random.Random(number),
                                           cover=cover_every > 0 and number % cover_every == 0)
        _names(work)
        result["parsed"] = True
        if scan:
            problems = _scan(outputs, work)
            if problems:
                result["failure"] = "hostile output: " + "; ".join(problems[:5])
    except CaseTimeout:
        result["failure"] = f"took longer than {timeout:g} s"
    except RecursionError as error:  # before Exception: the traceback itself would recurse
        result["failure"] = f"uncaught RecursionError: {error}"
    except Exception as error:
        tb = traceback.format_exc(limit=-4)
        result["failure"] = f"uncaught {type(error).__name__}: {error}\n{tb}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return result


def _names(work: Any) -> None:
    """The file names ``convert`` and ``batch`` would give the work (titles of any length)."""
    from ao3conv.batch import DEFAULT_TEMPLATE, render_name, work_fields
    from ao3conv.output import default_filename

    default_filename(work, "epub")
    render_name("{fandom}/{series}/{series_position:02d} - " + DEFAULT_TEMPLATE,
                work_fields(work), "md")


def _run_net_case(seed: int, number: int, timeout: float) -> dict[str, Any]:
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        description, failure = hostile_net.run_case(seed, number)
    except CaseTimeout:
        description, failure = "net", f"took longer than {timeout:g} s"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    result: dict[str, Any] = {"case": number, "what": description, "net": True}
    if failure:
        result["failure"] = failure
    return result


def _scan(outputs: dict[str, bytes], work: Any) -> list[str]:
    from ao3conv.model import image_sources

    images = image_sources(work)  # the work's own: Markdown keeps them as image links
    problems: list[str] = []
    for label, data in outputs.items():
        if label.startswith("epub"):
            problems += hostile.epub_problems(data)
        elif label.startswith("md"):
            problems += hostile.markdown_problems(data, images)
        elif label.startswith("txt"):
            problems += hostile.text_problems(data)
    return problems


def _work_on(args: tuple[int, int, float, int]) -> dict[str, Any]:
    return run_case(*args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0, help="same seed, same cases")
    parser.add_argument("--start", type=int, default=0, help="first case number")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per case")
    parser.add_argument("--cover-every", type=int, default=50)
    parser.add_argument("--save", type=Path, help="keep failing inputs in this folder")
    parser.add_argument("--replay", type=Path, help="run one saved input and show the error")
    args = parser.parse_args(argv)
    if args.replay:
        return _replay(args.replay)

    started = time.perf_counter()
    jobs = [(args.seed, n, args.timeout, args.cover_every)
            for n in range(args.start, args.start + args.cases)]
    counts: collections.Counter[str] = collections.Counter()
    failures: list[dict[str, Any]] = []
    if args.workers > 1:
        with multiprocessing.get_context("fork").Pool(args.workers, _setup,
                                                      maxtasksperchild=500) as pool:
            results = pool.imap_unordered(_work_on, jobs, chunksize=8)
            _collect(results, counts, failures, args, started)
    else:
        _setup()
        _collect(map(_work_on, jobs), counts, failures, args, started)
    elapsed = time.perf_counter() - started

    print(f"\ncases: {sum(counts[k] for k in ('parsed', 'refused', 'net', 'failed')):,}  "
          f"(seed {args.seed}, cases {args.start}..{args.start + args.cases - 1}, "
          f"{args.workers} worker(s))")
    print(f"parsed and written by every writer: {counts['parsed']:,}")
    print(f"refused with an ao3conv error: {counts['refused']:,}")
    for name, count in sorted(((k[8:], v) for k, v in counts.items() if k.startswith("refused:")),
                              key=lambda kv: -kv[1]):
        print(f"    {name}: {count:,}")
    print(f"network-side inputs (lists, URLs, cookies, bodies...) handled: {counts['net']:,}")
    print(f"uncaught exceptions, timeouts or hostile output: {len(failures)}")
    for failure in failures[:20]:
        print(f"  case {failure['case']} ({failure['what']}): {failure['failure']}")
    print(f"time: {elapsed:.1f} s ({elapsed / max(len(jobs), 1) * 1000:.1f} ms a case)")
    return 1 if failures else 0


def _collect(results: Any, counts: collections.Counter[str], failures: list[dict[str, Any]],
             args: argparse.Namespace, started: float) -> None:
    for done, result in enumerate(results, 1):
        if "failure" in result:
            counts["failed"] += 1
            failures.append(result)
            print(f"FAIL case {result['case']} ({result['what']}): "
                  f"{result['failure'].splitlines()[0]}", flush=True)
            if args.save:
                _save(args, result)
        elif result.get("parsed"):
            counts["parsed"] += 1
        elif result.get("net"):
            counts["net"] += 1
        else:
            counts["refused"] += 1
            counts[f"refused:{result['refused']}"] += 1
        if done % 1000 == 0:
            print(f"{done:,} cases, {len(failures)} failures, "
                  f"{time.perf_counter() - started:.0f} s", flush=True)


def _save(args: argparse.Namespace, result: dict[str, Any]) -> None:
    if not _corpus:
        _setup()
    args.save.mkdir(parents=True, exist_ok=True)
    if result.get("net"):  # rebuilt by hostile_net.run_case(seed, case), not a page
        (args.save / f"case-{args.seed}-{result['case']}.txt").write_text(
            f"{result['what']} (hostile_net.run_case({args.seed}, {result['case']}))\n"
            f"{result['failure']}\n")
        return
    _what, data, _scan_it = make_case(args.seed, result["case"])
    (args.save / f"case-{args.seed}-{result['case']}.input").write_bytes(data)
    (args.save / f"case-{args.seed}-{result['case']}.txt").write_text(
        f"{result['what']}\n{result['failure']}\n")


def _replay(path: Path) -> int:
    import ao3conv

    warnings.simplefilter("ignore")
    data = path.read_bytes()
    try:
        work = ao3conv.parse(data)
    except ao3conv.Ao3convError as error:
        print(f"refused: {type(error).__name__}: {error}")
        return 0
    hostile.exercise_writers(work, random.Random(0), cover=True)
    print(f"parsed and written: {work.title!r}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
