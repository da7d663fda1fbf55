"""Files written whole or not at all, with the mode any other program would give them.

The data goes to a temporary file beside the target, which is then renamed over it: a reader sees the old
file or the new one, never half of one. The temporary file is created with mode 0666 and the process's
umask applied by the kernel, as ``open(path, "w")`` would (``tempfile.mkstemp`` makes 0600, which left
every export readable by its owner only). Asking the kernel to apply the umask avoids reading it with
``os.umask``, which changes it for every thread for a moment.
"""

import os
import secrets
from pathlib import Path

# What open(path, "w") asks for; the umask takes away the rest (0644 under the usual 022).
NEW_FILE_MODE = 0o666
_ATTEMPTS = 100


def _temporary_beside(target: Path) -> tuple[int, Path]:
    """A new, empty file beside ``target`` (never an existing file, never through a symlink)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_ATTEMPTS):
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp, flags, NEW_FILE_MODE), temp
        except FileExistsError:
            continue
    raise FileExistsError(f"{target}: 一時ファイルを作れません（同じ名前が使われています）")


def write_atomically(path: str | os.PathLike[str], data: str | bytes) -> None:
    """Write to a temporary name beside ``path`` and rename: the file is whole or absent.

    The new file's mode is 0666 less the umask (0644 under umask 022, 0600 under 077).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = _temporary_beside(target)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
