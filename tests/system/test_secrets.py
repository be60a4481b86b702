"""Secret hygiene: canary PINs through every command, in both languages, with the most verbose logging, never show
up in output, logs or files; and the buffers that held them are wiped (checked in process)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.errors import PinIncorrectError, PinPolicyError
from aosign_plugin.domain.secret import Secret
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.outcomes import Consent, Notice
from aosign_plugin.service.pin_service import PinService
from tests.support import realparts
from tests.support.cards import Card, issue_card, make_card

CANARY_PIN = "Cnry7Q4zPin"
CANARY_NEW = "Cnry8W5xNew"
CANARY_CODE = "CNRY9E6VCODE"
CANARIES = (CANARY_PIN, CANARY_NEW, CANARY_CODE, "Cnry0R7yBad")


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _assert_clean(blob: bytes, where: str) -> None:
    for canary in CANARIES:
        for form in (canary.encode(), canary.encode().hex().encode(), canary.encode().hex().upper().encode()):
            assert form not in blob, f"{canary} found in {where}"


@pytest.fixture(params=["sim", "pcsc"])
def canary_card(request: pytest.FixtureRequest, tmp_path: Path) -> Card:
    if request.param == "pcsc":
        request.getfixturevalue("pcscd")
    card = make_card(tmp_path, request.param)
    # re-issue with the canaries as the sheet's PIN and code
    issue_card(card.state, CANARY_PIN, CANARY_CODE, "--force")
    request.addfinalizer(lambda: realparts.stop_process(card.server))
    return card


def test_canaries_never_leak(canary_card: Card, tmp_path: Path) -> None:
    card = canary_card
    for lang in ("ja", "en"):
        card.host("-vvv", "status", lang=lang)
        card.host("-vvv", "status", "--json", lang=lang)
        card.host("-vvv", "change-pin", answers=["Cnry0R7yBad", CANARY_NEW, CANARY_NEW], lang=lang)
        card.host("-vvv", "change-pin", answers=[CANARY_PIN, CANARY_NEW, CANARY_NEW], lang=lang)
        card.host("-vvv", "change-pin", answers=[CANARY_NEW, CANARY_PIN, CANARY_PIN], lang=lang)
        card.host("-vvv", "change-pin", answers=[CANARY_PIN, CANARY_NEW, "Cnry0R7yBad"], lang=lang)
        card.host("-vvv", "unlock", answers=["Cnry0R7yBad", CANARY_NEW, CANARY_NEW], lang=lang)
        card.host("-vvv", "unlock", answers=[CANARY_CODE, CANARY_PIN, CANARY_PIN], lang=lang)
    codes = [r.code for r in card.runs]
    assert codes == [0, 0, 3, 0, 0, 2, 3, 0] * 2, [(r.code, r.err) for r in card.runs]
    # the traffic was logged (so the test would see a leak), redacted
    assert any("redacted" in r.err for r in card.runs)
    for i, run in enumerate(card.runs):
        _assert_clean(run.out.encode(), f"stdout of run {i}")
        _assert_clean(run.err.encode(), f"stderr of run {i}")
    for path in _files_under(tmp_path):
        _assert_clean(path.read_bytes(), str(path))


def test_canaries_not_in_argv_or_environ_of_a_running_host(tmp_path: Path) -> None:
    card = make_card(tmp_path, "sim")
    issue_card(card.state, CANARY_PIN, CANARY_CODE, "--force")
    host = Path(os.sys.executable).parent / "aosign-host"
    proc = subprocess.Popen(
        [str(host), "change-pin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=card.env("en"),
    )
    assert proc.stdin is not None
    proc.stdin.write((CANARY_PIN + "\n").encode())
    proc.stdin.flush()
    # the host now waits for the next answer with the first PIN in memory: look at what the OS shows of it
    import time

    time.sleep(0.5)
    _assert_clean(Path(f"/proc/{proc.pid}/cmdline").read_bytes(), "cmdline")
    _assert_clean(Path(f"/proc/{proc.pid}/environ").read_bytes(), "environ")
    out, err = proc.communicate((CANARY_NEW + "\n" + CANARY_NEW + "\n").encode(), timeout=30)
    assert proc.returncode == 0, err
    _assert_clean(out + err, "output")


class RecordingUI:
    """An asker that keeps every buffer it hands out, to check afterwards that each was wiped."""

    interactive = False

    def __init__(self, answers: list[str]) -> None:
        self.answers = list(answers)
        self.handed: list[bytearray] = []
        self.notices: list[Notice] = []

    def notify(self, notice: Notice) -> None:
        self.notices.append(notice)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        buf = bytearray(self.answers.pop(0).encode())
        self.handed.append(buf)
        return buf

    def confirm(self, consent: Consent) -> bool:
        return False


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        ([CANARY_PIN, CANARY_NEW, CANARY_NEW], None),
        (["Cnry0R7yBad", CANARY_NEW, CANARY_NEW], PinIncorrectError),
        ([CANARY_PIN, "1234", "1234"], PinPolicyError),
        ([CANARY_PIN, CANARY_NEW, "Cnry0R7yBad"], PinPolicyError),
    ],
)
def test_buffers_wiped_in_process(tmp_path: Path, answers: list[str], error: type[Exception] | None) -> None:
    state = tmp_path / "card.json"
    issue_card(state, CANARY_PIN, CANARY_CODE)
    settings = Settings(sim_state=state, audit=AuditSettings(path=tmp_path / "audit.jsonl"))
    service = PinService(SimBackend(settings), settings)
    ui = RecordingUI(answers)
    outcome = service.change_pin(ui)
    if error is None:
        assert outcome.ok
    else:
        assert isinstance(outcome.error, error)
        for canary in CANARIES:
            assert canary not in str(outcome.error) and canary not in repr(outcome.error)
            assert canary not in repr(outcome)
    for canary in CANARIES:
        assert canary not in (tmp_path / "audit.jsonl").read_text()
    assert ui.handed, "nothing was asked"
    assert all(len(buf) == 0 for buf in ui.handed), "a PIN buffer was not wiped"


def test_secret_repr_and_wipe() -> None:
    s = Secret(bytearray(CANARY_PIN.encode()))
    assert CANARY_PIN not in repr(s) and CANARY_PIN not in str(s) and CANARY_PIN not in f"{s}"
    with pytest.raises(TypeError):
        hash(s)
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(s)
    buf = s._buf
    s.wipe()
    assert s.wiped and len(buf) == 0


def test_canaries_never_leak_over_pkcs11(tmp_path: Path) -> None:
    """The same through the PKCS#11 backend on a real SoftHSM2 token (its own token files are the module's)."""
    from tests.support.softhsm import SoftHsm

    hsm = SoftHsm(tmp_path)
    hsm.init_token(pin=CANARY_PIN, code=CANARY_CODE)
    runs = []
    for lang in ("ja", "en"):
        runs.append(hsm.host("-vvv", "status", "--json", lang=lang))
        runs.append(hsm.host("-vvv", "change-pin", answers=["Cnry0R7yBad", CANARY_NEW, CANARY_NEW], lang=lang))
        runs.append(hsm.host("-vvv", "change-pin", answers=[CANARY_PIN, CANARY_NEW, CANARY_NEW], lang=lang))
        runs.append(hsm.host("-vvv", "change-pin", answers=[CANARY_NEW, CANARY_PIN, CANARY_PIN], lang=lang))
        runs.append(
            hsm.host("-vvv", "unlock", "--final-try", answers=["Cnry0R7yBad", CANARY_NEW, CANARY_NEW], lang=lang)
        )
        runs.append(hsm.host("-vvv", "unlock", "--final-try", answers=[CANARY_CODE, CANARY_PIN, CANARY_PIN], lang=lang))
    assert [r.code for r in runs] == [0, 3, 0, 0, 3, 0] * 2, [(r.code, r.err) for r in runs]
    for i, run in enumerate(runs):
        _assert_clean((run.out + run.err).encode(), f"output of run {i}")
    for path in _files_under(tmp_path):
        if "tokens" not in path.relative_to(tmp_path).parts:
            _assert_clean(path.read_bytes(), str(path))
    assert list((tmp_path / "home").rglob("audit.jsonl")), "the audit log was written (and checked)"
