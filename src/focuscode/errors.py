"""Domain errors.

Every error a user can cause is one of these. The CLI turns them into a single
line on stderr and an exit code; the library never prints.

A message that refers to something the user set (a threshold, the output folder)
names it with `setting("threshold")`, a domain key, never a flag: the library knows
no command line. `str(error)` shows the key as words; the CLI shows each key as the
flag it maps it to (`FocuscodeError.render`).
"""

from __future__ import annotations

import re
from typing import Callable

_START, _END = "\ue000", "\ue001"  # private-use characters: never in a message's own text
_SETTING = re.compile(_START + "([a-z][a-z0-9_]*)" + _END)


def setting(key: str) -> str:
    """A reference to a user setting inside a message, by its domain key."""
    return f"{_START}{key}{_END}"


def show_settings(text: str, name: Callable[[str], str] | None = None) -> str:
    """The text with each setting reference shown by `name(key)` (default: the key in words)."""
    return _SETTING.sub(lambda m: (name or _words)(m.group(1)), text)


def _words(key: str) -> str:
    return key.replace("_", " ")


class FocuscodeError(Exception):
    """Base class: a problem with the user's input or project, not a bug."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return self.render()

    def render(self, name: Callable[[str], str] | None = None) -> str:
        """The message with its place first; settings shown by `name(key)`, by default as words."""
        where = ""
        if self.path and self.line is not None:
            where = f"{self.path}:{self.line}: "
        elif self.path:
            where = f"{self.path}: "
        return f"{where}{show_settings(self.message, name)}"


class UsageError(FocuscodeError):
    """Options that do not fit together; exit code 2 like a usage error."""

    exit_code = 2


class InputFileError(FocuscodeError):
    """A file that cannot be read as what it claims to be."""


class TranscriptError(InputFileError):
    """A transcript whose content does not parse (no speaker, bad timestamps...)."""


class ParticipantsError(InputFileError):
    """A participants file that is missing, malformed or does not cover the speakers."""


class PrivacyError(InputFileError):
    """Text that still holds personal data and may not be stored."""

    def __init__(self, message: str, *, findings=None, path=None, line=None):
        self.findings = list(findings or [])
        super().__init__(message, path=path, line=line)


class CodebookError(FocuscodeError):
    """An invalid codebook. `problems` holds every problem found, each a FocuscodeError."""

    def __init__(self, message: str, *, problems=None, path=None, line=None):
        self.problems = list(problems or [])
        super().__init__(message, path=path, line=line)


class UnknownCodeError(FocuscodeError):
    """A code name that is not in the loaded codebook."""


class UnknownSegmentError(FocuscodeError):
    """A segment id that does not exist."""


class UnknownCoderError(FocuscodeError):
    """A coder name with no codings in the project."""


class ProjectError(FocuscodeError):
    """The project database cannot be opened or used (newer version, not SQLite, locked)."""


class ModelError(FocuscodeError):
    """A spaCy model that cannot be found or loaded, or a pattern it rejects."""


class ExchangeError(InputFileError):
    """A REFI-QDA file that is unsafe or malformed."""


class ImportRolledBack(FocuscodeError):
    """Some files of one import failed, so none of them was stored: a command is one
    transaction. `results` holds every file's outcome (ImportResult or ImportFailure)."""

    def __init__(self, results):
        self.results = list(results)
        failed = sum(1 for r in self.results if hasattr(r, "error"))
        super().__init__(f"{failed} of {len(self.results)} files failed; nothing was imported")
