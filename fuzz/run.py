"""A mutation fuzzer for kouka's readers: seeds from the real example and the test fixtures, mutated
(byte flips, truncation, duplication, splicing, encodings), fed to a reader; any exception other than
kouka's documented errors (``KoukaError``), or one without a message, is a failure and is saved.

    python fuzz/run.py --target json --count 1000000 --jobs 2

Targets: ``json`` (the interchange loader) and ``import`` (every importer through
``kouka.importers.import_bytes``: format detection for most inputs, a forced ``--format`` for the rest).
The ``import`` seeds are the seed text, the fixtures, and kouka's HTML, Excel and PDF renderings of the
example plus the fixtures' national-form workbook and PDF (rendered once per worker process), and the hostile
shapes of issue 12.3 (``tests/support/hostile_files.py``). An input
that takes longer than ``--slow`` seconds of CPU time counts as a failure too.
"""

import argparse
import functools
import hashlib
import logging
import multiprocessing
import random
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from kouka.domain.errors import KoukaError

ROOT = Path(__file__).resolve().parent.parent
Reader = Callable[[bytes], object]


def json_reader(data: bytes) -> object:
    from kouka import interchange

    return interchange.load_bytes(data, source="fuzz")


IMPORT_FORMATS = ("auto",) * 6 + ("text", "html", "xlsx", "pdf")


def import_reader(data: bytes) -> object:
    from kouka.importers import import_bytes

    # The format follows from the input itself, so a saved crash file reproduces it.
    return import_bytes(data, "fuzz-input", IMPORT_FORMATS[len(data) % len(IMPORT_FORMATS)])


@functools.cache
def rendered_seeds() -> tuple[list[bytes], list[bytes]]:
    """(documents, PDFs): kouka's renderings of the examples and the fixtures' generated workbook and PDF."""
    import importlib.util
    import tempfile

    from weasyprint import HTML

    from kouka import interchange
    from kouka.render.html import render_page
    from kouka.render.pdf import render_pdf
    from kouka.render.xlsx import render_xlsx

    documents: list[bytes] = []
    pdfs: list[bytes] = []
    for path in sorted(ROOT.glob("examples/*.json")):
        for report in interchange.load(path).reports:
            documents += [render_page(report).encode("utf-8"), render_xlsx(report)]
            pdfs.append(render_pdf(report))
    fixtures = ROOT / "tests" / "fixtures" / "import"
    spec = importlib.util.spec_from_file_location("national_form", fixtures / "national_form.py")
    if spec is not None and spec.loader is not None:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        with tempfile.TemporaryDirectory() as folder:
            documents.append(module.build(Path(folder) / "national.xlsx").read_bytes())
    for source in sorted(fixtures.glob("*-pdf-source.html")):
        pdfs.append(HTML(filename=str(source)).write_pdf())
    hostile = hostile_seeds()
    return documents + hostile[0], pdfs + hostile[1]


