"""``python -m kouka``: the same as the ``kouka`` command."""

from kouka.cli import main

main()
