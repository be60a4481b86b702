"""What users do, as a hypothesis state machine, beside a model of the card written from the issuer's FAQ.

Users read the status, change the PIN with the right, a wrong, an unusable or a policy-refused PIN or a mismatched
confirmation, unlock with the right or a wrong code from the sheet (with or without ``--final-try``), and pull the
card out and put it back. The model knows only the FAQ's rules: 10 tries for the PIN, reset only by a correct PIN;
locked after 10 wrong PINs; unlock allowed at any time; dead for good after 10 wrong codes; the last code try only
with an explicit yes; a PIN the policy refuses never reaches the card.

After every step: the card's counters equal the model's; a counter dropped only for a secret the user typed and
the policy accepted (the card's own APDU log names what it received); no try-consuming command was sent twice in
one operation; the exit code and the message are the model's (CONTRACT.md); the answers' buffers were wiped.

Two variants: the simulated card in process, driven through the service layer (fast, many examples, two more
faults: the card pulled while the user types, another application spending a try meanwhile); and ``aosign-host``
subprocesses over the real pcscd with the card served through vpcd (fewer examples). ``benchmarks/soak.py``
drives :class:`UserSession` with a seeded random user for many more sequences.
"""

from __future__ import annotations

import abc
import json
import os
import shutil
import string
import subprocess
import sys
import tempfile
from collections import Counter as Tally
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from aosign_plugin import catalogs
from aosign_plugin.backends.sim_backend import SimBackend
from aosign_plugin.backends.sim_link import SimConnection
from aosign_plugin.config.settings import Settings
from aosign_plugin.domain.errors import AosignError
from aosign_plugin.frontends.entries import HostAsker
from aosign_plugin.frontends.terminal_view import error_report, status_json, status_lines
from aosign_plugin.service.audit import AuditSettings
from aosign_plugin.service.pin_service import PinService
from aosign_plugin.simcard.store import QUICK_KDF, CardStore, new_card_state
from hostapp_stub.api import Request
from tests.support.realparts import serve_card, stop_process, wait_card_present

MAX_TRIES = 10
SHEET_PIN = "31415926"
SHEET_CODE = "QX7RT2KM9WZ4"
ALNUM = string.ascii_letters + string.digits
INS_VERIFY, INS_CHANGE, INS_RESET = 0x20, 0x24, 0x2C
PORT = 35964
READER = "Virtual PCD 00 01"
BIN = Path(sys.executable).parent

#: new PINs the FAQ refuses though each is made of 4-16 letters and digits: dates, phone numbers, plain runs, one
#: repeated character. Each is all digits or all letters; the generated PINs mix both, so they are never one of these.
GUESSABLE = ("19850412", "850412", "0412", "09012345678", "0312345678", "1234", "abcd", "9876", "WXYZ")
REPEATED = ("111111", "aaaa", "ZZZZZZZZ")
#: answers that break the card's base rule (4-16 half-width letters and digits): never sent, not even as a
#: current PIN or a code
UNUSABLE = ("", "12", "abc", "12345678901234567", "１２３４５", "pin 1234", "pin-1234", "ピン1234")
#: what another application types (never a valid PIN: one repeated character)
OTHER_APP_PIN = "00000000"


def faq_base_ok(value: str) -> bool:
    """The card's base rule, for any PIN or code typed: 4 to 16 half-width letters and digits."""
    return 4 <= len(value) <= 16 and all(c in ALNUM for c in value)


def faq_new_ok(new: str, typed_current: str | None) -> bool:
    """The FAQ's rules for a new PIN (for the values this file generates): base rule, not one repeated character,
    not guessable, not the current PIN again."""
    return (
        faq_base_ok(new)
        and len(set(new)) > 1
        and new not in GUESSABLE
        and not _beyond_the_faq(new)
        and new != typed_current
    )


def _beyond_the_faq(new: str) -> bool:
    """The guessable patterns the FAQ does not list (other date orders, era dates, years, repeated blocks,
    near-repeats, common passwords): the policy's own predicates, tested on their own in test_policy_guessable."""
    from aosign_plugin.policy import guessable as g

    buf = memoryview(new.encode())
    checks = (g.is_date_other_order, g.is_era_date, g.is_year, g.is_repeated_block, g.is_near_repeat, g.is_common)
    return any(check(buf) for check in checks)


# --- the model -------------------------------------------------------------------------------------------------


