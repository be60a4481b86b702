"""The prompter behind the PIN dialogs: it hands the service the answers already typed, each exactly once.

No Qt here: the dialog reads its fields into bytearrays, empties the fields, and gives the buffers to an
:class:`AnswerPrompter`. The service takes ownership of each buffer it asks for (and wipes it); whatever it did not
ask for is wiped when the prompter closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import TracebackType

from aosign_plugin import catalogs
from aosign_plugin.domain.secret import wipe_bytearray
from aosign_plugin.service.policy import Field

__all__ = ["AnswerPrompter"]


class AnswerPrompter:
    """A :class:`~aosign_plugin.service.pin_service.Prompter` over answers collected by a dialog.

    :param lang: the language of the service's labels and notices.
    :param answers: one buffer per field; the prompter owns them from now on.
    :param confirmed: the answer to a last-try question (the dialog's explicit confirmation checkbox).
    """

    def __init__(self, lang: str, answers: Mapping[Field, bytearray], *, confirmed: bool = False) -> None:
        self.lang = lang
        self._answers = dict(answers)
        self._fields = {catalogs.text(f"prompt.{field.value}", lang): field for field in Field}
        self._confirmed = confirmed
        #: what the service said along the way (the dialog shows these before typing already)
        self.notices: list[str] = []
        #: the questions the service asked, in order
        self.questions: list[str] = []

    @property
    def interactive(self) -> bool:
        return True

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def ask_secret(self, label: str, *, echo: bool = False) -> bytearray:
        """The answer for the field ``label`` names, handed over once (the caller owns and wipes it).

        :raises EOFError: no answer for that field, or it was handed over already.
        """
        field = self._fields.get(label)
        if field is None or field not in self._answers:
            raise EOFError
        return self._answers.pop(field)

    def confirm(self, question: str) -> bool:
        self.questions.append(question)
        return self._confirmed

    @property
    def pending(self) -> int:
        """How many answers were not handed over (yet)."""
        return len(self._answers)

    def wipe(self) -> None:
        """Wipe every answer not handed over; idempotent."""
        for buf in self._answers.values():
            wipe_bytearray(buf)
        self._answers.clear()

    def __enter__(self) -> AnswerPrompter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.wipe()
