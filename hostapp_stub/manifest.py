"""Finding, reading, merging and checking the deployment manifest.

Which files: the system's (in a folder the OS names, never one the user's environment names; see
:mod:`hostapp_stub.platforms`), then ``--manifest PATH``, else ``$AOSIGN_MANIFEST``, else the user's file, else the
built-in default (no file: the plugin's ``backend = "auto"``). The file given takes the user file's place: it is
merged over the system file, a key at a time, and may not set a key the system file locks in ``[manifest] locked``;
such a value is ignored with a warning naming the key and the system file, and commands go on. Only the system file
may lock keys. The system file itself must be one that no one but the administrators can change
(:mod:`hostapp_stub.file_trust`): if it is not, nothing is read and every command stops (exit 7) naming the file and
the rule, rather than drop its locks.

What the system file sets in ``[plugins]`` and ``[audit]`` holds without a lock: a user file may only narrow the
plugin lists (names compared after PEP 503 normalisation, :func:`normalize_name`) and may not switch off, move or
shrink the audit log. Locking ``pkcs11.module`` also locks ``pkcs11.p11kit`` (they name one thing). Whether the
system file is there is asked of each component of its path (:func:`probe_system_file`): "cannot tell" stops every
command (exit 7) with the folder and the fix. No file is nested deeper than :data:`MAX_DEPTH`.

Paths a plugin declares (:func:`resolve_paths`) are read against the folder of the file that set them.

The host owns two tables: ``[manifest]`` (``locked``: keys or tables the other files may not set) and
``[plugins]`` (``allow``/``block``: which plugin distributions may load). Every other table belongs to a plugin,
which checks it; a table nobody owns is an error. Each problem names its file, line and column.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .messages import text
from .records import Record, field, replace

if TYPE_CHECKING:
    from .tomlpos import Position

__all__ = [
    "HOST_TABLES",
    "MAX_BYTES",
    "MAX_DEPTH",
    "Ignored",
    "Manifest",
    "ManifestError",
    "Problem",
    "Source",
    "check_manifest",
    "check_system_file",
    "load_manifest",
    "load_manifest_file",
    "locate_manifest",
    "manifest_warnings",
    "normalize_name",
    "plugin_path_keys",
    "probe_system_file",
    "resolve_paths",
]

HOST_TABLES: dict[str, tuple[str, ...]] = {"manifest": ("locked",), "plugins": ("allow", "block")}


class ManifestError(Exception):
    """A manifest file cannot be read or parsed; the text names the file, line and column."""


class Source(Record):
    """One manifest file as read: where it is, what it says and (found when first asked) where each key stands."""

    path: Path
    origin: str  # "explicit", "env", "user", "system"
    data: Mapping[str, Any]
    text: str = ""

    @cached_property
    def positions(self) -> dict[str, Position]:
        from .tomlpos import key_positions

        return key_positions(self.text)


class Problem(Record):
    """One problem, at a place when it has one."""

    path: Path | None
    position: Position | None
    key: str | None
    text: str

    def format(self, lang: str) -> str:
        where = str(self.path) if self.path else text("manifest.builtin", lang)
        if self.position:
            where += f":{self.position[0]}:{self.position[1]}"
        return f"{where}: {self.key}: {self.text}" if self.key else f"{where}: {self.text}"


class Ignored(Record):
    """A value a file set and the merge ignored: the system file locks it (``locked_by``), or it is ``[manifest]``
    outside the system file (``locked_by`` None)."""

    key: str
    value: object
    source: Source
    locked_by: Path | None


class Manifest(Record):
    """The manifest in force: merged data, for each key the source it came from, and what was ignored."""

    data: Mapping[str, Any] = field(default_factory=dict)
    sources: tuple[Source, ...] = ()
    origins: Mapping[str, Source] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    #: the values ignored (locked keys set outside the system file), one warning each, never an error
    warnings: tuple[Problem, ...] = ()
    ignored: tuple[Ignored, ...] = ()

    @property
    def path(self) -> Path | None:
        """The file that decides (the last one read), None for the built-in default."""
        return self.sources[-1].path if self.sources else None

    def warning_lines(self, lang: str) -> list[str]:
        """One line per ignored value, for standard error (commands go on)."""
        return [text("manifest.warning", lang, problem=w.format(lang)) for w in self.warnings]

    def display(self, lang: str) -> str:
        if not self.sources:
            return text("manifest.builtin", lang)
        return ", ".join(str(s.path) for s in self.sources)

    def place(self, key: str) -> tuple[Path | None, Position | None]:
        """The file and position a dotted key (or its nearest enclosing key) came from."""
        from .tomlpos import locate

        parts = key.split(".")
        while parts:
            source = self.origins.get(".".join(parts))
            if source is not None:
                return source.path, locate(source.positions, key)
            parts.pop()
        if self.sources:
            return self.sources[-1].path, None
        return None, None

    def locked_by(self, key: str) -> Path | None:
        """The system manifest that locks ``key`` (``[manifest] locked``), or None when nothing locks it."""
        for source in self.sources:
            if source.origin == "system" and _is_locked(key, _locked(source)):
                return source.path
        return None

    def plugin_allowed(self, dist: str) -> bool:
        """Whether the ``[plugins]`` table lets distribution ``dist`` load (names compared after
        :func:`normalize_name`)."""
        table = self.data.get("plugins", {})
        if not isinstance(table, Mapping):
            return True
        norm = normalize_name(dist)
        block = table.get("block", [])
        allow = table.get("allow")
        if not isinstance(block, list) or (allow is not None and not isinstance(allow, list)):
            return False  # a list that is not a list of names: load nothing rather than guess
        if norm in {normalize_name(str(b)) for b in block}:
            return False
        return allow is None or norm in {normalize_name(str(a)) for a in allow}


def normalize_name(name: str) -> str:
    """A distribution name as PEP 503 compares it (``Aosign_Plugin``, ``aosign.plugin`` and ``aosign--plugin`` are
    all ``aosign-plugin``): the plugin loader's own rule (:func:`hostapp_stub.plugins.normalize`, issue 24)."""
    from .plugins import normalize

    return normalize(name)


