"""Commands declared as typed functions, built as plain Click commands.

Each command is a function whose parameters say what they are:
`limit: Annotated[Optional[int], Option("--limit", help="...")] = None`. `command()`
reads those declarations once and builds a `click.Command` from Click's public API
only (Option, Argument, ParamType, Choice, Path), so focuscode depends on no
framework's internals and loads no validation library: a command starts in the time
Click and its own imports take.

Supported, because focuscode uses them: str, int, float, Path, bool (a flag), a list
of one of these (a repeatable option, or an argument taking several values), and a
fixed set of values (`choices=`, the library's own tuple), which Click checks itself
(exit 2 with its usage line).
"""

import inspect
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Callable, Union, get_args, get_origin, get_type_hints

import click


class Option:
    """How a function parameter appears as a command-line option."""

    def __init__(self, *decls: str, help: str | None = None, envvar: str | None = None, show_default: bool = True,
                 metavar: str | None = None, choices: str | None = None, case_sensitive: bool = True) -> None:
        """`choices` names the library's tuple of allowed values as 'module:NAME'
        (`focuscode.merge:PREFER`): one list, read only when the option is used or
        its help shown, so loading the library never slows the start of other commands."""
        self.decls = decls
        self.help = help
        self.envvar = envvar
        self.show_default = show_default
        self.metavar = metavar
        self.choices = choices
        self.case_sensitive = case_sensitive


class LibraryChoice(click.Choice):
    """Click's Choice over a tuple of the library's, imported on first use."""

    def __init__(self, where: str, case_sensitive: bool = True) -> None:
        self.where = where
        self.case_sensitive = case_sensitive
        self._choices: tuple[str, ...] | None = None

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        if self._choices is None:
            import importlib

            module, name = self.where.split(":")
            self._choices = tuple(getattr(importlib.import_module(module), name))
        return self._choices


class Argument:
    """How a function parameter appears as a positional argument."""

    def __init__(self, help: str | None = None, metavar: str | None = None, show_default: bool = True) -> None:
        self.help = help
        self.metavar = metavar
        self.show_default = show_default


class WholeNumber(click.ParamType):
    """An integer that fits SQLite's 64-bit INTEGER: segment ids, limits and seeds are
    stored or compared there, and a larger number would end in an OverflowError deep
    inside a command. Out of range is a usage error of one line."""

    name = "integer"

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            from ..db import fits_sqlite_integer

            text = str(value)
            digits = text.strip().lstrip("+-").replace("_", "")
            if digits.isdigit() and not fits_sqlite_integer(digits):
                self._out_of_range(text, param)
            try:
                number = int(text)
            except ValueError:
                self.fail(f"{text!r} is not a valid integer.", param, ctx)
        from ..db import fits_sqlite_integer

        if not fits_sqlite_integer(number):
            self._out_of_range(str(value), param)
        return number

    @staticmethod
    def _out_of_range(text: str, param: Any) -> None:
        from ..db import SQLITE_INT_MAX
        from ..errors import UsageError

        name = next((o for o in getattr(param, "opts", []) if o.startswith("--")), None) or getattr(param, "name", "value")
        short = f"{text[:30]}{'…' if len(text) > 30 else ''}"
        raise UsageError(f"{name}: {short} is out of range (at most {SQLITE_INT_MAX})")


WHOLE_NUMBER = WholeNumber()
_PATH = click.Path(path_type=Path)
_TYPES: dict[Any, Any] = {str: click.STRING, int: WHOLE_NUMBER, float: click.FLOAT, Path: _PATH}


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(the item type, whether it is a list), Optional taken off."""
    if get_origin(annotation) in (Union, UnionType):  # Optional[X] and X | None
        annotation = next(a for a in get_args(annotation) if a is not type(None))
    if get_origin(annotation) is list:
        return get_args(annotation)[0], True
    return annotation, False


class Command(click.Command):
    """A Click command that also lists its arguments with their help."""

    def __init__(self, *args: Any, argument_help: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.argument_help = argument_help or []

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.argument_help:
            with formatter.section("Arguments"):
                formatter.write_dl(self.argument_help)
        super().format_options(ctx, formatter)


def _param(name: str, annotation: Any, spec: Any, default: Any) -> tuple[click.Parameter, Callable[[Any], Any], Any]:
    item, many = _unwrap(annotation)
    required = default is inspect.Parameter.empty
    default = None if required else default

    def value(v: Any) -> Any:
        if many:
            return list(v) if v else (None if default is None else list(default))
        return v

    if isinstance(spec, Argument):
        metavar = spec.metavar or name.upper()
        # No default at all for a required argument: Click 8.3+ takes an explicit None for a
        # given value, and the command would run without it instead of a usage error.
        given = {} if required else {"default": None if many else default}
        param = click.Argument([name], type=_TYPES[item], required=required, nargs=-1 if many else 1,
                               metavar=metavar + ("..." if many else ""), **given)
        help_text = spec.help or ""
        if default not in (None, False) and spec.show_default:
            help_text += f"  [default: {default}]"
        if required:
            help_text += "  [required]"
        return param, value, (metavar, help_text.strip())
    if item is bool:
        param = click.Option([*spec.decls, name], is_flag=True, default=bool(default), help=spec.help,
                             envvar=spec.envvar, show_envvar=bool(spec.envvar))
        return param, value, None
    kind = LibraryChoice(spec.choices, spec.case_sensitive) if spec.choices is not None else _TYPES[item]
    param = click.Option([*spec.decls, name], type=kind, multiple=many, required=required,
                         default=None if many else default, help=spec.help, envvar=spec.envvar,
                         show_envvar=bool(spec.envvar), metavar=spec.metavar,
                         show_default=spec.show_default and default not in (None, False))
    return param, value, None


def command(fn: Callable[..., Any], name: str | None = None) -> click.Command:
    """A Click command running `fn` with the values its parameters declare."""
    hints = get_type_hints(fn, include_extras=True)
    params: list[click.Parameter] = []
    convert: dict[str, Callable[[Any], Any]] = {}
    argument_help: list[tuple[str, str]] = []
    for pname, p in inspect.signature(fn).parameters.items():
        annotation = hints[pname]
        if get_origin(annotation) is not Annotated:
            raise TypeError(f"{fn.__name__}({pname}): declare it as Annotated[type, Option(...)] or Argument(...)")
        base, *extras = get_args(annotation)
        spec = next(e for e in extras if isinstance(e, (Option, Argument)))
        param, convert[pname], shown = _param(pname, base, spec, p.default)
        params.append(param)
        if shown:
            argument_help.append(shown)

    def callback(**values: Any) -> Any:
        return fn(**{k: convert[k](v) for k, v in values.items()})

    return Command(name or fn.__name__.replace("_", "-"), callback=callback, params=params,
                   help=inspect.getdoc(fn), argument_help=argument_help)
