"""Damaged documents: whatever the bytes, the importer gives a report or its documented error, nothing else."""

import random
from pathlib import Path

from importer_support import FIXTURES
from kouka.importers import UnreadableDocumentError, import_bytes

_INSERTS = (b"\t", b"\n", "事業".encode(), "成果目標①".encode(), "令和".encode(), "（".encode(), "万円".encode(),
            b"<td rowspan=9>", b"<table>", b"\x00")


def _mutate(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.randint(0, 4)
        if op == 0 and out:
            out[rng.randrange(len(out))] = rng.randrange(256)
        elif op == 1 and out:
            start = rng.randrange(len(out))
            del out[start:start + rng.randint(1, 400)]
        elif op == 2 and out:
            start, source = rng.randrange(len(out)), rng.randrange(len(out))
            out[start:start] = out[source:source + rng.randint(1, 400)]
        elif op == 3:
            lines = bytes(out).split(b"\n")
            rng.shuffle(lines)
            out = bytearray(b"\n".join(lines))
        else:
            start = rng.randrange(len(out) + 1)
            out[start:start] = rng.choice(_INSERTS)
    return bytes(out)


def test_mutated_documents_import_or_are_refused(seed_path: Path) -> None:
    sources = [seed_path.read_bytes()] + [p.read_bytes() for p in sorted(FIXTURES.iterdir())
                                          if p.suffix in (".txt", ".html")]
    rng = random.Random(20221)
    imported = refused = 0
    for number in range(400):
        data = _mutate(rng, rng.choice(sources))
        try:
            result = import_bytes(data, f"mutant{number}.html" if data.lstrip().startswith(b"<") else "m.txt")
        except UnreadableDocumentError as exc:
            assert str(exc), "an error without a message"
            refused += 1
            continue
        report = result.document.reports[0]
        assert report.fiscal_year > 0 or (report.draft and "import_no_fiscal_year" in {f.code for f in result.findings})
        imported += 1
    assert imported > 100 and refused > 0
