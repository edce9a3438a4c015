"""Domain errors.

Every error a user can cause is one of these. The CLI turns them into a single
line on stderr and an exit code; the library never prints.
"""

from __future__ import annotations


class FocuscodeError(Exception):
    """Base class: a problem with the user's input or project, not a bug."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.path and self.line is not None:
            where = f"{self.path}:{self.line}: "
        elif self.path:
            where = f"{self.path}: "
        return f"{where}{self.message}"


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
