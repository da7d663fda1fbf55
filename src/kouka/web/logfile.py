"""The log file handler of ``settings.LOGGING``: a rotating file whose folder is made when the first record
is written (the data folder of a new installation may not exist yet when the settings are read)."""

from io import TextIOWrapper
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any


class LogFileHandler(RotatingFileHandler):
    """``RotatingFileHandler`` opened on the first record (``delay``), its folder made then."""

    def __init__(self, filename: str, **options: Any) -> None:
        super().__init__(filename, delay=True, encoding="utf-8", **options)

    def _open(self) -> TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()
