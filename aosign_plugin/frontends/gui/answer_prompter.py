"""The asker behind the PIN dialogs: it hands the service the answers already typed, each exactly once.

No Qt here: the dialog reads its fields into bytearrays, empties the fields, and gives the buffers to an
:class:`AnswerPrompter`. The service takes ownership of each buffer it asks for (and wipes it); whatever it did not
ask for is wiped when the prompter closes.
"""

from __future__ import annotations

from collections.abc import Mapping

from aosign_plugin.domain.secret import wipe_bytearray
from aosign_plugin.policy.rules import Field
from aosign_plugin.service.outcomes import Consent, Notice

__all__ = ["AnswerPrompter"]


class AnswerPrompter:
    """An :class:`~aosign_plugin.service.outcomes.Asker` over answers collected by a dialog.

    :param answers: one buffer per field; the prompter owns them from now on.
    :param confirmed: the answer to a last-try question (the dialog's explicit confirmation checkbox).
    """

    def __init__(self, answers: Mapping[Field, bytearray], *, confirmed: bool = False) -> None:
        self._answers = dict(answers)
        self._confirmed = confirmed
        #: what the service said along the way (the dialog shows these before typing already)
        self.notices: list[Notice] = []
        #: the consents the service asked for, in order
        self.questions: list[Consent] = []

    @property
    def interactive(self) -> bool:
        return True

    def notify(self, notice: Notice) -> None:
        self.notices.append(notice)

    def ask_secret(self, field: Field, *, echo: bool) -> bytearray:
        """The answer for ``field``, handed over once (the caller owns and wipes it).

        :raises EOFError: no answer for that field, or it was handed over already.
        """
        if field not in self._answers:
            raise EOFError
        return self._answers.pop(field)

    def confirm(self, consent: Consent) -> bool:
        self.questions.append(consent)
        if consent is Consent.REPEATED_ANSWER:
            return True  # the dialog warned beside the field while it was typed: [OK] was the yes
        return self._confirmed

    def wipe(self) -> None:
        """Wipe every answer not handed over; idempotent."""
        for buf in self._answers.values():
            wipe_bytearray(buf)
        self._answers.clear()

    def __enter__(self) -> AnswerPrompter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.wipe()
