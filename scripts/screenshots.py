#!/usr/bin/env python3
"""Make the README's screenshots: the host's window and each PIN dialog, in Japanese and English, offscreen.

    .venv/bin/python scripts/screenshots.py [--out docs]        # draw them again
    .venv/bin/python scripts/screenshots.py --check [--out docs] # fail when one differs from what is drawn now

Each scene runs on its own freshly issued simulated card (in a temporary folder), driven through the real dialogs
and service: the states shown (wrong PIN, locked, the code's last try, dead card) are reached by clicking [OK].

What would make two runs differ is pinned, so that ``--check`` (run by the tests) fails only when the window
changed: the font (:data:`FONT_FAMILY`, Debian's fonts-ipafont-gothic; without it the script stops instead of
drawing boxes), Qt's Fusion style and its light palette, the time zone (Tokyo), the clock (:data:`SHOT_TIME`), the
card's serial and its certificate (made here with fixed dates and serial number).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ["TZ"] = "Asia/Tokyo"  # the users' time zone: dates are shown as the local day (time.tzset in main)

from PySide6.QtGui import QFont, QFontDatabase, QImage
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

from aosign_plugin.frontends.gui import ChangePinDialog, PinDialog, UnlockDialog
from hostapp_stub.api import Request
from hostapp_stub.gui.window import MainWindow
from hostapp_stub.manifest import load_manifest
from hostapp_stub.plugins import load_plugins, menu, status_panels

#: the font every screenshot is drawn with (proportional, with Latin digits of the same design)
FONT_FAMILY = "IPAPGothic"
FONT_POINTS = 10
#: the moment the screenshots show (the status's days left are counted from it)
SHOT_TIME = dt.datetime(2026, 12, 4, 1, 0, tzinfo=dt.UTC)
#: the simulated card's serial and its certificate, the same in every run
CARD_SERIAL = "56425567"
CERT_SERIAL = 0x3A5F_0C21_9B44_7E10
CERT_HOLDER = "山田 花子"
CERT_NOT_BEFORE = dt.datetime(2026, 12, 3, 0, 0, tzinfo=dt.UTC)
CERT_NOT_AFTER = dt.datetime(2029, 12, 2, 14, 59, 59, tzinfo=dt.UTC)  # the end of 2 Dec in Tokyo
#: how far a screenshot may drift from the one in docs/ (anti-aliasing of another FreeType build): a pixel differs
#: when a channel moves by more than PIXEL_DELTA; at most MAX_CHANGED of the pixels may differ
PIXEL_DELTA = 48
MAX_CHANGED = 0.002
#: the simulated card's sheet: its initial PIN and its unblocking code (made up; a test card)
SHEET_PIN = "31415926"
SHEET_CODE = "QX7RT2KM9WZ4"
NEW_PIN = "Hk47vQ2w"
LANGUAGES = ("ja", "en")


class Card:
    """A freshly issued simulated card in ``folder``, and the manifest that names it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        self.state = folder / "card.json"
        self.manifest = folder / "manifest.toml"
        sim = Path(sys.executable).parent / "aosign-sim"
        subprocess.run(
            [str(sim), "issue", "--state", str(self.state), "--from-stdin", "--no-certificate"],
            input=f"{SHEET_PIN}\n{SHEET_CODE}\n".encode(),
            capture_output=True,
            check=True,
        )
        data = json.loads(self.state.read_text(encoding="utf-8"))
        data["serial"] = CARD_SERIAL
        self.state.write_text(json.dumps(data), encoding="utf-8")
        cert = folder / "certificate.der"
        cert.write_bytes(_certificate())
        subprocess.run(
            [str(sim), "add-certificate", str(cert), "--label", "Signing certificate", "--state", str(self.state)],
            capture_output=True,
            check=True,
        )
        self.manifest.write_text(f'[plugin]\nbackend = "sim"\n\n[sim]\nstate = "{self.state}"\n', encoding="utf-8")

    def request(self, lang: str) -> Request:
        manifest = load_manifest(str(self.manifest), lang)
        return Request(lang=lang, manifest=manifest.data, manifest_path=manifest.path)