def locate_manifest(explicit: str | None, lang: str = "en") -> tuple[list[tuple[Path, str]], bool]:
    """The files to read, each with its origin, and whether one was given explicitly.

    The system file first when it is there (its place comes from the OS, never from the environment), then
    ``--manifest``, else ``$AOSIGN_MANIFEST``, else the user's file: the file given takes the user file's place.
    """
    from .platforms import MANIFEST_NAME, location

    try:
        system = location("system") / MANIFEST_NAME
    except OSError as e:  # Windows: the shell cannot name the ProgramData folder (the locks' place is unknown)
        raise ManifestError(text("manifest.no_system_place", lang, error=e.strerror or e)) from None
    files: list[tuple[Path, str]] = []
    if probe_system_file(system, lang):
        files.append((system, "system"))  # even when it is not a readable file: then it is an error, never skipped
    given = explicit or os.environ.get("AOSIGN_MANIFEST")
    if given:
        path = Path(given)
        if not (files and _same_file(path, system)):  # the system file given by name is read once, as the system's
            files.append((path, "explicit" if explicit else "env"))
        return files, True
    user = location("config") / MANIFEST_NAME  # platformdirs is imported only now, when no file was given
    if user.is_file():
        files.append((user, "user"))
    return files, False


class SystemPlaceError(ManifestError):
    """Whether the system manifest is there cannot be told (a folder on its way that this account cannot search, a
    link loop, an I/O error): every command stops rather than run without the administrator's locks. ``fix`` says
    how to make the place readable (doctor shows it)."""

    def __init__(self, message: str, fix: str) -> None:
        super().__init__(f"{message} {fix}")
        self.summary = message
        self.fix = fix