@dataclass
class Expect:
    """What the model says a step must give."""

    code: int
    #: texts that must appear in what the user reads
    texts: list[str] = field(default_factory=list)
    #: the try-consuming commands that must reach the card in this step: (INS, the secrets in its data)
    sent: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)


def _t(key: str, lang: str, **params: object) -> str:
    return catalogs.text(key, lang, **params)


def _prefix(key: str, lang: str) -> str:
    """A message's text up to its ``{detail}`` (which names readers or paths)."""
    return _t(key, lang, detail="\0").split("\0")[0]


@dataclass
class CardModel:
    """The AOSign card as the issuer's FAQ tells it, and the user's view of it."""

    pin: str = SHEET_PIN
    code: str = SHEET_CODE
    pin_tries: int = MAX_TRIES
    code_tries: int = MAX_TRIES
    inserted: bool = True

    @property
    def dead(self) -> bool:
        return self.code_tries == 0

    @property
    def locked(self) -> bool:
        return self.pin_tries == 0

    @property
    def state(self) -> str:
        return "dead" if self.dead else "locked" if self.locked else "ready"

    @property
    def advice(self) -> str | None:
        """The most urgent advice: the card lost for good, then few unblocking tries, then the PIN's."""
        if self.dead:
            return "revoke"
        if self.code_tries <= 3:
            return "unblock_low"
        if self.locked:
            return "unlock"
        if self.pin_tries == 1:
            return "pin_final_try"
        if MAX_TRIES - self.pin_tries >= 2:  # the FAQ: reset after 2-3 wrong PINs
            return "reset_recommended"
        return None

    def status(self, gone: str, lang: str) -> Expect:
        if not self.inserted:
            return Expect(6, [_prefix(gone, lang)])
        return Expect(0)

    def _pin_advice(self, lang: str) -> list[str]:
        if self.pin_tries == 1:
            return [_t("advice.pin_final_try", lang, left=1)]
        if MAX_TRIES - self.pin_tries >= 2:
            return [_t("advice.reset_recommended", lang, left=self.pin_tries)]
        return []

    def _blocked(self, gone: str, lang: str) -> Expect | None:
        if not self.inserted:
            return Expect(6, [_prefix(gone, lang)])
        if self.dead:
            return Expect(5, [_t("card.dead", lang)])
        return None

    def change(self, current: str, new: str, confirm: str, gone: str, lang: str) -> Expect:
        blocked = self._blocked(gone, lang)
        if blocked is not None:
            return blocked
        if self.locked:
            return Expect(4, [_t("pin.locked", lang)])
        texts = self._pin_advice(lang)
        if not faq_base_ok(current) or not faq_new_ok(new, current):
            return Expect(2, [*texts, _t("nothing_sent", lang)])
        if confirm != new:
            return Expect(2, [*texts, _t("policy.mismatch", lang), _t("nothing_sent", lang)])
        sent: list[tuple[int, tuple[str, ...]]] = [(INS_CHANGE, (current, new))]
        if current == self.pin:
            self.pin, self.pin_tries = new, MAX_TRIES
            return Expect(0, [*texts, _t("change.done", lang)], sent)
        self.pin_tries -= 1
        if self.pin_tries == 0:
            return Expect(4, [*texts, _t("pin.incorrect", lang), _t("pin.locked", lang)], sent)
        return Expect(3, [*texts, _t("pin.incorrect", lang), _t("pin.tries_left", lang, left=self.pin_tries)], sent)

    def unlock(self, code: str, new: str, confirm: str, final_try: bool, gone: str, lang: str) -> Expect:
        blocked = self._blocked(gone, lang)
        if blocked is not None:
            return blocked
        texts = [_t("unlock.intro", lang)]
        if self.code_tries == 1:
            if not final_try:  # the last try of the code needs an explicit yes: nothing is asked, nothing sent
                return Expect(2, [_t("unlock.not_confirmed", lang), _t("nothing_sent", lang)])
            texts.append(_t("unlock.final_try_acknowledged", lang))
        elif self.code_tries <= 3:
            texts.append(_t("advice.unblock_low", lang, left=self.code_tries))
        if not faq_base_ok(code) or not faq_new_ok(new, None) or new == code:  # the FAQ: keep them apart
            return Expect(2, [*texts, _t("nothing_sent", lang)])
        if confirm != new:
            return Expect(2, [*texts, _t("policy.mismatch", lang), _t("nothing_sent", lang)])
        sent: list[tuple[int, tuple[str, ...]]] = [(INS_RESET, (code, new))]
        if code == self.code:
            self.code_tries, self.pin, self.pin_tries = MAX_TRIES, new, MAX_TRIES
            return Expect(0, [*texts, _t("unlock.done", lang)], sent)
        self.code_tries -= 1
        if self.code_tries == 0:
            return Expect(5, [*texts, _t("code.incorrect", lang), _t("card.dead", lang)], sent)
        return Expect(3, [*texts, _t("code.incorrect", lang), _t("code.tries_left", lang, left=self.code_tries)], sent)

    def change_while_card_pulled(self, gone: str, lang: str) -> Expect:
        """The card is pulled while the user types the answers (all of them acceptable)."""
        blocked = self._blocked(gone, lang)
        if blocked is not None:
            return blocked
        if self.locked:
            return Expect(4, [_t("pin.locked", lang)])
        self.inserted = False
        return Expect(6, [*self._pin_advice(lang), _prefix(gone, lang)])

    def change_after_other_app(self, gone: str, lang: str) -> Expect:
        """Another application spends a try (a wrong PIN) while the user types: the user's change is not sent."""
        blocked = self._blocked(gone, lang)
        if blocked is not None:
            return blocked
        if self.locked:
            return Expect(4, [_t("pin.locked", lang)])
        texts = self._pin_advice(lang)
        self.pin_tries -= 1
        sent: list[tuple[int, tuple[str, ...]]] = [(INS_VERIFY, (OTHER_APP_PIN,))]
        return Expect(2, [*texts, _t("card.state_changed", lang), _t("nothing_sent", lang)], sent)


