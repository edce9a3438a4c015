"""What every command shares: options, consoles, JSON output and error reporting."""

import json
import os
import sqlite3
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Callable, NoReturn, Optional

import click

from ..errors import FocuscodeError
from .declare import Option, command


class _LazyConsole:
    """A rich Console made on first use: importing rich.console costs ~30 ms, which
    commands printing JSON or CSV, and --help, never need."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console = None
        self._columns: str | None = None

    def get(self) -> Any:
        """The Console itself, for rich objects that take one (Progress, Live).

        Made again when COLUMNS changed: rich reads it once, and a program (or test)
        running several commands in one process may change the width in between."""
        columns = os.environ.get("COLUMNS")
        if self._console is None or self._columns != columns:
            from rich.console import Console

            self._console = Console(**self._options)
            self._columns = columns
        return self._console

    def __getattr__(self, name: str) -> Any:
        if name in ("_options", "_console", "_columns"):
            raise AttributeError(name)  # not set up (a copy): no recursion through get()
        return getattr(self.get(), name)


# markup=False: paths, code names, speaker labels and memo text are printed as they
# are. A file named "sessie [/] 2.txt" would otherwise be read as rich markup and
# end in a MarkupError; styling goes through rich Text objects instead.
stdout: Any = _LazyConsole(highlight=False, soft_wrap=True, markup=False)
stderr: Any = _LazyConsole(stderr=True, highlight=False, soft_wrap=True, markup=False)

DbOption = Annotated[
    Optional[Path],
    Option("--db", envvar="FOCUSCODE_DB", help="Project database [default: ./focuscode.db].", show_default=False),
]
JsonOption = Annotated[bool, Option("--json", help="Print JSON instead of a table.")]
CoderOption = Annotated[
    Optional[str], Option("--coder", envvar="FOCUSCODE_CODER", help="Coder name (or FOCUSCODE_CODER).")
]


def stop(code: int = 1) -> NoReturn:
    """End the command with this exit code (after its own message on stderr)."""
    click.get_current_context().exit(code)
    raise AssertionError("unreachable")  # Context.exit raises


# The flag for each setting key a library message names (errors.setting): a key is its
# flag with dashes (codes_column -> --codes-column) unless listed here.
FLAGS: dict[str, str] = {}
# True when the process is the console script (cli.main): it ends when its one command does.
# A command may then skip tidying the interpreter up for a future that never comes (see
# suggest's _end_quickly); run from a process that goes on (tests, a program calling the app)
# it leaves the interpreter as it found it.
ENDS_WITH_COMMAND = False

SETTING_MARK = "\ue000"  # errors.setting's opening character: a string that has none names no setting


def flag(key: str) -> str:
    return FLAGS.get(key, "--" + key.replace("_", "-"))


def for_user(message: Any) -> str:
    """A library error or message as the CLI shows it: each setting it names as its flag."""
    from ..errors import show_settings

    if isinstance(message, FocuscodeError):
        return message.render(flag)
    return show_settings(str(message), flag)


def report_error(message: Any) -> None:
    """One line on stderr, red where colour is allowed; the message is never read as markup.
    `message` is text or a library error (its settings shown as flags)."""
    line = " ".join(for_user(message).split())
    if _plain():
        print(f"Error: {line}", file=sys.stderr)
        return
    from rich.text import Text

    stderr.print(Text.assemble(("Error:", "bold red"), " ", line), highlight=False, soft_wrap=True)


def _plain() -> bool:
    return bool(os.environ.get("NO_COLOR")) or not sys.stderr.isatty()


def info(message: str) -> None:
    """Progress and notices go to stderr so stdout stays clean for data."""
    print(for_user(message), file=sys.stderr)


class FocuscodeGroup(click.Group):
    """A group of commands declared as typed functions (see declare.py). The root group
    turns domain errors into one line on stderr and an exit code, for every command."""

    def command(self, name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:  # type: ignore[override]
        def register(fn: Callable[..., Any]) -> Callable[..., Any]:
            self.add_command(command(fn, name))
            return fn

        return register

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)  # in the order they were registered (app.py), not alphabetical

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FocuscodeError as exc:
            from ..export.safe import terminal_safe  # an error quotes values from files: shown, never obeyed

            report_error(terminal_safe(for_user(exc)))
            ctx.exit(exc.exit_code)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                report_error("the project database is locked by another process; try again")
            else:
                report_error(f"database error: {exc}")
            ctx.exit(1)
        except sqlite3.DatabaseError as exc:
            report_error(f"the project database is damaged or not a focuscode database ({exc})")
            ctx.exit(1)
        except BrokenPipeError:
            # The reader went away (`focuscode read X | head`): stop quietly, like any Unix
            # filter. Python's own advice: point stdout at devnull so the flush at exit
            # does not raise again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(1)
        except OSError as exc:
            # A path the system refuses (--out /proc/x, a folder where a file belongs, a
            # full disk): one line naming it. Commands write inside one transaction, so
            # the database is as it was.
            report_error(os_error_message(exc))
            ctx.exit(1)


def os_error_message(exc: OSError) -> str:
    what = exc.strerror or exc.__class__.__name__
    if exc.filename is not None:
        target = f" -> {exc.filename2}" if exc.filename2 is not None else ""
        return f"{exc.filename}{target}: {what[:1].lower() + what[1:]}"
    return f"{what} ({exc})" if str(exc) != what else what


def open_db(path: Path | None, *, create: bool = False):
    from ..db import open_project

    return open_project(path, create=create, on_backup=lambda p: info(f"Backed up the database to {p} before upgrading it"),
                        on_wait=info)


@contextmanager
def creating_project(path: Path | None, conn=None):
    """The project at `path` (or the open `conn`), created if there is none yet. If the command
    then fails, a project it created is removed again: there was no database before, and a
    failed first import or load leaves none (the database is left exactly as it was)."""
    from ..db import remove_project_files, resolve_path

    file = resolve_path(path)
    created = conn is None and not file.exists()
    conn = conn or open_db(path, create=True)
    try:
        yield conn
    except BaseException as exc:
        failed = getattr(exc, "exit_code", getattr(exc, "code", 1)) not in (0, None)
        if created and failed:
            conn.close()
            remove_project_files(file)
        raise


def print_json(data: Any) -> None:
    """JSON on stdout. An array prints one element per line: still one valid JSON
    document, greppable per element, and written by json's C encoder (indent= makes
    json fall back to its pure-Python encoder, half the time of `segments --json`
    on a large study)."""
    if isinstance(data, list):
        encode = json.JSONEncoder(ensure_ascii=False, default=str).encode

        def write(text: str) -> None:
            # Library notices and errors in the data name settings by key: shown as flags.
            sys.stdout.write(for_user(text) if SETTING_MARK in text else text)

        if not data:
            write("[]\n")
            return
        write("[\n")
        last = len(data) - 1
        for i, item in enumerate(data):
            write(encode(item) + (",\n" if i < last else "\n"))
        write("]\n")
        return
    sys.stdout.write(for_user(json.dumps(data, ensure_ascii=False, indent=2, default=str)) + "\n")


def progress_bar(description: str, total: int | None = None):
    """A rich progress bar on stderr; hidden when stderr is not a terminal."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=stderr.get(),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def print_grid(title: str, columns: list[str], rows: list[tuple[str, list[str]]], *, corner: str = "",
               numbered: bool = False, last_bold: bool = False) -> None:
    """A table of a label column and value columns that never gets wider than the
    terminal: rich would squeeze every column to '…' and print empty columns.

    When the full column names do not fit, `numbered` (a code x code matrix) heads the
    columns with the row numbers, the row labels serving as legend; whatever still
    does not fit is folded into several tables of as many columns as fit, each
    repeating the labels. `last_bold` marks the last column (a total)."""
    from rich.cells import cell_len
    from rich.table import Table

    width = max(40, stdout.width)
    n = len(columns)
    cell_widths = [max([1, *(cell_len(cells[i]) for _, cells in rows)]) for i in range(n)]

    def natural(names: list[str]) -> list[int]:
        return [max(cell_len(names[i]), cell_widths[i]) for i in range(n)]

    labels = [label for label, _ in rows]
    widths = natural(columns)
    label_width = max([cell_len(corner), *(cell_len(x) for x in labels)])
    fits = 1 + label_width + 3 + sum(w + 3 for w in widths) <= width
    heads = list(columns)
    if not fits and numbered:
        heads = [str(i + 1) for i in range(n)]
        labels = [f"{i + 1:>{len(str(len(rows)))}} {label}" for i, label in enumerate(labels)]
        widths = natural(heads)
        label_width = max([cell_len(corner), *(cell_len(x) for x in labels)])
    # The label column takes at most a third of the line (labels fold within it).
    label_width = min(label_width, max(12, width // 3))
    room = width - 1 - (label_width + 3)
    # A heading longer than the room left folds over lines; the numbers never do.
    widths = [min(w, max(c, room - 3)) for w, c in zip(widths, cell_widths)]
    chunks: list[list[int]] = []
    for i in range(n):
        if chunks and sum(widths[j] + 3 for j in chunks[-1]) + widths[i] + 3 <= room:
            chunks[-1].append(i)
        else:
            chunks.append([i])
    for k, chunk in enumerate(chunks or [[]]):
        part = f" ({k + 1}/{len(chunks)}: columns {chunk[0] + 1}-{chunk[-1] + 1} of {n})" if len(chunks) > 1 else ""
        table = Table(title=title + part, title_justify="left")
        table.add_column(corner, overflow="fold", max_width=label_width)
        for i in chunk:
            bold = last_bold and i == n - 1
            table.add_column(heads[i], justify="right", overflow="fold", min_width=cell_widths[i], max_width=widths[i],
                             style="bold" if bold else None)
        for label, (_, cells) in zip(labels, rows):
            table.add_row(label, *[cells[i] for i in chunk])
        stdout.print(table)
