"""The focuscode app: every command group is registered here, in one place.

The CLI modules do without `from __future__ import annotations`: typer reads each
command's signature at every start, and evaluating string annotations took
~30 ms of the ~0.15 s `focuscode --help` costs."""

import typer

from .. import __version__
from . import codebook, coding, exports, imports, project, review, segments, suggest, team
from .common import FocuscodeGroup
from . import check as check_cli
from . import analysis as analysis_cli
from . import anonymise as anonymise_cli
from . import doctor as doctor_cli
from . import evaluate as evaluate_cli
from . import methods as methods_cli
from . import audit as audit_cli
from . import coders as coders_cli
from . import study as study_cli

app = typer.Typer(
    name="focuscode",
    cls=FocuscodeGroup,
    help="Qualitative coding of anonymised Dutch focus-group transcripts, from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        print(f"focuscode {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version and exit."),
) -> None:
    """Qualitative coding of anonymised Dutch focus-group transcripts, from the terminal."""


project.register(app)
imports.register(app)
anonymise_cli.register(app)
codebook.register(app)
segments.register(app)
coding.register(app)
suggest.register(app)
evaluate_cli.register(app)
doctor_cli.register(app)
exports.register(app)
review.register(app)
team.register(app)
check_cli.register(app)
analysis_cli.register(app)
methods_cli.register(app)
coders_cli.register(app)
audit_cli.register(app)
study_cli.register(app)


def main() -> None:
    app(prog_name="focuscode")