# --- the cards under test --------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What the user got: exit code, every text shown, and the status object when one was printed."""

    code: int
    text: str
    status: dict[str, Any] | None = None


class LogTail:
    """The card's own APDU log, read from where the last read stopped."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = 0
        self.header_read = False

    def new(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            data = fh.read()
        end = data.rfind(b"\n") + 1
        self.offset += end
        lines = [json.loads(line) for line in data[:end].splitlines() if line.strip()]
        if not self.header_read and lines:
            lines.pop(0)
            self.header_read = True
        return lines


class CardUnderTest(abc.ABC):
    """A simulated card and the way a user reaches it; its state file and APDU log are the card's truth."""

    #: the message key when the card is not there
    gone: str

    def __init__(self, root: Path, lang: str) -> None:
        self.root = root
        self.lang = lang
        self.state = root / "card.json"
        self.log = LogTail(root / "card-apdus.jsonl")
        CardStore(self.state).create(new_card_state(SHEET_PIN.encode(), SHEET_CODE.encode(), kdf=QUICK_KDF))

    @abc.abstractmethod
    def status(self) -> Outcome: ...

    @abc.abstractmethod
    def change(self, current: str, new: str, confirm: str) -> Outcome: ...

    @abc.abstractmethod
    def unlock(self, code: str, new: str, confirm: str, final_try: bool) -> Outcome: ...

    @abc.abstractmethod
    def pull(self) -> None: ...

    @abc.abstractmethod
    def insert(self) -> None: ...

    def close(self) -> None:  # noqa: B027 (nothing to stop by default)
        """Stop what the card needs (its server)."""

    def counters(self) -> tuple[int, int]:
        path = self.state if self.state.exists() else self.state.with_suffix(".pulled")
        state = CardStore(path).load()
        return state.pin.tries_left, state.unblock.tries_left


class ScriptedUI:
    """The service's prompter for a script: answers in order, notices collected, no one to confirm anything.

    ``on_ask(i)`` runs before the i-th answer is handed out (faults while the user types).
    """

    interactive = False

    def __init__(self, lang: str, answers: list[str], on_ask: Callable[[int], None] | None = None) -> None:
        self.lang = lang
        self.answers = list(answers)
        self.on_ask = on_ask
        self.notices: list[str] = []
        self.given: list[bytearray] = []

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        if self.on_ask is not None:
            self.on_ask(len(self.given))
        if not self.answers:
            raise EOFError
        buf = bytearray(self.answers.pop(0).encode("utf-8"))
        self.given.append(buf)
        return buf

    def confirm(self, question: str) -> bool:
        return False


