"""Run one bounded import and print, as JSON, how it ended, how long it took and the peak memory of this process
and of its worker (``resource``'s ru_maxrss, in KiB on Linux): ``python measure_import.py FILE``."""

import json
import resource
import sys
import time

from kouka.domain.errors import KoukaError
from kouka.importers.bounded import Limits, import_bounded


def main() -> None:
    started = time.monotonic()
    try:
        result = import_bounded(sys.argv[1], limits=Limits(start_method="fork"))
        outcome = {"ok": True, "projects": len(result.document.reports[0].projects), "message": ""}
    except KoukaError as exc:
        outcome = {"ok": False, "message": str(exc)}
    seconds = time.monotonic() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
               resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({**outcome, "seconds": seconds, "peak_kib": peak}, ensure_ascii=False))


if __name__ == "__main__":
    main()