def _certificate() -> bytes:
    """The card's certificate: fixed names, dates and serial number (its key and signature are new each run, and
    never shown)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    issuer = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "AOSign Test CA")])
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
            x509.NameAttribute(NameOID.SERIAL_NUMBER, CARD_SERIAL),
            x509.NameAttribute(NameOID.COMMON_NAME, CERT_HOLDER),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(CERT_SERIAL)
        .not_valid_before(CERT_NOT_BEFORE)
        .not_valid_after(CERT_NOT_AFTER)
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


@contextmanager
def frozen_clock(moment: dt.datetime) -> Iterator[None]:
    """``datetime.now()`` is ``moment`` in the modules that count a certificate's days (the screenshots' only
    clock)."""
    import aosign_plugin.backends.certificate_cache as cache
    import aosign_plugin.frontends.local_dates as dates

    class Frozen(dt.datetime):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> Frozen:  # type: ignore[override]
            return cls.fromtimestamp(moment.timestamp(), tz)

    shim = types.SimpleNamespace(**{**vars(dt), "datetime": Frozen})
    saved = [(module, module.dt) for module in (cache, dates)]
    for module, _ in saved:
        module.dt = shim  # type: ignore[assignment]
    try:
        yield
    finally:
        for module, real in saved:
            module.dt = real


def pin_look(app: QApplication) -> bool:
    """The font, style and palette every screenshot is drawn with; False when the font is not installed."""
    if FONT_FAMILY not in QFontDatabase.families():
        return False
    app.setStyle("Fusion")
    app.setPalette(app.style().standardPalette())
    font = QFont(FONT_FAMILY)
    font.setPointSize(FONT_POINTS)
    app.setFont(font)
    return True


def _type(dialog: PinDialog, *answers: str) -> None:
    for field, answer in zip(dialog.fields, answers, strict=True):
        edit = dialog.findChild(QLineEdit, field.value)
        assert edit is not None
        edit.setText(answer)


def _tries(dialog: PinDialog, count: int, *, final: bool = False) -> None:
    """Click [OK] ``count`` times with a wrong first answer (a wrong PIN or code)."""
    for i in range(count):
        _type(dialog, f"WRONG{i:02d}x9z", NEW_PIN, NEW_PIN)
        if final:
            dialog.findChild(QWidget, "final_try_ok").setChecked(True)  # type: ignore[union-attr]
        dialog.submit()


def _spent(card: Card, cls: type[PinDialog], count: int, *, final: bool = False) -> None:
    dialog = cls(card.request("ja"))
    _tries(dialog, count, final=final)
    dialog.reject()
    dialog.deleteLater()


def main_window(card: Card, lang: str) -> QWidget:
    manifest = load_manifest(str(card.manifest), lang)
    pm = load_plugins(allowed=manifest.plugin_allowed)
    window = MainWindow(pm, menu(pm).entries, status_panels(pm)[0], manifest.data, manifest.path, lang, poll_ms=0)
    window.resize(600, window.sizeHint().height())
    return window


def change_pin(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _type(dialog, SHEET_PIN, "19850412", "19850412")  # a birth date: refused, [OK] stays disabled
    return dialog


def change_pin_wrong(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _tries(dialog, 2)
    return dialog


def change_pin_locked(card: Card, lang: str) -> QWidget:
    dialog = ChangePinDialog(card.request(lang))
    _tries(dialog, 10)
    return dialog


def unlock(card: Card, lang: str) -> QWidget:
    _spent(card, ChangePinDialog, 10)
    dialog = UnlockDialog(card.request(lang))
    _type(dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    return dialog


def unlock_final_try(card: Card, lang: str) -> QWidget:
    _spent(card, UnlockDialog, 9)
    dialog = UnlockDialog(card.request(lang))
    _type(dialog, SHEET_CODE, NEW_PIN, NEW_PIN)
    return dialog


def dead_card(card: Card, lang: str) -> QWidget:
    _spent(card, UnlockDialog, 9)
    _spent(card, UnlockDialog, 1, final=True)
    return UnlockDialog(card.request(lang))


SCENES: dict[str, Callable[[Card, str], QWidget]] = {
    "main-window": main_window,
    "change-pin": change_pin,
    "change-pin-wrong": change_pin_wrong,
    "change-pin-locked": change_pin_locked,
    "unlock": unlock,
    "unlock-final-try": unlock_final_try,
    "dead-card": dead_card,
}


def difference(a: QImage, b: QImage) -> float:
    """The share of pixels that differ (a channel by more than :data:`PIXEL_DELTA`); 1.0 for another size."""
    if a.size() != b.size():
        return 1.0
    raw_a = bytes(a.convertToFormat(QImage.Format.Format_RGB32).constBits())
    raw_b = bytes(b.convertToFormat(QImage.Format.Format_RGB32).constBits())
    if raw_a == raw_b:
        return 0.0
    changed = sum(
        1
        for i in range(0, len(raw_a), 4)
        if max(abs(raw_a[i] - raw_b[i]), abs(raw_a[i + 1] - raw_b[i + 1]), abs(raw_a[i + 2] - raw_b[i + 2]))
        > PIXEL_DELTA
    )
    return changed / (a.width() * a.height())


def draw(names: list[str], out: Path) -> list[Path]:
    """Draw the scenes ``names`` in each language into ``out``; returns the files written."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="aosign-shots-") as tmp, frozen_clock(SHOT_TIME):
        for var in ("HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            os.environ[var] = str(Path(tmp) / var.lower())  # the audit log and caches stay in the temporary folder
        for var in ("AOSIGN_MANIFEST", "AOSIGN_LANG"):
            os.environ.pop(var, None)
        for name in names:
            for lang in LANGUAGES:
                widget = SCENES[name](Card(Path(tmp) / f"{name}-{lang}"), lang)
                widget.show()
                app.processEvents()
                for edit in widget.findChildren(QLineEdit):
                    edit.deselect()  # focus selects a field's text: the dots read better without the highlight
                app.processEvents()
                path = out / f"{name}-{lang}.png"
                if not widget.grab().save(str(path), "PNG", 0):  # quality 0: the smallest file
                    raise OSError(f"could not write {path}")
                written.append(path)
                widget.close()
                widget.deleteLater()
                app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None, allow_abbrev=False)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    parser.add_argument("--only", choices=sorted(SCENES), action="append", help="make only these scenes")
    parser.add_argument("--check", action="store_true", help="compare with the screenshots in --out; write nothing")
    args = parser.parse_args(argv)
    time.tzset()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    if not pin_look(app):
        print(f"font {FONT_FAMILY} is not installed (Debian: apt-get install fonts-ipafont-gothic)", file=sys.stderr)
        return 1
    names = [name for name in SCENES if not args.only or name in args.only]
    if not args.check:
        args.out.mkdir(parents=True, exist_ok=True)
        for path in draw(names, args.out):
            print(path)
        return 0
    stale = 0
    with tempfile.TemporaryDirectory(prefix="aosign-shots-now-") as now:
        for path in draw(names, Path(now)):
            kept = args.out / path.name
            if not kept.is_file():
                print(f"{kept}: missing (run scripts/screenshots.py)")
                stale += 1
                continue
            share = difference(QImage(str(kept)), QImage(str(path)))
            if share > MAX_CHANGED:
                print(f"{kept}: {share:.2%} of the pixels differ from what the window draws now")
                stale += 1
    if stale:
        print(f"{stale} screenshot(s) out of date: run .venv/bin/python scripts/screenshots.py", file=sys.stderr)
        return 1
    print("the screenshots match the window")
    return 0


if __name__ == "__main__":
    sys.exit(main())
