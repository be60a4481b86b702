"""The plugin's checks for ``aosign-host doctor``, in the order a helpdesk would ask, each failure with its fix.

What is checked, and how, comes from the layers that own the rules: the settings (:mod:`aosign_plugin.service.
settings`), the backends' own choice of reader and token (``open_reader``, :class:`~aosign_plugin.backends.pkcs11.
pkcs11_backend.Pkcs11Backend`), the module rules, the service's status read and the audit settings. Nothing here can
cost a try: the card gets a SELECT and the service's empty VERIFYs, a PKCS#11 module no session and no login. No
secret is read, so none can be shown. A check that cannot run is a failed check with the reason, never a traceback.

Stable check ids (README): ``backend``; ``pcsc.service``, ``pcsc.readers``, ``pcsc.cards``, ``pcsc.aosign``,
``pcsc.reader``; ``pkcs11.module``, ``pkcs11.load``, ``pkcs11.token``; ``sim.card``; ``card``, ``certificates``;
``audit``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aosign_plugin import catalogs
from hostapp_stub.api import Check, Request

if TYPE_CHECKING:
    from aosign_plugin.config.settings import Settings
    from aosign_plugin.domain.card_status import CardStatus
    from aosign_plugin.domain.errors import CardUnavailableError

__all__ = ["doctor_checks"]


def _os() -> str:
    import sys

    return {"win32": "windows", "darwin": "macos"}.get(sys.platform, "linux")


@dataclass
class _Doctor:
    settings: Settings
    lang: str
    manifest_has: Callable[[str], bool]
    checks: list[Check] = field(default_factory=list)
    #: the id of the first failed check the card's reading depends on
    blocker: str | None = None
    #: the reader ``auto`` chose (it picks the one card that answers the AOSign SELECT, whatever else is inserted)
    auto_reader: str | None = None
    #: ``[pkcs11] p11kit``: the module found through p11-kit when the manifest names none for this OS
    p11kit: str | None = None

    # --- texts -----------------------------------------------------------------------------------------------------

    def t(self, name: str, /, **params: object) -> str:
        return catalogs.text(f"doctor.{name}", self.lang, **params)

    def ok(self, check_id: str, name: str, /, **params: object) -> Check:
        check = Check(check_id, True, self.t(name, **params))
        self.checks.append(check)
        return check

    def fail(self, check_id: str, summary: str, fix: str, *, blocks: bool = True) -> Check:
        check = Check(check_id, False, summary, fix)
        if blocks and self.blocker is None:
            self.blocker = check_id
        self.checks.append(check)
        return check

    def guarded(self, check_id: str, run: Callable[[], None]) -> bool:
        """Run one step; an unexpected error becomes a failed check (the report goes on). False when it failed."""
        before = len(self.checks)
        try:
            run()
        except Exception as e:  # a check that cannot run is a failed check with the reason
            reason = f"{type(e).__name__}: {e}"
            self.fail(check_id, self.t("could_not_run", reason=reason), self.t("could_not_run_fix"))
        return all(c.ok for c in self.checks[before:])

    # --- the backend ------------------------------------------------------------------------------------------------

    def backend(self) -> str:
        """The backend in force, and where it comes from; for ``auto``, what it stands for now and why."""
        from aosign_plugin.config.settings import Backend

        value = self.settings.backend.value
        origin = self.t("origin.manifest") if self.manifest_has("plugin.backend") else self.t("origin.default")
        auto = getattr(Backend, "AUTO", None)
        if auto is None or self.settings.backend is not auto:
            self.ok("backend", "backend", backend=value, origin=origin)
            return value
        from aosign_plugin.backends import open_backend
        from aosign_plugin.domain.errors import CardUnavailableError

        try:
            chosen = open_backend(self.settings)
        except CardUnavailableError as e:
            from aosign_plugin.backends.sim_backend import SimBackend
            from aosign_plugin.simcard.fixes import issue_command

            state = e.sim_state or SimBackend(self.settings).state_path
            self.fail(
                "backend",
                self.t("backend.auto_none", origin=origin, detail=e.detail or _word(e.reason)),
                self.t("fix.auto_none", command=issue_command(state)),
            )
            return "pcsc"  # show what PC/SC sees: it says which way is closest
        name = str(getattr(chosen, "name", "?"))
        if name == "sim":
            # the commands will use the simulated card: its checks are the ones that tell whether they work (what
            # PC/SC does not do is said here, never as a passed check of its own)
            path = getattr(chosen, "state_path", "?")
            key = "backend.auto_no_service" if _pcsc_silent() else "backend.auto_sim"
            self.ok("backend", key, origin=origin, path=path)
            return "sim"
        reader = getattr(chosen, "exact_reader", None) or getattr(chosen, "reader", None) or "?"
        self.auto_reader = str(reader)
        self.ok("backend", "backend.auto_pcsc", origin=origin, reader=reader)
        return "pcsc"

    # --- PC/SC ------------------------------------------------------------------------------------------------------

    def pcsc(self) -> None:
        try:
            from aosign_plugin.transport import pyscard_reader as pr
        except ImportError as e:
            self.fail("pcsc.service", self.t("pcsc.no_pyscard", error=e), self.t("fix.reinstall"))
            return
        from aosign_plugin.transport import TransportError

        socket = pr.service_socket()
        try:
            readers = pr.survey()
        except TransportError as e:
            if _word(e.reason) == "no_service":
                where = self.t("pcsc.socket_missing", path=socket) if socket and not os.path.exists(socket) else ""
                summary = self.t("pcsc.no_service", detail=e.detail, where=where)
                self.fail("pcsc.service", summary.strip(), self.t(f"fix.no_service.{_os()}"))
            else:
                self.fail("pcsc.readers", self.t("pcsc.list_failed", detail=e.detail), self.t("fix.no_reader"))
            return
        if socket:
            self.ok("pcsc.service", "pcsc.service_socket", path=socket)
        else:
            self.ok("pcsc.service", "pcsc.service")
        if not readers:
            self.fail("pcsc.readers", self.t("pcsc.no_reader"), self.t(f"fix.no_reader.{_os()}"))
            return
        self.ok("pcsc.readers", "pcsc.readers", count=len(readers), readers=", ".join(r for r, _, _ in readers))
        holding = [(r, atr, mute) for r, atr, mute in readers if atr is not None]
        if not holding:
            self.fail("pcsc.cards", self.t("pcsc.no_card"), self.t("fix.no_card"))
            return
        cards = "; ".join(
            f"{r}: ATR {atr.hex(' ').upper()}" + (" " + self.t("pcsc.mute") if mute else "")
            for r, atr, mute in holding
            if atr is not None
        )
        self.ok("pcsc.cards", "pcsc.cards", cards=cards)
        aosign = self._aosign_cards(pr, [r for r, _, mute in holding if not mute])
        if aosign is None:
            return
        self._picked_reader(pr, [r for r, _, _ in readers], [r for r, _, _ in holding], aosign)

    def _aosign_cards(self, pr: object, holding: list[str]) -> list[str] | None:
        """The readers whose card answers the AOSign application's SELECT (None: the check failed)."""
        from aosign_plugin.apdu.iso7816 import INS_SELECT, ApduError, ApduProtocol, sw_name
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport.pyscard_reader import open_named_reader

        dialect = self.settings.dialect
        if dialect.aid is None:
            self.ok("pcsc.aosign", "pcsc.no_aid")
            return list(holding)
        answers: list[str] = []
        aosign: list[str] = []
        for reader in holding:
            try:
                with open_named_reader(reader, busy_wait=self.settings.card_busy_wait) as conn, conn.transaction():
                    ApduProtocol(conn).send_apdu(dialect.cla, INS_SELECT, 0x04, 0x00, dialect.aid)
                aosign.append(reader)
                answers.append(self.t("pcsc.select_ok", reader=reader))
            except ApduError as e:
                answers.append(self.t("pcsc.select_refused", reader=reader, sw=sw_name(e.sw)))
            except TransportError as e:
                answers.append(self.t("pcsc.select_no_answer", reader=reader, detail=e.detail or _word(e.reason)))
        aid = dialect.aid.hex().upper()
        if not aosign:
            summary = self.t("pcsc.not_aosign", aid=aid, answers="; ".join(answers) or "-")
            self.fail("pcsc.aosign", summary, self.t("fix.not_aosign"))
            return None
        self.ok("pcsc.aosign", "pcsc.aosign", aid=aid, answers="; ".join(answers))
        return aosign

    def _picked_reader(self, pr: object, readers: list[str], holding: list[str], aosign: list[str]) -> None:
        """The reader the manifest's ``[pcsc] reader`` rule picks, by the backend's own rule (``open_reader``)."""
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport.pyscard_reader import open_reader

        if self.auto_reader is not None:
            self.ok("pcsc.reader", "pcsc.reader", reader=self.auto_reader, rule=self.t("pcsc.rule_auto"))
            return
        match = self.settings.pcsc_reader
        rule = self.t("pcsc.rule", match=match) if match else self.t("pcsc.rule_any")
        try:
            with open_reader(match, busy_wait=self.settings.card_busy_wait) as conn:
                picked = conn.reader or "?"
        except TransportError as e:
            self._reader_failed(_word(e.reason), rule, match, readers, aosign)
            return
        if picked not in aosign:
            where = ", ".join(aosign)
            self.fail(
                "pcsc.reader",
                self.t("pcsc.picked_not_aosign", reader=picked, rule=rule, aosign=where),
                self.t("fix.wrong_reader", reader=picked, aosign=where),
            )
            return
        self.ok("pcsc.reader", "pcsc.reader", reader=picked, rule=rule)

    def _reader_failed(self, reason: str, rule: str, match: str | None, readers: list[str], aosign: list[str]) -> None:
        where = ", ".join(aosign) or "-"
        if reason == "several_cards":
            summary = self.t("pcsc.several_cards", rule=rule, aosign=where)
            fix = self.t("fix.several_cards", aosign=where)
        elif reason == "no_reader":
            summary = self.t("pcsc.rule_matches_none", rule=rule, readers=", ".join(readers))
            fix = self.t("fix.rule_matches_none", readers=", ".join(readers))
        elif reason == "no_card" and aosign:
            summary = self.t("pcsc.card_elsewhere", rule=rule, aosign=where)
            fix = self.t("fix.card_elsewhere", match=match or "", aosign=where)
        else:
            summary = self.t(
                "pcsc.picked_failed",
                rule=rule,
                reason=catalogs.text(f"unavailable.{reason}", self.lang, detail="-")
                if f"unavailable.{reason}" in catalogs.catalog(self.lang)
                else reason,
            )
            fix = self.t("fix.no_card")
        self.fail("pcsc.reader", summary, fix)

    # --- PKCS#11 ----------------------------------------------------------------------------------------------------

    def pkcs11(self) -> None:
        from aosign_plugin.config.module_rules import ModuleProblem, check_module

        os_key = _os()
        locked = self.settings.pkcs11_module_locked
        path = self.settings.pkcs11_modules.get(os_key)
        source = f"[pkcs11] module.{os_key}"
        if path is None and self.p11kit:
            from aosign_plugin.config.p11kit_config import ConfigUntrusted
            from aosign_plugin.config.p11kit_names import find_p11kit_config, known_p11kit_modules

            try:
                found = find_p11kit_config(self.p11kit, administrator=locked)
            except ConfigUntrusted as e:
                rule = e.rule if e.rule in ("owner", "writable") else "unreadable"
                summary = catalogs.text(f"manifest.p11kit_untrusted.{rule}", self.lang, path=e.path)
                self.fail("pkcs11.module", summary, self.t("fix.p11kit_untrusted", path=e.path))
                return
            # where the path came from: the p11-kit config that named it (the user's own, or the system's; an
            # alias's config names the name found)
            source = self.t("pkcs11.p11kit_source", name=self.p11kit, config=found.config) if found else source
            path = found.module if found is not None else None
            if path is None:
                known = ", ".join(known_p11kit_modules()) or "-"
                self.fail(
                    "pkcs11.module",
                    self.t("pkcs11.p11kit_unknown_known", name=self.p11kit, known=known),
                    self.t("fix.p11kit_unknown", name=self.p11kit),
                )
                return
        if path is None:
            self.fail("pkcs11.module", self.t("pkcs11.no_module", key=os_key), self.t("fix.no_module", key=os_key))
            return
        try:
            check_module(path, self.settings.pkcs11_sha256.get(os_key), administrator=locked)
        except ModuleProblem as e:
            admin = "_admin" if locked and e.rule == "owner" else ""
            summary = catalogs.text(f"manifest.module_{e.rule}{admin}", self.lang, path=e.path)
            self.fail(
                "pkcs11.module",
                self.t("pkcs11.refused", source=source, problem=summary),
                self.t(f"fix.module_{e.rule}", path=e.path, module=path, key=os_key),
            )
            return
        pinned = self.t("pkcs11.pinned") if self.settings.pkcs11_sha256.get(os_key) else ""
        if locked:
            source += self.t("pkcs11.locked_source")
        self.ok("pkcs11.module", "pkcs11.module", path=path, source=source, pinned=pinned)
        from aosign_plugin.backends.pkcs11.backend import Pkcs11Backend
        from aosign_plugin.domain.errors import CardUnavailableError

        try:
            backend = Pkcs11Backend(self.settings, unblock_style=self.settings.pkcs11_unblock, module_path=path)
            info = backend.library_info()
        except CardUnavailableError as e:
            self.fail(
                "pkcs11.load",
                self.t("pkcs11.load_failed", detail=e.detail or _word(e.reason)),
                self.t("fix.module_load", path=path),
            )
            return
        self.ok("pkcs11.load", "pkcs11.load", info=info)
        uri = self.settings.pkcs11_token or "pkcs11:"
        listing = "-"
        try:
            slots = backend.slot_inventory()
            listing = "; ".join(f"{slot} → {token or self.t('pkcs11.empty_slot')}" for slot, token in slots) or "-"
            token = backend.pick_token()
        except CardUnavailableError as e:
            if _word(e.reason) == "several_tokens":
                fix = self.t("fix.several_tokens")
                summary = self.t("pkcs11.several_tokens", uri=uri, tokens=e.detail)
            elif _word(e.reason) == "no_token":
                fix = self.t("fix.no_token")
                summary = self.t("pkcs11.no_token", uri=uri, slots=listing)
            else:
                fix = self.t("fix.module_load", path=path)
                summary = self.t("pkcs11.load_failed", detail=e.detail or _word(e.reason))
            self.fail("pkcs11.token", summary, fix)
            return
        self.ok("pkcs11.token", "pkcs11.token", uri=uri, token=token, slots=listing)

    # --- the simulated card -----------------------------------------------------------------------------------------

    def sim(self) -> None:
        """The simulated card's state file: there, a card state, and writable as the card writes it (a temporary
        file beside it, flushed to the disk, then removed: the state is never opened for writing)."""
        from aosign_plugin.backends.sim_backend import SimBackend
        from aosign_plugin.simcard.fixes import fault_fix
        from aosign_plugin.simcard.store import CardStateError, CardStateMissingError, CardStore

        path = Path(SimBackend(self.settings).state_path)
        try:
            CardStore(path).load()
        except CardStateMissingError:
            fix = fault_fix("no_sim_card", path, self.lang) or ""
            self.fail("sim.card", self.t("sim.none", path=path), fix)
            return
        except CardStateError as e:
            summary = catalogs.text(f"unavailable.{e.reason}", self.lang, detail=e.detail or "-")
            self.fail("sim.card", summary, fault_fix(e.reason, path, self.lang) or self.t("could_not_run_fix"))
            return
        problem = _write_problem(path, self.lang)
        if problem is not None:  # the card can still be read (status works); what writes it fails
            fix = self.t("fix.disk_full", folder=path.parent) if problem[0] == "full" else ""
            self.fail(
                "sim.card",
                self.t("sim.unwritable", path=path, problem=problem[1]),
                fix or self.t("fix.sim_unwritable", folder=path.parent),
                blocks=False,
            )
            return
        log = self.settings.sim_log  # the card appends each command to it: every command fails where it cannot
        problem = _write_problem(Path(log), self.lang) if log is not None else None
        if log is not None and problem is not None:
            fix = self.t("fix.disk_full", folder=Path(log).parent) if problem[0] == "full" else ""
            self.fail(
                "sim.card",
                self.t("sim.log_unwritable", path=log, problem=problem[1]),
                fix or self.t("fix.sim_log_unwritable", folder=Path(log).parent),
            )
            return
        self.ok("sim.card", "sim.card", path=path)

    # --- the card ---------------------------------------------------------------------------------------------------

    def card(self) -> None:
        if self.blocker is not None:
            self.fail(
                "card",
                self.t("card.not_read", check=self.blocker),
                self.t("fix.first", check=self.blocker),
                blocks=False,
            )
            return
        from aosign_plugin.domain.errors import AosignError, CardUnavailableError
        from aosign_plugin.service.pin_service import open_service

        try:
            status = open_service(self.settings).status()  # the service's read: empty VERIFYs, no try spent
        except CardUnavailableError as e:
            self.fail("card", self._unavailable_text(e), self._unavailable_fix(e))
            return
        except AosignError as e:
            self.fail("card", str(e), self.t("could_not_run_fix"))
            return
        self._card_state(status)
        self._certificates(status)

    def _unavailable_text(self, e: CardUnavailableError) -> str:
        key = f"unavailable.{_word(e.reason)}"
        if key in catalogs.catalog(self.lang):
            return catalogs.text(key, self.lang, detail=e.detail or "-")
        return f"{_word(e.reason)}: {e.detail}"

    def _unavailable_fix(self, e: CardUnavailableError) -> str:
        from aosign_plugin.simcard.fixes import fault_fix

        command = fault_fix(e.reason, e.sim_state, self.lang)  # the very words the command line says
        if command is not None:
            return command
        key = f"fix.card.{_word(e.reason)}"
        if f"doctor.{key}" in catalogs.catalog(self.lang):
            return self.t(key)
        return self.t("fix.card.other")

    def _card_state(self, status: CardStatus) -> None:
        from aosign_plugin.domain.card_status import CardState

        pin, code = status.pin.tries_left, status.unblock.tries_left
        unknown = self.t("card.unknown")
        params = {
            "reader": catalogs.text("status.sim_name", self.lang) if status.backend == "sim" else status.reader or "-",
            "state": catalogs.text(f"state.{status.state.value}", self.lang),  # the status's own words
            "pin": unknown if pin is None else pin,
            "code": unknown if code is None else code,
        }
        if status.state is CardState.DEAD:
            fix = catalogs.text("card.dead", self.lang) + " " + catalogs.text("card.dead_howto", self.lang)
            self.fail("card", self.t("card", **params), fix)
        elif status.state is CardState.LOCKED:
            fix = catalogs.text("pin.locked_howto", self.lang)
            self.fail("card", self.t("card", **params), fix)
        else:
            self.ok("card", "card", **params)

    def _certificates(self, status: CardStatus) -> None:
        """What the status read holds about certificates (once the card's status carries them)."""
        certificates = getattr(status, "certificates", None)
        if certificates is None:
            return
        from aosign_plugin.frontends.certificate_view import certificate_label
        from aosign_plugin.frontends.local_dates import days_until, local_date

        rows = [c.to_json() for c in certificates]
        unreadable = [u.to_json() for u in getattr(status, "unreadable_certificates", ())]
        if not rows and not unreadable:
            self.ok("certificates", "certificates.none")
            return
        listed = "; ".join(
            self.t(
                "certificates.item",
                subject=c.info.subject,
                not_after=local_date(c.info.not_after, self.lang),  # as the status says it: the local day
                state=catalogs.text(f"cert_state.{c.state.value}", self.lang),
                days=days_until(c.info.not_after),
            )
            for c in certificates
        )
        if unreadable:
            listed += "; " + "; ".join(
                self.t(
                    "certificates.unreadable",
                    label=certificate_label(u.label, self.lang),
                    reason=catalogs.text(f"cert_reason.{u.reason}", self.lang),
                )
                for u in getattr(status, "unreadable_certificates", ())
            )
        bad = [r for r in rows if r.get("state") in ("expired", "not_yet_valid")]
        if bad or unreadable:
            self.fail("certificates", listed, self.t("fix.certificates"), blocks=False)
        else:
            self.ok("certificates", "certificates", listed=listed)

    # --- the audit log ----------------------------------------------------------------------------------------------

    def audit(self) -> None:
        audit = self.settings.audit
        if not audit.enabled:
            self.ok("audit", "audit.disabled")
            return
        from aosign_plugin.service.audit import audit_path, inspect, refusal_text

        if audit.sink == "system":
            self._audit_system()
            return
        path = audit_path(audit)  # {user} filled in, as the log is written
        refused = inspect(audit)
        if refused is not None:  # issue 26: a planted name, or a folder others could replace it in
            self.fail("audit", refusal_text(refused, self.lang), self.t("fix.audit_refused"), blocks=False)
            return
        problem = _write_problem(path, self.lang)
        if problem is not None:
            fix = self.t("fix.disk_full", folder=path.parent) if problem[0] == "full" else ""
            self.fail(
                "audit",
                self.t("audit.unwritable", path=path, problem=problem[1]),
                fix or self.t("fix.audit", path=path, folder=path.parent),
                blocks=False,
            )
            return
        size = path.stat().st_size if path.is_file() else 0
        self.ok("audit", "audit", path=path, size=size, max_bytes=audit.max_bytes)

    def _audit_system(self) -> None:
        """``sink = "system"``: the OS's log is there to take the lines (Linux: the logger's socket /dev/log)."""
        where = _audit_system_place()
        if _os() == "linux":
            import stat as stat_module

            try:
                is_socket = stat_module.S_ISSOCK(os.stat(where).st_mode)
            except OSError:
                is_socket = False
            if not is_socket:
                self.fail("audit", self.t("audit.no_system_log", where=where), self.t("fix.audit_system"), blocks=False)
                return
        self.ok("audit", "audit.system", where=where)


