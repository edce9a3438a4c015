"""Generate cli/reference.md from the real app's --help, so the reference never drifts.

    python -m focuscode.cli.reference > cli/reference.md
"""

WIDTH = 88


def _walk(command, path: list[str], parent):
    ctx = command.context_class(command, info_name=path[-1], parent=parent, terminal_width=WIDTH, max_content_width=WIDTH)
    yield path, command.get_help(ctx)
    if hasattr(command, "list_commands"):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not getattr(sub, "hidden", False):
                yield from _walk(sub, path + [name], ctx)


def render_reference() -> str:
    from .app import app

    root = app
    parts = [
        "# focuscode command reference",
        "",
        "Generated from the app itself by `python -m focuscode.cli.reference > cli/reference.md`;",
        "a test fails when this file is stale.",
        "",
    ]
    for path, text in _walk(root, ["focuscode"], None):
        parts += [f"## {' '.join(path)}", "", "```text", text.rstrip(), "```", ""]
    return "\n".join(parts).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_reference())