class InProcessCard(CardUnderTest):
    """The simulated card in process, reached through the service layer like the plugin's hooks do."""

    gone = "unavailable.no_sim_card"

    def __init__(self, root: Path, lang: str) -> None:
        super().__init__(root, lang)
        audit = AuditSettings(path=root / "audit.jsonl")
        self.settings = Settings(sim_state=self.state, sim_log=self.log.path, audit=audit)
        self.service = PinService(SimBackend(self.settings), self.settings)

    def _run(self, action: Callable[[ScriptedUI], str], ui: ScriptedUI) -> Outcome:
        try:
            lines = [action(ui)]
            code = 0
        except AosignError as e:  # anything else is a bug: a traceback
            exit_code, lines = error_report(e, self.lang)
            code = int(exit_code)
        assert all(len(b) == 0 for b in ui.given), "an answer's buffer was not wiped"
        return Outcome(code, "\n".join([*ui.notices, *lines]))

    def status(self) -> Outcome:
        try:
            status = self.service.status()
        except AosignError as e:
            exit_code, lines = error_report(e, self.lang)
            return Outcome(int(exit_code), "\n".join(lines))
        return Outcome(0, "\n".join(status_lines(status, self.lang)), status_json(status, self.lang))

    def change(self, current: str, new: str, confirm: str, on_ask: Callable[[int], None] | None = None) -> Outcome:
        def action(ui: ScriptedUI) -> str:
            outcome = self.service.change_pin(HostAsker(ui, Request(self.lang)))
            if outcome.error is not None:
                raise outcome.error
            return _t("change.done", self.lang)

        return self._run(action, ScriptedUI(self.lang, [current, new, confirm], on_ask))

    def unlock(self, code: str, new: str, confirm: str, final_try: bool) -> Outcome:
        def action(ui: ScriptedUI) -> str:
            outcome = self.service.unlock(HostAsker(ui, Request(self.lang)), final_try_ok=final_try)
            if outcome.error is not None:
                raise outcome.error
            return _t("unlock.done", self.lang)

        return self._run(action, ScriptedUI(self.lang, [code, new, confirm]))

    def pull(self) -> None:
        os.replace(self.state, self.state.with_suffix(".pulled"))

    def insert(self) -> None:
        os.replace(self.state.with_suffix(".pulled"), self.state)

    def spend_as_other_app(self) -> None:
        """Another application on the same card: SELECT and one VERIFY of a wrong PIN, in its own transaction."""
        with SimConnection(self.state, log_path=self.log.path) as conn, conn.transaction():
            conn.send_and_receive(bytes.fromhex("00A404000AA0000006474F5349474E"))
            pin = OTHER_APP_PIN.encode().ljust(16, b"\xff")
            _, sw = conn.send_and_receive(bytes([0x00, 0x20, 0x00, 0x81, len(pin)]) + pin)
            assert sw & 0xFFF0 == 0x63C0 or sw == 0x6983


