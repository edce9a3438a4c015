"""--names and --allow-pii for every command that lets text into the project: one meaning everywhere."""

from pathlib import Path
from typing import Annotated, Optional

from .common import info
from .declare import Option

NamesOption = Annotated[
    Optional[Path],
    Option("--names", help="File of real names (one a line, optionally 'school: Naam') that must never appear."),
]
AllowPiiOption = Annotated[
    bool, Option("--allow-pii", help="Store even when personal data is found (deduce skipped; --names hits become warnings).")
]


def make_gate(names: Path | None, allow_pii: bool):
    from ..privacy.gate import Gate

    return Gate(names=names, allow_pii=allow_pii, notify=info)


def warn(gate, findings, what: str) -> None:
    """The warnings on stderr when --allow-pii let something in."""
    from ..privacy.gate import describe_warnings

    if findings:
        info(f"Warning: {describe_warnings(findings, what)}")
    unchecked = gate.unchecked_warning()
    if unchecked:
        info(f"Warning: {unchecked}")
