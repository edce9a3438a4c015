"""The focuscode app: every command group is registered here, in one place.

The CLI modules do without `from __future__ import annotations`: each command's
signature is read at every start (declare.py), and evaluating string annotations
costs time `focuscode --help` should not spend."""

import click

from .. import __version__
from . import codebook, coding, exports, imports, project, review, segments, suggest, team
from . import common
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
from . import read as read_cli

def _version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        print(f"focuscode {__version__}")
        ctx.exit()


app = FocuscodeGroup(
    name="focuscode",
    help="Qualitative coding of anonymised Dutch focus-group transcripts, from the terminal.",
    params=[click.Option(["--version"], is_flag=True, expose_value=False, is_eager=True, callback=_version,
                         help="Show the version and exit.")],
)


project.register(app)
imports.register(app)
anonymise_cli.register(app)
codebook.register(app)
segments.register(app)
read_cli.register(app)
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
    """The console script: one command, then the process ends (see common.ENDS_WITH_COMMAND)."""
    common.ENDS_WITH_COMMAND = True
    app.main(prog_name="focuscode")
