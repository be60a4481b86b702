"""Service: the PIN use cases, guarded by the card's state and the policy.

Every use case reads the state first (no try spent), says what the user must know before typing, checks each
answer against the one policy as soon as it is typed, then sends exactly one try-consuming command and never
retries. Secrets are wiped whatever happens.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Protocol

from aosign_plugin import catalogs
from aosign_plugin.backends import CardBackend
from aosign_plugin.domain.card_status import UNBLOCK_WARN_AT, Advice, CardState, CardStatus, PinState
from aosign_plugin.domain.errors import CardDeadError, NoAnswerError, NotConfirmedError, PinBlockedError, PinPolicyError
from aosign_plugin.domain.logs import get_logger
from aosign_plugin.domain.secret import Secret
from aosign_plugin.service.policy import Field, PolicySettings, Verdict, check_base, check_new_pin

__all__ = ["PinService", "Prompter"]

logger = get_logger(__name__)


class Prompter(Protocol):
    """The part of the host's UI the service uses (see ``hostapp_stub.api.HostUI``)."""

    lang: str

    @property
    def interactive(self) -> bool: ...

    def notice(self, text: str) -> None: ...

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray: ...

    def confirm(self, question: str) -> bool: ...


_PROMPTS = {
    Field.CURRENT_PIN: "prompt.current_pin",
    Field.NEW_PIN: "prompt.new_pin",
    Field.CONFIRM: "prompt.confirm",
    Field.UNBLOCK_CODE: "prompt.unblock_code",
}


class PinService:
    """Status, change and unlock for one card.

    :param backend: how the card is reached.
    :param policy: the deployment's policy for new PINs.
    """

    def __init__(self, backend: CardBackend, policy: PolicySettings) -> None:
        self.backend = backend
        self.policy = policy

    def status(self) -> CardStatus:
        """The card's state; no try is spent."""
        return self.backend.status()

    # --- helpers --------------------------------------------------------------------------------------------

    @staticmethod
    def _ask(ui: Prompter, stack: ExitStack, field: Field, echo: bool) -> Secret:
        text = catalogs.text(_PROMPTS[field], ui.lang)
        try:
            buf = ui.ask_secret(text, echo=echo)
        except EOFError:
            raise NoAnswerError(f"no answer for {field.value}") from None
        return stack.enter_context(Secret(buf))

    @staticmethod
    def _require(verdict: Verdict, ui: Prompter) -> None:
        if not verdict.ok:
            raise PinPolicyError(verdict)
        for warning in verdict.warnings:
            ui.notice(warning.message(ui.lang))

    @staticmethod
    def _advise(status: CardStatus, ui: Prompter) -> None:
        from aosign_plugin.frontends.terminal_view import advice_for

        advice = status.advice
        if advice is Advice.PIN_FINAL_TRY or advice is Advice.RESET_RECOMMENDED:
            ui.notice(advice_for(advice, status.pin.tries_left, ui.lang))

    def _pinpad(self, ui: Prompter) -> bool:
        """A backend whose PINs are typed on the reader: nothing is asked here (and no policy can be applied)."""
        if getattr(self.backend, "protected_path", False):
            ui.notice(catalogs.text("pinpad.enter_on_reader", ui.lang))
            return True
        return False

    # --- use cases --------------------------------------------------------------------------------------------

    def change_pin(self, ui: Prompter, *, echo: bool = False) -> CardStatus:
        """Ask the current PIN and the new one twice, then change it with one try.

        :returns: the status read before the change (the counter the user was shown).
        :raises CardDeadError, PinBlockedError: the card cannot take a PIN now; nothing was asked.
        :raises PinPolicyError: an answer the policy refuses; nothing was sent.
        :raises PinIncorrectError: the card counted a wrong current PIN.
        """
        status = self.backend.status()
        if status.state is CardState.DEAD:
            raise CardDeadError()
        if status.state is CardState.LOCKED:
            raise PinBlockedError()
        self._advise(status, ui)
        if self._pinpad(ui):
            self.backend.change_pin(None, None, seen=status.pin)
            return status
        with ExitStack() as stack:
            current = self._ask(ui, stack, Field.CURRENT_PIN, echo)
            self._require(check_base(current, Field.CURRENT_PIN), ui)
            new = self._ask(ui, stack, Field.NEW_PIN, echo)
            self._require(check_new_pin(new, None, current, self.policy), ui)
            confirm = self._ask(ui, stack, Field.CONFIRM, echo)
            verdict = check_new_pin(new, confirm, current, self.policy)
            if not verdict.ok:
                raise PinPolicyError(verdict)
            logger.info("Changing PIN")
            self.backend.change_pin(current, new, seen=status.pin)
        return status

    def unlock(self, ui: Prompter, *, echo: bool = False, final_try_ok: bool = False) -> CardStatus:
        """Ask the unblocking code from the sheet and a new PIN twice, then reset the PIN with one try of the code.

        Allowed at any time, locked or not. Before the code's last try an explicit yes is needed.

        :returns: the status read before the reset.
        :raises CardDeadError: the code is exhausted; nothing was asked.
        :raises NotConfirmedError: the last try of the code was not confirmed; nothing was sent.
        :raises PinPolicyError: an answer the policy refuses; nothing was sent.
        :raises PinIncorrectError: the card counted a wrong code.
        """
        status = self.backend.status()
        if status.state is CardState.DEAD:
            raise CardDeadError()
        ui.notice(catalogs.text("unlock.intro", ui.lang))
        code_state = status.unblock.state
        if code_state is PinState.FINAL_TRY:
            question = catalogs.text("unlock.final_try", ui.lang)
            if not final_try_ok:
                if not ui.interactive:
                    raise NotConfirmedError("the unblocking code's last try needs --final-try")
                if not ui.confirm(question):
                    raise NotConfirmedError("the unblocking code's last try was not confirmed")
            else:
                ui.notice(question)
        elif status.unblock.low or (
            status.unblock.tries_left is not None and status.unblock.tries_left <= UNBLOCK_WARN_AT
        ):
            from aosign_plugin.frontends.terminal_view import advice_for

            ui.notice(advice_for(Advice.UNBLOCK_LOW, status.unblock.tries_left, ui.lang))
        if self._pinpad(ui):
            self.backend.unblock_pin(None, None, seen=status.unblock)
            return status
        with ExitStack() as stack:
            code = self._ask(ui, stack, Field.UNBLOCK_CODE, echo)
            self._require(check_base(code, Field.UNBLOCK_CODE), ui)
            new = self._ask(ui, stack, Field.NEW_PIN, echo)
            self._require(check_new_pin(new, None, None, self.policy), ui)
            confirm = self._ask(ui, stack, Field.CONFIRM, echo)
            verdict = check_new_pin(new, confirm, None, self.policy)
            if not verdict.ok:
                raise PinPolicyError(verdict)
            logger.info("Resetting PIN with the unblocking code")
            self.backend.unblock_pin(code, new, seen=status.unblock)
        return status