class HostCard(CardUnderTest):
    """The card served to the real pcscd through vpcd, reached by ``aosign-host`` as a user runs it."""

    gone = "unavailable.no_card"

    def __init__(self, root: Path, lang: str) -> None:
        super().__init__(root, lang)
        self.manifest = root / "manifest.toml"
        self.manifest.write_text(f'[plugin]\nbackend = "pcsc"\n\n[pcsc]\nreader = "{READER}"\n', encoding="utf-8")
        (root / "home").mkdir()
        self.server: subprocess.Popen[bytes] | None = serve_card(self.state, PORT, self.log.path)

    def _host(self, *args: str, answers: list[str] | None = None) -> Outcome:
        home = self.root / "home"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AOSIGN_", "LC_", "LANG"))}
        env.update(AOSIGN_MANIFEST=str(self.manifest), AOSIGN_LANG=self.lang, HOME=str(home))
        env.update(XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"))
        proc = subprocess.run(
            [str(BIN / "aosign-host"), *args],
            input="".join(a + "\n" for a in answers or []).encode(),
            capture_output=True,
            env=env,
            timeout=60,
            check=False,
        )
        out, err = proc.stdout.decode(), proc.stderr.decode()
        assert "Traceback" not in err, err
        return Outcome(
            proc.returncode, out + err, json.loads(out) if proc.returncode == 0 and "--json" in args else None
        )

    def status(self) -> Outcome:
        return self._host("status", "--json")

    def change(self, current: str, new: str, confirm: str) -> Outcome:
        return self._host("change-pin", answers=[current, new, confirm])

    def unlock(self, code: str, new: str, confirm: str, final_try: bool) -> Outcome:
        return self._host("unlock", *(["--final-try"] if final_try else []), answers=[code, new, confirm])

    def pull(self) -> None:
        stop_process(self.server)
        self.server = None
        wait_card_present(READER, present=False)

    def insert(self) -> None:
        self.server = serve_card(self.state, PORT, self.log.path)

    def close(self) -> None:
        stop_process(self.server)
        self.server = None


# --- one user's session, checked step by step ------------------------------------------------------------------


@dataclass
class Coverage:
    """What a run went through."""

    sequences: int = 0
    steps: int = 0
    rules: Tally[str] = field(default_factory=Tally)
    exits: Tally[int] = field(default_factory=Tally)
    locks: int = 0
    deaths: int = 0
    unlocks_from_locked: int = 0
    final_try_refusals: int = 0

    def report(self) -> list[str]:
        lines = [f"sequences {self.sequences}, steps {self.steps}"]
        lines.append("rules:  " + ", ".join(f"{k} {v}" for k, v in sorted(self.rules.items())))
        lines.append("exits:  " + ", ".join(f"{k}: {v}" for k, v in sorted(self.exits.items())))
        lines.append(
            f"locks {self.locks}, deaths {self.deaths}, unlocks of a locked card {self.unlocks_from_locked}, "
            f"last code tries refused without --final-try {self.final_try_refusals}"
        )
        return lines


class UserSession:
    """One card, its model, and the checks after every step."""

    def __init__(self, card: CardUnderTest, coverage: Coverage | None = None) -> None:
        self.card = card
        self.model = CardModel()
        self.coverage = coverage if coverage is not None else Coverage()
        self.coverage.sequences += 1

    @property
    def lang(self) -> str:
        return self.card.lang

    def _check(self, rule: str, expect: Expect, out: Outcome) -> None:
        cov = self.coverage
        cov.steps += 1
        cov.rules[rule] += 1
        cov.exits[out.code] += 1
        assert out.code == expect.code, (rule, expect, out)
        for text in expect.texts:
            assert text in out.text, (rule, text, out.text)
        entries = self.card.log.new()
        tries = [e for e in entries if e["ins"] in (INS_VERIFY, INS_CHANGE, INS_RESET) and e.get("lc")]
        # every try-consuming command is one the model expected, with as many secret fields, once (the log keeps
        # where the fields were, never what they held: which secrets went is proven by the counters below)
        assert [(e["ins"], len(e["fields"] or ())) for e in tries] == [
            (ins, len(secrets)) for ins, secrets in expect.sent
        ], (rule, entries)
        for e in entries:
            # besides the tries: SELECT, READ BINARY (the certificates) and empty VERIFYs, which read only
            assert e in tries or e["ins"] in (0xA4, 0xB0) or (e["ins"] == INS_VERIFY and not e.get("lc")), e
        self.check_counters()

    def check_counters(self) -> None:
        assert self.card.counters() == (self.model.pin_tries, self.model.code_tries)

    # --- the user's actions

    def status(self) -> None:
        expect = self.model.status(self.card.gone, self.lang)
        out = self.card.status()
        self._check("status", expect, out)
        if out.status is not None:
            m = self.model
            assert out.status["state"] == m.state
            # a dead card answers 6983 to everything that needs a PIN (CONTRACT.md): its PIN shows as blocked
            pin_shown = 0 if m.dead else m.pin_tries
            assert out.status["pin"] == {
                "tries_left": pin_shown,
                "max_tries": MAX_TRIES,
                "source": "card",
                "reason": None,
            }
            assert out.status["unblock"] == {
                "tries_left": m.code_tries,
                "max_tries": MAX_TRIES,
                "source": "card",
                "reason": None,
            }
            assert out.status["advice_code"] == m.advice

    def change(self, rule: str, current: str, new: str, confirm: str) -> None:
        was_locked = self.model.locked
        expect = self.model.change(current, new, confirm, self.card.gone, self.lang)
        self._check(rule, expect, self.card.change(current, new, confirm))
        self.coverage.locks += not was_locked and self.model.locked

    def unlock(self, rule: str, code: str, new: str, confirm: str, final_try: bool) -> None:
        was_locked, was_dead = self.model.locked, self.model.dead
        refused_last = self.model.inserted and self.model.code_tries == 1 and not final_try
        expect = self.model.unlock(code, new, confirm, final_try, self.card.gone, self.lang)
        self._check(rule, expect, self.card.unlock(code, new, confirm, final_try))
        self.coverage.deaths += not was_dead and self.model.dead
        self.coverage.unlocks_from_locked += was_locked and expect.code == 0
        self.coverage.final_try_refusals += refused_last

    def pull(self) -> None:
        self.card.pull()
        self.model.inserted = False
        self.coverage.rules["pull"] += 1
        self.check_counters()

    def insert(self) -> None:
        self.card.insert()
        self.model.inserted = True
        self.coverage.rules["insert"] += 1
        self.check_counters()

    def change_while_card_pulled(self, current: str, new: str) -> None:
        card = self.card
        assert isinstance(card, InProcessCard)

        def pull_at_confirm(i: int) -> None:
            if i == 2:
                card.pull()

        expect = self.model.change_while_card_pulled(card.gone, self.lang)
        self._check("change_while_card_pulled", expect, card.change(current, new, new, on_ask=pull_at_confirm))

    def change_after_other_app(self, current: str, new: str) -> None:
        card = self.card
        assert isinstance(card, InProcessCard)

        def other_app_at_confirm(i: int) -> None:
            if i == 2:
                card.spend_as_other_app()

        was_locked = self.model.locked
        expect = self.model.change_after_other_app(card.gone, self.lang)
        self._check("change_after_other_app", expect, card.change(current, new, new, on_ask=other_app_at_confirm))
        self.coverage.locks += not was_locked and self.model.locked


# --- hypothesis ------------------------------------------------------------------------------------------------


@st.composite
def mixed_pins(draw: st.DrawFn) -> str:
    """4-16 letters and digits with at least one of each: a PIN the FAQ accepts (never guessable or repeated)."""
    body = list(draw(st.text(ALNUM, min_size=2, max_size=14)))
    body.insert(draw(st.integers(0, len(body))), draw(st.sampled_from(string.ascii_letters)))
    body.insert(draw(st.integers(0, len(body))), draw(st.sampled_from(string.digits)))
    return "".join(body)


good_pins = mixed_pins().filter(lambda pin: faq_new_ok(pin, None))
#: a wrong current PIN or code the base rule accepts: it reaches the card and costs a try
wrong_secrets = st.one_of(mixed_pins(), st.sampled_from(GUESSABLE + REPEATED))
refused_new_pins = st.sampled_from(GUESSABLE + REPEATED + UNUSABLE)
unusable = st.sampled_from(UNUSABLE)


class UserMachine(RuleBasedStateMachine):
    """The user's actions on one fresh card; subclasses say which card."""

    coverage = Coverage()

    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="aosign-stateful-", dir=self.temp_parent()))
        self.session: UserSession | None = None

    @staticmethod
    def temp_parent() -> str | None:
        return "/dev/shm" if os.path.isdir("/dev/shm") else None

    def make_card(self, lang: str) -> CardUnderTest:
        raise NotImplementedError

    @initialize(lang=st.sampled_from(["ja", "en"]))
    def issue(self, lang: str) -> None:
        self.session = UserSession(self.make_card(lang), self.coverage)

    @property
    def s(self) -> UserSession:
        assert self.session is not None
        return self.session

    def teardown(self) -> None:
        if self.session is not None:
            self.session.card.close()
        shutil.rmtree(self.root, ignore_errors=True)

    @invariant()
    def counters_match_the_model(self) -> None:
        if self.session is not None:
            self.session.check_counters()

    @rule()
    def status(self) -> None:
        self.s.status()

    @rule(new=good_pins)
    def change_right(self, new: str) -> None:
        self.s.change("change_right", self.s.model.pin, new, new)

    @rule(wrong=wrong_secrets, new=good_pins)
    def change_wrong(self, wrong: str, new: str) -> None:
        if wrong != self.s.model.pin:
            self.s.change("change_wrong", wrong, new, new)

    @rule(current=unusable, new=good_pins)
    def change_unusable_current(self, current: str, new: str) -> None:
        self.s.change("change_unusable_current", current, new, new)

    @rule(right=st.booleans(), wrong=wrong_secrets, new=refused_new_pins)
    def change_refused_new(self, right: bool, wrong: str, new: str) -> None:
        self.s.change("change_refused_new", self.s.model.pin if right else wrong, new, new)

    @rule(right=st.booleans(), wrong=wrong_secrets, new=good_pins, other=good_pins)
    def change_mismatched(self, right: bool, wrong: str, new: str, other: str) -> None:
        if other != new:
            self.s.change("change_mismatched", self.s.model.pin if right else wrong, new, other)

    @rule(new=good_pins, final_try=st.booleans())
    def unlock_right(self, new: str, final_try: bool) -> None:
        self.s.unlock("unlock_right", SHEET_CODE, new, new, final_try)

    @rule(code=wrong_secrets, new=good_pins, final_try=st.booleans())
    def unlock_wrong(self, code: str, new: str, final_try: bool) -> None:
        if code != SHEET_CODE:
            self.s.unlock("unlock_wrong", code, new, new, final_try)

    @rule(right=st.booleans(), code=st.one_of(wrong_secrets, unusable), new=refused_new_pins)
    def unlock_refused(self, right: bool, code: str, new: str) -> None:
        self.s.unlock("unlock_refused", SHEET_CODE if right else code, new, new, True)

    @rule(wrongs=st.lists(wrong_secrets, min_size=2, max_size=MAX_TRIES), new=good_pins)
    def change_wrong_repeatedly(self, wrongs: list[str], new: str) -> None:
        """A user who keeps guessing: one change-pin after another, each with a wrong current PIN."""
        for wrong in wrongs:
            if wrong != self.s.model.pin:
                self.s.change("change_wrong", wrong, new, new)

    @rule(codes=st.lists(wrong_secrets, min_size=2, max_size=MAX_TRIES), new=good_pins, final_try=st.booleans())
    def unlock_wrong_repeatedly(self, codes: list[str], new: str, final_try: bool) -> None:
        for code in codes:
            if code != SHEET_CODE:
                self.s.unlock("unlock_wrong", code, new, new, final_try)

    @precondition(lambda self: self.session is not None and self.session.model.inserted)
    @rule(meanwhile=st.lists(st.sampled_from(["status", "change", "unlock"]), max_size=2), new=good_pins)
    def pull_and_reinsert(self, meanwhile: list[str], new: str) -> None:
        """The card pulled out; the user tries commands without it; the card put back."""
        self.s.pull()
        for action in meanwhile:
            if action == "status":
                self.s.status()
            elif action == "change":
                self.s.change("change_right", self.s.model.pin, new, new)
            else:
                self.s.unlock("unlock_right", SHEET_CODE, new, new, True)
        self.s.insert()

    @precondition(lambda self: self.session is not None and not self.session.model.inserted)
    @rule()
    def insert(self) -> None:
        self.s.insert()


