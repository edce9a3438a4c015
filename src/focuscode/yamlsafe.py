"""One safe way to read YAML (codebooks, participants files).

PyYAML's own loaders expand aliases (a 617-byte "billion laughs" file runs out of
memory), resolve dates into date objects, honour `!!binary` and custom tags, and
recurse once per nesting level. Here the event stream is checked first, which
costs no memory: any alias, any tag beyond the plain YAML types, nesting deeper
than MAX_DEPTH or a file larger than MAX_BYTES is refused with file:line, before
a node tree is built. Scalars stay text unless they are plainly null, a boolean
or a number, so a date is kept as it was written.
"""

from __future__ import annotations

from typing import Any

from .errors import InputFileError

MAX_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 64
MAX_EVENTS = 2_000_000
_PLAIN_TAGS = {f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "seq", "map")}


def _line(mark) -> int | None:
    return mark.line + 1 if mark is not None else None


def _fail(error: type[InputFileError], message: str, path: str, line: int | None):
    return error(message, path=path, line=line)


def compose(text: str, path: str, *, error: type[InputFileError] = InputFileError):
    """The YAML's node tree (None for an empty file), after the safety checks.

    Every problem raises `error` with the file and line: one line for the user.
    """
    import yaml

    if len(text) > MAX_BYTES:
        raise _fail(error, f"the YAML file is larger than {MAX_BYTES // (1024 * 1024)} MB", path, None)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    depth = 0
    try:
        for count, event in enumerate(yaml.parse(text, Loader=loader)):
            if count > MAX_EVENTS:
                raise _fail(error, "the YAML file holds too many entries", path, None)
            if isinstance(event, yaml.AliasEvent):
                raise _fail(error, f"YAML aliases (*{event.anchor}) are not allowed; write the value out",
                            path, _line(event.start_mark))
            tag = getattr(event, "tag", None)
            if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise _fail(error, f"YAML tag '{shown}' is not allowed; write plain text", path, _line(event.start_mark))
            if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise _fail(error, f"the YAML is nested deeper than {MAX_DEPTH} levels", path, _line(event.start_mark))
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
        return yaml.compose(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, path, error) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise _fail(error, f"not valid YAML ({type(exc).__name__})", path, None) from None


def _yaml_error(exc, path: str, error):
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context and reason:
        reason = f"{reason} ({context})"
    return _fail(error, f"not valid YAML: {reason}", path, _line(mark))


def value(node, path: str, *, error: type[InputFileError] = InputFileError) -> Any:
    """A checked node as plain Python: dicts, lists, str, int, float, bool, None.

    Depth is bounded by compose(), so recursion here is safe.
    """
    import yaml

    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = value(key_node, path, error=error)
            if isinstance(key, (dict, list)):
                raise _fail(error, "a mapping key must be text", path, _line(key_node.start_mark))
            if key in out:  # YAML keeps the last silently; a value would be lost
                raise _fail(error, f"key '{key}' given twice", path, _line(key_node.start_mark))
            out[key] = value(value_node, path, error=error)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [value(item, path, error=error) for item in node.value]
    return scalar(node)


def scalar(node) -> Any:
    """A scalar node's value: null, bool, int and float as such; anything else (dates too) as text."""
    tag = node.tag.rsplit(":", 1)[-1]
    raw = node.value
    if tag == "null":
        return None
    if tag == "bool":
        return raw.lower() in ("true", "yes", "on", "y")
    if tag in ("int", "float"):
        import yaml

        global _NUMBERS
        if _NUMBERS is None:
            _NUMBERS = yaml.SafeLoader("")
        try:
            make = _NUMBERS.construct_yaml_int if tag == "int" else _NUMBERS.construct_yaml_float
            return make(node)
        except (yaml.YAMLError, ValueError, OverflowError):
            return raw
    return raw


_NUMBERS = None  # a SafeLoader used only to read numbers as YAML writes them (0x1f, 1_000, .inf)


def read_text(path, *, error: type[InputFileError] = InputFileError) -> str:
    """A YAML file's text, refused by its size before it is read."""
    from pathlib import Path

    from .textio import read_text_file

    p = Path(path)
    if p.is_file() and p.stat().st_size > MAX_BYTES:
        raise _fail(error, f"the YAML file is larger than {MAX_BYTES // (1024 * 1024)} MB", str(p), None)
    text, _encoding = read_text_file(p)
    return text


def load(text: str, path: str, *, error: type[InputFileError] = InputFileError) -> Any:
    """Safe YAML text as plain Python (None for an empty file)."""
    node = compose(text, path, error=error)
    return None if node is None else value(node, path, error=error)