def hostile_seeds() -> tuple[list[bytes], list[bytes]]:
    """(documents, PDFs): the shapes of issue 12.3's hostile files, at sizes a fuzzer can mutate quickly (a merged
    range over the whole sheet, digits after 事業費：, runs of ：)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hostile_files", ROOT / "tests" / "support" / "hostile_files.py")
    if spec is None or spec.loader is None:
        return [], []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # The PDF bombs are left out: a mutant just under a limit (190,000 text objects, 1,900 pages) is legal and
    # takes pdfminer seconds in this process, where kouka runs it under import_bounded's CPU limit.
    return [module.merged_whole_sheet(), module.digits_after_cost(4_000), module.colons(2_000)], []


TARGETS: dict[str, tuple[Reader, tuple[str, ...]]] = {
    "json": (json_reader, ("examples/*.json", "tests/fixtures/**/*.json")),
    "import": (import_reader, ("tests/fixtures/import/**/*", "tests/fixtures/seed/*.txt",
                               "fuzz/corpus/flatform/*.txt")),  # the flattened national forms the tests write
}
# Share of the import inputs mutated from a PDF: a PDF takes ~20x as long as a text to read.
PDF_SHARE = 0.03


def seeds(patterns: tuple[str, ...]) -> list[bytes]:
    found = [path.read_bytes() for pattern in patterns for path in sorted(ROOT.glob(pattern)) if path.is_file()]
    if not found:
        raise SystemExit(f"no seed files for {patterns}")
    return found


def corpus_for(target: str) -> tuple[list[bytes], list[float]]:
    """The seeds of a target and the weight of each when one is picked to mutate."""
    found = seeds(TARGETS[target][1])
    if target != "import":
        return found, [1.0] * len(found)
    documents, pdfs = rendered_seeds()
    others = found + documents
    return others + pdfs, [(1 - PDF_SHARE) / len(others)] * len(others) + [PDF_SHARE / len(pdfs)] * len(pdfs)


def mutate(rng: random.Random, corpus: list[bytes], weights: list[float] | None = None) -> bytes:
    data = bytearray(rng.choices(corpus, weights)[0] if weights else rng.choice(corpus))
    for _ in range(rng.randint(1, 4)):
        choice = rng.randrange(8)
        if not data:
            data = bytearray(rng.randbytes(rng.randint(0, 64)))
        elif choice == 0:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif choice == 1:
            del data[rng.randrange(len(data)):]
        elif choice == 2:
            start = rng.randrange(len(data))
            data[start:start] = data[start:start + rng.randint(1, 200)]
        elif choice == 3:
            other = rng.choice(corpus)
            cut = rng.randrange(len(other) + 1)
            data[rng.randrange(len(data)):] = other[cut:]
        elif choice == 4:
            lines = bytes(data).split(b"\n")
            rng.shuffle(lines)
            data = bytearray(b"\n".join(lines))
        elif choice == 5:
            text = bytes(data).decode("utf-8", "replace")
            data = bytearray(text.encode(rng.choice(["cp932", "euc_jp", "utf-16", "utf-8-sig"]), "replace"))
        elif choice == 6:
            start = rng.randrange(len(data))
            del data[start:start + rng.randint(1, 50)]
        else:
            start = rng.randrange(len(data))
            data[start:start] = rng.choice([b"\x00", b"\xff\xfe", b"{", b"]", b"\t", b"<td>", b"\xe4\xb8", b"-1"])
    return bytes(data)


def worker(args: tuple[str, int, int, str, float]) -> tuple[int, int, list[str], float]:
    target, count, seed, crash_dir, slow = args
    reader = TARGETS[target][0]
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings about damaged PDFs, a million times
    corpus, weights = corpus_for(target)
    rng = random.Random(seed)
    accepted = refused = 0
    failures: list[str] = []
    slowest = 0.0
    for index in range(count):
        data = mutate(rng, corpus, weights) if index % 50 else rng.randbytes(rng.randint(0, 512))
        started = time.process_time()  # this process's CPU time: the other work on the machine does not count
        try:
            reader(data)
            accepted += 1
        except KoukaError as error:
            if not str(error).strip():
                failures.append(save_crash(crash_dir, data, "KoukaError without a message"))
            refused += 1
        except Exception:  # anything else is exactly what the fuzzer hunts
            failures.append(save_crash(crash_dir, data, traceback.format_exc()))
        took = time.process_time() - started
        slowest = max(slowest, took)
        if took > slow:
            failures.append(save_crash(crash_dir, data, f"took {took:.2f} s (limit {slow} s)"))
    return accepted, refused, failures, slowest


def save_crash(crash_dir: str, data: bytes, report: str) -> str:
    directory = Path(crash_dir)
    directory.mkdir(parents=True, exist_ok=True)
    name = f"crash-{hashlib.sha256(data).hexdigest()[:16]}"
    (directory / f"{name}.bin").write_bytes(data)
    (directory / f"{name}.txt").write_text(report, encoding="utf-8")
    return name


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", choices=sorted(TARGETS), default="json")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--crash-dir", default="fuzz/crashes")
    parser.add_argument("--slow", type=float, default=2.0, help="CPU seconds one input may take")
    options = parser.parse_args()
    chunk = 10_000
    tasks = [(options.target, min(chunk, options.count - start), options.seed * 1_000_003 + start,
              options.crash_dir, options.slow) for start in range(0, options.count, chunk)]
    started = time.monotonic()
    accepted = refused = 0
    slowest = 0.0
    failures: list[str] = []
    with multiprocessing.Pool(options.jobs) as pool:
        for done, (ok, no, failed, took) in enumerate(pool.imap_unordered(worker, tasks), start=1):
            accepted, refused, failures = accepted + ok, refused + no, failures + failed
            slowest = max(slowest, took)
            print(f"\r{done}/{len(tasks)} chunks, {accepted + refused:,} inputs, {len(failures)} failures",
                  end="", file=sys.stderr, flush=True)
    elapsed = time.monotonic() - started
    print(file=sys.stderr)
    print(f"target={options.target} inputs={accepted + refused:,} accepted={accepted:,} refused={refused:,} "
          f"failures={len(failures)} seconds={elapsed:.0f} rate={(accepted + refused) / elapsed:,.0f}/s "
          f"slowest={slowest:.2f}s")
    for name in failures[:20]:
        print(f"  {options.crash_dir}/{name}.txt")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