def probe_system_file(
    path: PurePath, lang: str, *, lstat: Callable[[PurePath], object] | None = None, windows: bool | None = None
) -> bool:
    """Whether the system manifest ``path`` is there: each component of its path ``lstat``-ed in turn.

    "Not there" is only what the OS says when a name does not exist (``ENOENT``; ``ENOTDIR`` when a component is a
    file); ``os.path.lexists`` takes every error for "not there", so a folder an ordinary account cannot search (a
    root umask of 027 makes ``/etc/xdg/aosign`` ``drwxr-x---``) would silently drop every lock for that account.

    :param lstat: the stat call (tests give one replaying what Windows or macOS answered).
    :param windows: whose fix to name (default: this OS's).
    :raises SystemPlaceError: any other error (``EACCES``, ``ELOOP``, ``EIO``...), naming the folder and the fix.
    """
    import errno

    stat_call: Callable[[Any], object] = lstat or os.lstat
    current = path.__class__(path.anchor) if path.anchor else path.__class__()
    for part in path.parts[1:] if path.anchor else path.parts:
        current = current / part
        try:
            stat_call(current)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as e:
            if e.errno in (errno.ENOENT, errno.ENOTDIR):
                return False
            # EACCES/EPERM: the folder above could not be searched (every earlier component could be stat'ed);
            # anything else (ELOOP, EIO): the component itself
            denied = isinstance(e, PermissionError) or e.errno in (errno.EACCES, errno.EPERM)
            folder = current.parent if denied else current
            on_windows = sys.platform == "win32" if windows is None else windows
            kind = "windows" if on_windows else "posix"
            fix = text(f"manifest.system_place_fix.{kind}{'' if denied else '_other'}", lang, folder=folder)
            error = e.strerror or str(e)
            raise SystemPlaceError(
                text("manifest.system_place", lang, path=path, folder=folder, error=error), fix
            ) from None
        except ValueError:  # a NUL: not a name the OS could hold
            return False
    return True


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


#: a manifest is a few kilobytes; anything past this is not one (and ``/dev/zero`` must not fill the memory)
MAX_BYTES = 1 << 20


