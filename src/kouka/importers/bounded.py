"""Any import with limits: in a worker process with a cap on memory and CPU time, a wall-clock timeout, and a cap
on what it may return.

A published report is a few MB at most, yet a small hostile file (a merged range over a whole sheet, a stream that
inflates to gigabytes, a million text objects) can make a parser library take minutes and gigabytes. The readers
refuse what they can recognise early (:mod:`kouka.importers.xlsx`, :mod:`kouka.importers.pdf`); whatever gets past
them runs here in a child process, whose limits (``resource.setrlimit``: RLIMIT_AS, RLIMIT_CPU) end it without
touching the caller, which answers with a message naming the file::

    result = import_bounded(Path("isesaki.pdf"))        # or import_bounded(data, filename="isesaki.pdf")

The child is forked from a fork server started once (``multiprocessing``'s ``forkserver``), so a threaded web
server is never forked, and the importer's modules are loaded once in the server.
"""

import multiprocessing
import resource
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from kouka.domain.checks import Finding, Severity
from kouka.domain.errors import KoukaError
from kouka.domain.i18n import _
from kouka.importers.api import MAX_DOCUMENT_BYTES, ImportResult, import_bytes
from kouka.importers.errors import UnreadableDocumentError
from kouka.importers.partial import Supplied

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one import may use: address space, CPU seconds, wall-clock seconds, bytes of JSON returned."""

    memory_bytes: int = 1024 * MIB  # address space of the worker (its modules take about 200 MiB of it)
    cpu_seconds: int = 20
    wall_seconds: float = 30.0
    output_bytes: int = 32 * MIB
    # forkserver: the worker is never forked from a threaded server. "fork" makes it a child of the caller (whose
    # resource.getrusage(RUSAGE_CHILDREN) then measures it, as the tests do).
    start_method: str = "forkserver"


DEFAULT_LIMITS = Limits()


def _worker(data: bytes, filename: str, fmt: str, supplied: Supplied | None, limits: Limits,
            send: Connection) -> None:
    """The child: set the limits, import, send back (kind, payload)."""
    from kouka import interchange

    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 1))
    try:
        result = import_bytes(data, filename, fmt, supplied)
        text = interchange.dumps(result.document)
        if len(text) > limits.output_bytes:
            send.send(("output", len(text)))
            return
        findings = [(f.severity.value, f.code, f.message, f.path, f.where) for f in result.findings]
        send.send(("ok", (text, findings, result.format, result.encoding, result.sources,
                                result.excerpts)))
    except KoukaError as exc:
        send.send(("refused", str(exc)))
    except MemoryError:
        send.send(("memory", None))
    except RecursionError:  # a document nested deeper than any parser expects
        send.send(("failed", None))
    except Exception:  # anything else a parser library raises on a hostile file: reported, never shown raw
        send.send(("failed", None))
    finally:
        send.close()


def _context(method: str) -> "multiprocessing.context.DefaultContext":
    context: multiprocessing.context.DefaultContext = multiprocessing.get_context(method)  # type: ignore[assignment]
    if method == "forkserver":
        context.set_forkserver_preload(["kouka.importers.bounded", "kouka.interchange"])
    return context


def import_bounded(source: str | Path | bytes, fmt: str = "auto", *, filename: str = "",
                   supplied: Supplied | None = None, limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    """Read one published report (a path, or its bytes with ``filename`` for messages) within ``limits``.

    Returns what :func:`kouka.importers.import_bytes` returns; raises UnreadableDocumentError, with a message
    naming the file, for a file that holds no report or that the limits stopped.
    """
    if isinstance(source, bytes):
        data, label = source, filename or "入力"
    else:
        path = Path(source)
        label = filename or path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise UnreadableDocumentError(_("{source}: 読み込めません（{value}）").format(
                source=path, value=exc.strerror or exc)) from exc
    if len(data) > MAX_DOCUMENT_BYTES:  # refused here, without a copy to a worker
        return import_bytes(data, label, fmt, supplied)
    kind, payload = _run(data, label, fmt, supplied, limits)
    return _result(kind, payload, label, limits)


def _run(data: bytes, label: str, fmt: str, supplied: Supplied | None, limits: Limits) -> tuple[str, object]:
    context = _context(limits.start_method)
    receive, send = context.Pipe(duplex=False)
    worker = context.Process(target=_worker, args=(data, label, fmt, supplied, limits, send), daemon=True)
    worker.start()
    send.close()
    try:
        if not receive.poll(limits.wall_seconds):
            return "time", None
        message: tuple[str, object] = receive.recv()
        return message
    except EOFError:  # the worker ended without a word: killed by its CPU or memory limit
        worker.join(1)
        return ("time" if worker.exitcode in (-24, -9) else "memory"), None
    finally:
        receive.close()
        if worker.is_alive():
            worker.kill()
        worker.join(5)


def _result(kind: str, payload: object, label: str, limits: Limits) -> ImportResult:
    from kouka import interchange

    if kind == "ok":
        assert isinstance(payload, tuple)
        text: str = payload[0]
        findings: list[tuple[str, str, str, str, str]] = payload[1]
        chosen: str = payload[2]
        encoding: str = payload[3]
        sources: dict[str, str] = payload[4]
        excerpts: dict[str, str] = payload[5]
        document = interchange.loads(text)
        return ImportResult(document, [Finding(Severity(s), code, message, path, where)
                                       for s, code, message, path, where in findings], chosen, encoding,
                            sources, excerpts)
    if kind == "refused":
        raise UnreadableDocumentError(str(payload))
    messages = {
        "time": _("{file}: 読み取りに時間がかかりすぎるため中止しました（上限{seconds}秒）。"
                  "ファイルが壊れているか、1件の報告としては大きすぎます"),
        "memory": _("{file}: 読み取りに必要なメモリが上限（{mib}MiB）を超えたため中止しました。"
                    "ファイルが壊れているか、1件の報告としては大きすぎます"),
        "output": _("{file}: 読み取った内容が大きすぎます（{size}バイト、上限{limit}バイト）"),
        "failed": _("{file}: 読み取れません。ファイルが壊れている可能性があります"),
    }
    raise UnreadableDocumentError(messages[kind].format(
        file=label, seconds=limits.cpu_seconds, mib=limits.memory_bytes // MIB,
        size=f"{payload:,}" if isinstance(payload, int) else "", limit=f"{limits.output_bytes:,}"))
