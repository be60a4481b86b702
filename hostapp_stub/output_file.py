"""``--output FILE``: what a command prints on standard output goes to FILE instead, as UTF-8, replaced atomically.

For inventory scripts on every OS, and for Windows PowerShell 5.1 above all: it decodes a native command's piped
output with ``[Console]::OutputEncoding`` (the console's code page, cp932 on Japanese Windows), so the UTF-8 JSON that
``aosign-host status --json | ConvertFrom-Json`` reads comes out garbled there. A file has no such step:
``aosign-host status --json --output s.json; Get-Content -Raw -Encoding UTF8 s.json | ConvertFrom-Json``.

The file is written whole or not at all: the text goes to a temporary file in the same folder, is flushed to disk,
then replaces FILE (``os.replace``); a script never reads half a JSON document, and an older FILE stays as it was
when the new one cannot be written. Messages, prompts and errors still go to standard error and the console.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path

__all__ = ["with_output_file", "write_atomic"]


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` as UTF-8 (no BOM, ``\\n`` line ends), replacing it atomically.

    :raises OSError: the folder cannot be written, the disk is full, ``path`` is a folder...; ``path`` is then as it
        was, and no temporary file is left.
    """
    import tempfile

    folder = path.parent
    try:
        mode = os.stat(path).st_mode & 0o777  # a file replaced keeps its permissions
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        mode = 0o666 & ~umask  # as a new file made by open() (mkstemp's would be 0600)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        if sys.platform != "win32":
            os.fchmod(fd, mode)
        with open(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def with_output_file(path: str, run: Callable[[], int], failed: Callable[[str, str], str]) -> int:
    """Run ``run`` with ``sys.stdout`` gathered, then write what it printed to ``path`` (see the module's text).

    :param failed: the message (in the user's language) for a file that could not be written, from the path and the
        OS's reason; it goes to standard error, and the command's exit code stays what happened (CONTRACT.md).
    :returns: ``run``'s exit code.
    """
    target = Path(path).expanduser()
    gathered = io.StringIO()
    saved = sys.stdout
    sys.stdout = gathered
    try:
        code = run()
    except SystemExit:  # --help, or a usage error: argparse's own text goes where it would have gone
        sys.stdout = saved
        print(gathered.getvalue(), end="")
        raise
    finally:
        sys.stdout = saved
    try:
        write_atomic(target, gathered.getvalue())
    except OSError as e:
        print(failed(str(target), e.strerror or str(e)), file=sys.stderr)
    return code