def _audit_system_place() -> str:
    from aosign_plugin.service.system_log import DEV_LOG

    return {"windows": "Windows event log (Application)", "macos": "syslog"}.get(_os(), DEV_LOG)


def _word(reason: object) -> str:
    """A reason's stable word (an ``UnavailableReason`` or, from older callers, the word itself)."""
    return str(getattr(reason, "value", reason))


def _pcsc_silent() -> bool:
    """The PC/SC service does not answer here (or pyscard is missing): what ``auto`` met before it chose the
    simulated card."""
    try:
        from aosign_plugin.transport import TransportError
        from aosign_plugin.transport import pyscard_reader as pr
    except ImportError:
        return True
    try:
        pr.survey()
    except TransportError as e:
        return _word(e.reason) == "no_service"
    return False


def _write_problem(path: Path, lang: str) -> tuple[str, str] | None:
    """Why ``path`` could not be written as the commands write it, proven by trying, changing nothing: the file
    (when there) opened for appending, never truncated; a temporary file in its folder (the first folder up that
    exists, when it is not there yet) written, flushed to the disk and removed, which is how the simulated card
    saves its state and how the audit log rotates. A full disk, a read-only disk or a missing permission is met
    here as the command would meet it. None when it can be written, else the problem's word (``full``,
    ``read_only``, ``denied``, ``not_a_file``, ``not_a_folder``, ``other``) and its text."""
    import errno
    import tempfile

    def t(key: str, **params: object) -> tuple[str, str]:
        return key, catalogs.text(f"doctor.problem.{key}", lang, **params)

    def said(e: OSError) -> tuple[str, str]:
        if e.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):  # no EDQUOT on Windows
            return t("full")
        if e.errno == errno.EROFS:
            return t("read_only")
        if e.errno in (errno.EACCES, errno.EPERM):
            return t("denied")
        return t("other", error=errno.errorcode.get(e.errno or 0, str(e)))

    size = 1
    if os.path.lexists(path):
        if not path.is_file():
            return t("not_a_file")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        except OSError as e:
            return said(e)
        os.close(fd)
        size = max(size, min(path.stat().st_size, 1 << 16))
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        return t("not_a_folder", folder=folder)
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".doctor", dir=folder)
    except OSError as e:
        return said(e)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(b"\n" * size)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as e:
        return said(e)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    return None