def load_manifest_file(path: Path, origin: str, lang: str, parsed: ParseCache | None = None) -> Source:
    """Read and parse one manifest file (UTF-8, with or without a BOM; at most :data:`MAX_BYTES`).

    :param parsed: the parse cache: a file whose text it holds is not parsed again (never the system file's).
    :raises ManifestError: unreadable, too large, or not valid TOML (the text gives the line and column).
    """
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except (OSError, ValueError) as e:  # ValueError: a NUL in the path
        reason = (e.strerror or e) if isinstance(e, OSError) else e
        message = text("manifest.read_error", lang, path=path, error=reason)
        if origin == "system" and isinstance(e, PermissionError):  # a root umask of 027 made it 0640
            kind = "windows" if sys.platform == "win32" else "posix"
            raise SystemPlaceError(message, text(f"manifest.system_file_fix.{kind}", lang, path=path)) from None
        raise ManifestError(message) from None
    if len(raw) > MAX_BYTES:
        raise ManifestError(text("manifest.too_large", lang, path=path, limit=MAX_BYTES // 1024))
    try:
        body = raw.decode("utf-8").removeprefix("\ufeff")  # Notepad saves UTF-8 with a BOM
    except UnicodeDecodeError as e:
        raise ManifestError(text("manifest.syntax", lang, path=path, error=f"not UTF-8 ({e.reason})")) from None
    data = parsed.get(path, body) if parsed is not None else None
    if data is None:
        data = _parse(path, body, lang)
        if parsed is not None:
            parsed.put(path, body, data)
    return Source(path=path, origin=origin, data=data, text=body)


#: tables and arrays nest at most this deep in a manifest (the deepest key it knows, ``pkcs11.module.linux``, is 3)
MAX_DEPTH = 10


def _parse(path: Path, body: str, lang: str) -> dict[str, Any]:
    import tomllib

    try:
        data = tomllib.loads(body)
    except tomllib.TOMLDecodeError as e:
        # ``file:line:column:`` as every other problem (tomllib puts the place at the end of its message)
        import re

        error = str(e)
        found = re.search(r" \(at line (\d+), column (\d+)\)$", error)
        if found:
            where = f"{path}:{found[1]}:{found[2]}"
            error = error[: found.start()]
        elif error.endswith(" (at end of document)"):
            last = body.split("\n")
            where = f"{path}:{len(last)}:{len(last[-1]) + 1}"
            error = error.removesuffix(" (at end of document)")
        else:
            where = str(path)
        said = next((key for start, key in _TOML_ERRORS if error.startswith(start)), None)
        error = text(f"manifest.toml.{said}", lang) if said else error  # another Python's new wording: as it is
        raise ManifestError(text("manifest.syntax", lang, path=where, error=error)) from None
    except RecursionError:  # arrays or inline tables nested hundreds deep: the parser's own recursion gives out
        data = None
    from .cache_file import nesting_depth

    if data is None or nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
        raise ManifestError(text("manifest.too_deep", lang, path=path, limit=MAX_DEPTH))
    return data


#: the start of tomllib's error messages → the catalog's ``manifest.toml.<key>``
_TOML_ERRORS = (
    ("Expected '=' after a key", "expected_equals"),
    ("Expected ']' at the end of a table", "unclosed_table"),
    ("Expected ']]' at the end of an array", "unclosed_array_table"),
    ("Invalid value", "invalid_value"),
    ("Unterminated string", "unterminated_string"),
    ("Unclosed array", "unclosed_array"),
    ("Unclosed inline table", "unclosed_inline_table"),
    ("Cannot declare", "twice"),
    ("Cannot overwrite a value", "twice"),
    ("Invalid statement", "invalid_statement"),
    ("Illegal character", "illegal_character"),
)


class ParseCache:
    """Parsed manifest files kept in the user's cache folder (``manifest.json``), so that a start need not import
    and run the TOML parser for a file it parsed before.

    An entry is keyed by the file's path and its whole text, compared on every read: any change of the file, even
    one that keeps its size and modification time, is parsed afresh. Only the user's own files (user, ``env``,
    ``explicit``) go through it: the cache folder is the user's, so the system file, whose locks the user must not
    be able to change, is always read and parsed itself. A cache that cannot be read or written costs a parse.
    """

    _FORMAT = 1
    #: files kept: the user's, and a few given with --manifest or AOSIGN_MANIFEST
    _ENTRIES = 8

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._new: list[dict[str, Any]] = []
        self._entries: list[dict[str, Any]] | None = None

    def get(self, file: Path, body: str) -> dict[str, Any] | None:
        if self.path is None:
            return None
        if self._entries is None:
            from .cache_file import nesting_depth, read_entries

            self._entries = read_entries(self.path, self._FORMAT)
        key = str(file.absolute())
        for entry in self._entries:
            if entry.get("key") == key and entry.get("text") == body and isinstance(entry.get("data"), dict):
                data: dict[str, Any] = entry["data"]
                # an entry nested deeper than a manifest may be was not written by us: parse the file again
                return data if nesting_depth(data, MAX_DEPTH) <= MAX_DEPTH else None
        return None

    def put(self, file: Path, body: str, data: dict[str, Any]) -> None:
        self._new.append({"key": str(file.absolute()), "text": body, "data": data})

    def save(self) -> None:
        """Write what was parsed (a value JSON cannot hold, such as a TOML date, leaves that file uncached)."""
        if self.path is None:
            return
        from .cache_file import write_entry

        for entry in self._new:
            write_entry(self.path, self._FORMAT, entry, self._ENTRIES)
        self._new.clear()


def _parse_cache() -> ParseCache:
    from .platforms import cache_dir

    try:
        return ParseCache(cache_dir() / "manifest.json")
    except (OSError, RuntimeError):
        return ParseCache(None)


def check_system_file(path: Path, lang: str) -> None:
    """Refuse a system manifest that someone other than the administrators could change: its locks would not hold.

    :raises ManifestError: naming the file, the file or folder that fails, the rule, and how to fix it.
    """
    from .file_trust import admin_only

    found = admin_only(path)
    if found is None:
        return
    from .platforms import os_key

    fix = text(f"manifest.untrusted_fix.{'windows' if os_key() == 'windows' else 'posix'}", lang, node=found.path)
    rule = text(f"manifest.untrusted.{found.rule}", lang, node=found.path, who=found.who)
    raise ManifestError(text("manifest.untrusted", lang, path=path, rule=rule, fix=fix))


def _walk(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        path = f"{prefix}{key}"
        yield path, value
        if isinstance(value, Mapping):
            yield from _walk(value, path + ".")


def _merge(into: dict[str, Any], data: Mapping[str, Any]) -> None:
    for key, value in data.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        elif isinstance(value, Mapping):
            into[key] = {}
            _merge(into[key], value)
        else:
            into[key] = value


#: keys that name one thing: locking the first (or a key under it) locks the others (CONTRACT.md: the module by path
#: or by p11-kit name)
LOCKED_TOGETHER: dict[str, tuple[str, ...]] = {"pkcs11.module": ("pkcs11.p11kit",)}


def _locked(source: Source) -> list[str]:
    table = source.data.get("manifest", {})
    locked = table.get("locked", []) if isinstance(table, Mapping) else []
    keys = [str(k) for k in locked] if isinstance(locked, list) else []
    together = [also for k in keys for key, alsos in LOCKED_TOGETHER.items() if _is_locked(k, [key]) for also in alsos]
    return keys + together


def _held(key: str, value: object, system: Mapping[str, Any] | None) -> bool:
    """Whether a user file's ``key`` = ``value`` is ignored because the system file's ``[audit]`` holds
    (CONTRACT.md): when the system file sets the table, a user file may only raise what it set (a larger
    ``max_bytes``, more ``backups``); it may not switch the log off, move it or shrink it. (``[plugins]``, the other
    table that holds, may only be narrowed: :func:`_merge_plugins`.)"""
    table, _, name = key.partition(".")
    if system is None or table != "audit" or not name or "." in name:
        return False
    held = system.get("audit")
    if not isinstance(held, Mapping):
        return False
    if name in held and value == held[name]:
        return False  # the same value: nothing to ignore
    mine = held.get(name)
    if name in ("max_bytes", "backups") and all(isinstance(v, int) and not isinstance(v, bool) for v in (value, mine)):
        assert isinstance(value, int) and isinstance(mine, int)
        return value < mine  # a bigger log or more backups keep more: allowed
    return True


def _merge_plugins(merged: dict[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` with its ``[plugins]`` lists narrowed against what is merged so far: ``block`` is the union of the
    files' lists, ``allow`` what every file that sets one allows (names compared after :func:`normalize_name`)."""
    mine, before = data.get("plugins"), merged.get("plugins")
    if not isinstance(mine, Mapping) or not isinstance(before, Mapping):
        return dict(data)
    table = dict(mine)
    old_block, new_block = before.get("block"), mine.get("block")
    if _names(old_block) and _names(new_block):
        assert isinstance(old_block, list) and isinstance(new_block, list)
        seen = {normalize_name(b) for b in old_block}
        table["block"] = old_block + [b for b in new_block if normalize_name(b) not in seen]
    old_allow, new_allow = before.get("allow"), mine.get("allow")
    if _names(old_allow) and _names(new_allow):
        assert isinstance(old_allow, list) and isinstance(new_allow, list)
        wanted = {normalize_name(a) for a in new_allow}
        table["allow"] = [a for a in old_allow if normalize_name(a) in wanted]
    return {**data, "plugins": table}


def _names(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _widened(merged: Mapping[str, Any], data: Mapping[str, Any]) -> list[tuple[str, list[str]]]:
    """The names a file's ``[plugins] allow`` adds to what the files before it allow: ignored (only narrowing)."""
    mine, before = data.get("plugins"), merged.get("plugins")
    if not isinstance(mine, Mapping) or not isinstance(before, Mapping):
        return []
    old_allow, new_allow = before.get("allow"), mine.get("allow")
    if not (_names(old_allow) and _names(new_allow)):
        return []
    assert isinstance(old_allow, list) and isinstance(new_allow, list)
    allowed = {normalize_name(a) for a in old_allow}
    extra = [a for a in new_allow if normalize_name(a) not in allowed]
    return [("plugins.allow", extra)] if extra else []


def _is_locked(key: str, locked: list[str]) -> bool:
    return any(key == lk or key.startswith(lk + ".") for lk in locked)


def _without(data: Mapping[str, Any], locked: list[str], prefix: str = "") -> dict[str, Any]:
    """``data`` less every key under a locked one."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}{key}"
        if _is_locked(path, locked):
            continue
        out[key] = _without(value, locked, path + ".") if isinstance(value, Mapping) else value
    return out


def load_manifest(explicit: str | None, lang: str) -> Manifest:
    """The manifest in force (see the module docstring).

    :raises ManifestError: a file cannot be read or parsed, or the system file could be changed by someone other
        than the administrators.
    """
    files, _ = locate_manifest(explicit, lang)
    sources: list[Source] = []
    parsed = _parse_cache()
    for path, origin in files:
        if origin == "system":
            check_system_file(path, lang)  # every time, before its text is even read
            sources.append(load_manifest_file(path, origin, lang))  # never from the user's cache
        else:
            sources.append(load_manifest_file(path, origin, lang, parsed))
    parsed.save()
    merged: dict[str, Any] = {}
    origins: dict[str, Source] = {}
    warnings: list[Problem] = []
    ignored: list[Ignored] = []
    locked: list[str] = []
    system: Path | None = None
    system_data: Mapping[str, Any] | None = None
    for source in sources:
        data: Mapping[str, Any] = source.data
        if source.origin == "system":
            locked, system, system_data = _locked(source), source.path, source.data
        else:
            # only the system file locks keys; a key it locked keeps the system's value (or none): the other
            # file's value is ignored, with a warning naming the key and the system file, and commands go on. The
            # same for a value that would weaken the audit log the system file set ([audit] holds).
            held: list[str] = []
            for key, value in _walk(data):
                if _is_locked(key, ["manifest"]):
                    rule = text("manifest.lock_only_system", lang)
                elif _is_locked(key, locked):
                    rule = text("manifest.locked", lang, system=system)
                elif _held(key, value, system_data):
                    rule = text("manifest.held_audit", lang, system=system)
                    held.append(key)
                else:
                    continue
                from .tomlpos import locate  # only for a warning: the usual start has none

                if not any(key.startswith(f"{w.key}.") for w in warnings if w.path == source.path):
                    warnings.append(Problem(source.path, locate(source.positions, key), key, rule))
                if not isinstance(value, Mapping) or not value:  # leaves, and tables left empty
                    by = None if key.split(".")[0] == "manifest" else system
                    ignored.append(Ignored(key, value if not isinstance(value, Mapping) else {}, source, by))
            data = _without(data, ["manifest", *locked, *held])
            for key, names in _widened(merged, data):
                from .tomlpos import locate

                rule = text("manifest.plugins_narrow_only", lang, names=", ".join(names))
                warnings.append(Problem(source.path, locate(source.positions, key), key, rule))
                ignored.append(Ignored(key, names, source, system))
            data = _merge_plugins(merged, data)
        _merge(merged, data)
        for key, _ in _walk(data):
            origins[key] = source
    return Manifest(
        data=merged, sources=tuple(sources), origins=origins, warnings=tuple(warnings), ignored=tuple(ignored)
    )


def resolve_paths(manifest: Manifest, keys: Iterable[str], lang: str) -> Manifest:
    """The manifest with the string values of the path keys ``keys`` (dotted) made absolute.

    Each is read by :func:`hostapp_stub.platforms.expand_manifest_path` against the folder of the file that set
    it: ``~``, ``%VAR%`` on Windows, then relative to that manifest's folder. One that cannot be (a variable not
    set, a home that is not there) becomes a problem at its place, and its value is left out.
    """
    from .platforms import expand_manifest_path

    data = _tables_copied(manifest.data)  # its tables are changed below; their values are not
    problems = list(manifest.problems)
    for key in keys:
        *tables, name = key.split(".")
        table: Any = data
        for part in tables:
            table = table.get(part) if isinstance(table, dict) else None
        if not isinstance(table, dict) or not isinstance(table.get(name), str) or not table[name]:
            continue
        source = manifest.origins.get(key)
        try:
            folder = source.path.absolute().parent if source else None
            table[name] = str(expand_manifest_path(table[name], folder))
        except ValueError as e:
            del table[name]
            message = (
                text("manifest.path_variable", lang, name=e) if "%" in str(e) else text("manifest.path_relative", lang)
            )
            path, position = manifest.place(key)
            problems.append(Problem(path, position, key, message))
        except RuntimeError:
            del table[name]
            path, position = manifest.place(key)
            problems.append(Problem(path, position, key, text("manifest.path_no_home", lang)))
    return replace(manifest, data=data, problems=tuple(problems))


def _tables_copied(table: Mapping[str, Any]) -> dict[str, Any]:
    """``table`` with each of its tables copied, to any depth (``copy.deepcopy`` without importing copy)."""
    return {k: _tables_copied(v) if isinstance(v, Mapping) else v for k, v in table.items()}


def _host_problems(manifest: Manifest, lang: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for table, keys in HOST_TABLES.items():
        value = manifest.data.get(table)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            found.append((table, text("manifest.not_a_table", lang)))
            continue
        for key, item in value.items():
            if key not in keys:
                found.append((f"{table}.{key}", text("manifest.unknown_key", lang, allowed=", ".join(keys))))
            elif not isinstance(item, list) or not all(isinstance(x, str) and x for x in item):
                found.append((f"{table}.{key}", text("manifest.want_names", lang)))
    return found


def check_manifest(pm: Any, manifest: Manifest, lang: str) -> list[Problem]:
    """Every problem of the manifest: merge conflicts, unknown tables, the host's tables, each plugin's findings."""
    from .plugins import call_each, failures, list_of  # each plugin's answer guarded (issue 24)

    owned = set(HOST_TABLES)
    for _plugin, tables in call_each(pm, "hostapp_manifest_tables", list_of(str)):
        owned.update(tables)
    # a plugin that failed to load or to say its tables may own any of them: it is named as failed (and the commands
    # of the others work), not its tables as unknown
    silent = any(f.hook in ("import", "register", "hostapp_manifest_tables") for f in failures())
    unowned = [] if silent else [name for name in manifest.data if name not in owned]
    problems = list(manifest.problems)
    found = [(name, text("manifest.unknown_table", lang)) for name in unowned]
    found += _host_problems(manifest, lang)
    pairs = list_of(tuple)
    for _plugin, plugin_found in call_each(pm, "hostapp_manifest_problems", pairs, manifest=manifest.data, lang=lang):
        found.extend(plugin_found)
    for key, message in found:
        path, position = manifest.place(key)
        problems.append(Problem(path, position, key, message))
    return sorted(problems, key=lambda p: (str(p.path), p.position or (0, 0)))


def plugin_path_keys(pm: Any) -> list[str]:
    """Every plugin's path keys (:func:`resolve_paths`)."""
    from .plugins import call_each, list_of

    return [key for _plugin, keys in call_each(pm, "hostapp_manifest_paths", list_of(str)) for key in keys]


def manifest_warnings(pm: Any, manifest: Manifest, lang: str) -> list[Problem]:
    """What ``manifest check`` warns about: ignored values, then the plugins' warnings, each at its place."""
    system = frozenset(key for key, source in manifest.origins.items() if source.origin == "system")
    found = list(manifest.warnings)
    from .plugins import call_each, list_of

    answers = call_each(
        pm, "hostapp_manifest_warnings", list_of(tuple), manifest=manifest.data, system_keys=system, lang=lang
    )
    for _plugin, plugin_found in answers:
        for key, message in plugin_found:
            path, position = manifest.place(key)
            found.append(Problem(path, position, key, message))
    return found