class InProcessMachine(UserMachine):
    coverage = Coverage()

    def make_card(self, lang: str) -> CardUnderTest:
        return InProcessCard(self.root, lang)

    @rule(right=st.booleans(), wrong=wrong_secrets, new=good_pins)
    def change_while_card_pulled(self, right: bool, wrong: str, new: str) -> None:
        current = self.s.model.pin if right else wrong
        if current != new:
            self.s.change_while_card_pulled(current, new)

    @rule(right=st.booleans(), wrong=wrong_secrets, new=good_pins)
    def change_after_other_app(self, right: bool, wrong: str, new: str) -> None:
        current = self.s.model.pin if right else wrong
        if current != new:
            self.s.change_after_other_app(current, new)


class PcscMachine(UserMachine):
    coverage = Coverage()

    @staticmethod
    def temp_parent() -> str | None:
        return None

    def make_card(self, lang: str) -> CardUnderTest:
        return HostCard(self.root, lang)


def test_users_on_the_in_process_card() -> None:
    run_state_machine_as_test(
        InProcessMachine,
        settings=settings(
            max_examples=100, stateful_step_count=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
    print("\n".join(InProcessMachine.coverage.report()))


def test_users_through_aosign_host_over_pcscd(pcscd: None) -> None:
    run_state_machine_as_test(
        PcscMachine,
        settings=settings(
            max_examples=8, stateful_step_count=12, deadline=None, suppress_health_check=[HealthCheck.too_slow]
        ),
    )
    print("\n".join(PcscMachine.coverage.report()))