def _has(manifest: object, dotted: str) -> bool:
    for part in dotted.split("."):
        if not isinstance(manifest, dict) or part not in manifest:
            return False
        manifest = manifest[part]
    return True


def doctor_checks(request: Request) -> list[Check]:
    """The plugin's checks for the manifest in force, in the request's language."""
    from aosign_plugin.config.settings import parse_settings

    settings, _ = parse_settings(request.manifest)  # the host's ``manifest`` check names the problems
    d = _Doctor(settings, request.lang, lambda key: _has(dict(request.manifest), key))
    p11 = request.manifest.get("pkcs11")
    p11kit = p11.get("p11kit") if isinstance(p11, dict) else None
    d.p11kit = p11kit if isinstance(p11kit, str) and p11kit else None
    backend = "?"

    def choose() -> None:
        nonlocal backend
        backend = d.backend()

    d.guarded("backend", choose)
    if backend == "pcsc":
        d.guarded("pcsc", d.pcsc)
    elif backend == "pkcs11":
        d.guarded("pkcs11", d.pkcs11)
    elif backend == "sim":
        d.guarded("sim.card", d.sim)
    if d.checks and d.checks[0].id == "backend" and not d.checks[0].ok:
        d.blocker = "backend"
    d.guarded("card", d.card)
    d.guarded("audit", d.audit)
    return d.checks
