"""Run one bounded import and print, as JSON, how it ended and what it cost: ``python measure_import.py FILE``.

Run it as a fresh process of its own (``subprocess.run([sys.executable, ...])``), so that what it measures is this
one import and nothing else that runs at the same time (another pytest-xdist worker, another import):

- ``cpu_seconds``: the CPU time (user + system) the import took, in this process and in its worker (forked, so a
  child of this process, reaped before the measure). It does not grow when the machine is loaded, as wall time
  does.
- ``peak_kib``: the peak resident memory, in KiB, of this process (its VmHWM in /proc/self/status) and of its
  worker (``ru_maxrss`` of RUSAGE_CHILDREN: this process has no other child). Not this process's own ``ru_maxrss``:
  Linux carries that over an exec from the process that started it, so a measure started from a pytest worker
  that has grown to 700 MiB over the tests it ran would report 700 MiB whatever the import used.
- ``seconds``: the wall-clock time, for information (bench/import_hostile.py prints it); it depends on the load.

The worker's wall-clock limit is set high here (``--wall``, 120 s by default): under load the import may wait for a
core, and the measure is of what it uses, which its CPU limit already bounds.
"""

import json
import os
import resource
import sys
import time

from kouka.domain.errors import KoukaError
from kouka.importers.bounded import Limits, import_bounded


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def own_peak_kib() -> int:
    """The peak resident memory of this process since it started (VmHWM, KiB); ru_maxrss where /proc is absent."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def reap_children() -> None:
    """Wait for every child (the worker) to end, so that RUSAGE_CHILDREN holds all it used."""
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def main() -> None:
    wall = float(sys.argv[sys.argv.index("--wall") + 1]) if "--wall" in sys.argv else 120.0
    started, cpu_started = time.monotonic(), cpu_seconds()
    try:
        result = import_bounded(sys.argv[1], limits=Limits(start_method="fork", wall_seconds=wall))
        outcome = {"ok": True, "projects": len(result.document.reports[0].projects), "message": ""}
    except KoukaError as exc:
        outcome = {"ok": False, "message": str(exc)}
    reap_children()
    seconds, cpu = time.monotonic() - started, cpu_seconds() - cpu_started
    peak = max(own_peak_kib(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({**outcome, "seconds": seconds, "cpu_seconds": cpu, "peak_kib": peak}, ensure_ascii=False))


if __name__ == "__main__":
    main()
