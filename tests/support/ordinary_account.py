"""Runs as an ordinary account against a root-owned system set-up, in a private mount namespace (issue 26).

The namespace (``unshare -m``, as root, as CI runs) gets: an overlay over ``/etc`` (so ``/etc/xdg/aosign`` and
``/etc/pkcs11`` can be written without touching the machine's), a tmpfs over ``/usr/share/p11-kit/modules``, and a
tmpfs ``/root`` of mode 755 holding only a bind of the pyenv interpreter (root's home is 700: the interpreter would be
unreachable for other accounts). Shell functions ``as_user`` (``nobody``, 65534) and ``as_other`` (65533, the
attacker) run a command with that account's ids; ``run NAME CMD...`` runs one as the user and keeps its output,
error and exit code in ``out/NAME.*`` of the shared folder, which outlives the namespace.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NOBODY", "OTHER", "Outcome", "World", "world"]

NOBODY = 65534
OTHER = 65533
BIN = Path(sys.executable).parent
PYENV = Path("/root/.pyenv")


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


class World:
    """A shared folder (``root``, mode 755) and the namespace runs made in it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.audit = root / "audit"

    def env(self, **extra: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "XDG_", "LC_", "LANG"))}
        base.update(
            AOSIGN_LANG="en",
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.home / ".config"),
            XDG_DATA_HOME=str(self.home / ".local/share"),
            XDG_STATE_HOME=str(self.home / ".local/state"),
            XDG_CACHE_HOME=str(self.home / ".cache"),
        )
        return base | extra

    def namespace(self, system: str | None, steps: str, *, setup: str = "", env: dict[str, str] | None = None) -> str:
        """Run ``steps`` (bash, as root, with ``as_user``/``as_other``/``run``) after ``setup``; the system manifest
        is ``system`` (none when None). Returns the namespace's own standard error (for failures of the set-up)."""
        r = shlex.quote(str(self.root))
        host = shlex.quote(str(BIN / "aosign-host"))
        script = f"""set -eu
export R={r}
mkdir -p $R/.ovl/u $R/.ovl/w $R/.pyenv $R/out
rm -rf $R/.ovl/u $R/.ovl/w && mkdir -p $R/.ovl/u $R/.ovl/w
mount -t overlay overlay -o lowerdir=/etc,upperdir=$R/.ovl/u,workdir=$R/.ovl/w /etc
mount -t tmpfs -o mode=0755 p11 /usr/share/p11-kit/modules
mount --bind {PYENV} $R/.pyenv
mount -t tmpfs -o mode=0755 root /root
mkdir /root/.pyenv && mount --bind $R/.pyenv /root/.pyenv
mkdir -p -m 0755 /etc/xdg/aosign
as_user() {{ setpriv --reuid={NOBODY} --regid={NOBODY} --clear-groups "$@"; }}
as_other() {{ setpriv --reuid={OTHER} --regid={OTHER} --clear-groups "$@"; }}
run() {{ local name=$1; shift; set +e; as_user {host} "$@" <$R/out/$name.in >$R/out/$name.out 2>$R/out/$name.err
  echo $? >$R/out/$name.rc; set -e; }}
"""
        if system is not None:
            script += f"printf %s {shlex.quote(system)} >/etc/xdg/aosign/manifest.toml\n"
            script += "chmod 644 /etc/xdg/aosign/manifest.toml\n"
        script += setup + "\n" + steps + "\n"
        done = subprocess.run(
            ["unshare", "--mount", "--propagation", "private", "bash", "-c", script],
            capture_output=True,
            text=True,
            env=env or self.env(),
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stderr

    def answers(self, name: str, *lines: str) -> None:
        (self.root / "out").mkdir(exist_ok=True)
        (self.root / "out" / f"{name}.in").write_text("".join(f"{line}\n" for line in lines))

    def outcome(self, name: str) -> Outcome:
        out = self.root / "out"
        return Outcome(
            int((out / f"{name}.rc").read_text()),
            (out / f"{name}.out").read_text(),
            (out / f"{name}.err").read_text(),
        )


@contextmanager
def world() -> Iterator[World]:
    """A fresh shared folder: the user's home (``nobody``'s), a shared audit folder (1777)."""
    root = Path(tempfile.mkdtemp(prefix="aosign-holds-", dir="/var/tmp"))
    root.chmod(0o755)
    w = World(root)
    try:
        for folder in (w.home / ".config" / "aosign", w.home / ".config" / "pkcs11" / "modules"):
            folder.mkdir(parents=True)
        w.audit.mkdir()
        w.audit.chmod(0o1777)
        for dirpath, _, files in os.walk(w.home):
            os.chown(dirpath, NOBODY, NOBODY)
            for name in files:
                os.chown(os.path.join(dirpath, name), NOBODY, NOBODY)
        yield w
    finally:
        shutil.rmtree(root, ignore_errors=True)
