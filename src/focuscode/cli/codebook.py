"""codebook validate | show | load | versions | audit."""

from pathlib import Path
from typing import Annotated

from .common import DbOption, FocuscodeGroup, JsonOption, creating_project, info, open_db, print_json, report_error, stdout, stop
from .declare import Argument, Option
from .gateopts import AllowPiiOption, NamesOption, make_gate, warn

codebook_app = FocuscodeGroup(name="codebook", help="Validate, load, show and audit the codebook.")


@codebook_app.command()
def validate(file: Annotated[Path, Argument(help="Codebook YAML file.")]) -> None:
    """Check a codebook and report every problem with its file and line."""
    from ..codebook import load_codebook
    from ..errors import CodebookError

    try:
        book = load_codebook(file)
    except CodebookError as exc:
        for problem in exc.problems or [exc]:
            report_error(problem)
        stop(1)
    codes = list(book.walk())
    stdout.print(f"{file}: valid, {len(book.codes)} themes, {len(codes)} codes")


@codebook_app.command()
def load(
    file: Annotated[Path, Argument(help="Codebook YAML file, or a REFI-QDA .qdc.")],
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
) -> None:
    """Load a codebook into the project (codes no longer in it are deactivated, not deleted).

    Code names, descriptions, include/exclude rules and examples pass the privacy check
    first (deduce, plus --names): a codebook quoting a participant by name is not loaded."""
    from ..codebook import gate_codebook, load_codebook
    from ..codes import load_codebook_into

    if file.suffix.lower() == ".qdc":  # a REFI-QDA codebook from NVivo, ATLAS.ti, MAXQDA...
        from ..refi.reader import read_codebook

        book = read_codebook(file)
    else:
        book = load_codebook(file)
    gate = make_gate(names, allow_pii)
    warn(gate, gate_codebook(book, gate), "codebook loaded")
    with creating_project(db) as conn:
        result = load_codebook_into(conn, book, source=str(file))
    stdout.print(f"Loaded {file}: {result.added} added, {result.updated} updated, {result.deactivated} deactivated "
                 f"(codebook version {result.version})")


@codebook_app.command()
def show(
    version: Annotated[int | None, Option("--version", help="Show version N as it was loaded (see 'codebook versions').")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the project's codebook as a tree with keywords."""
    from ..codes import project_codebook, version_codebook

    conn = open_db(db)
    book = project_codebook(conn) if version is None else version_codebook(conn, version)
    if as_json:
        print_json(
            [
                {"name": c.name, "parent": c.parent, "description": c.description,
                 "keywords": [k.term for k in c.keywords], "color": c.color,
                 **({} if version is None else {"include": c.include, "exclude": c.exclude, "examples": c.examples})}
                for c in book.walk()
            ]
        )
        return
    if not book.codes:
        info("No codebook loaded; run 'focuscode codebook load FILE'.")
        return
    from rich.tree import Tree

    tree = Tree("codebook")
    for theme in book.codes:
        _add(tree, theme)
    stdout.print(tree)


@codebook_app.command()
def versions(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the codebook versions: one per 'codebook load', with the decisions made under each."""
    from ..codes import codebook_versions

    conn = open_db(db)
    found = codebook_versions(conn)
    if as_json:
        print_json([v.as_dict() for v in found])
        return
    if not found:
        info("No codebook loaded; run 'focuscode codebook load FILE'.")
        return
    for v in found:
        label = " ".join(x for x in (v.name, f"version {v.version}" if v.version else None) if x) or "-"
        stdout.print(f"{v.number}{' *' if v.current else '  '} {v.loaded_at}  {label}  {v.codes} codes, "
                     f"{v.codings} decisions  {v.source or ''}", markup=False)


@codebook_app.command()
def audit(db: DbOption = None, as_json: JsonOption = False) -> None:
    """How each keyword and pattern fares: fires, codes, accepted/rejected, precision, weight, flags."""
    from ..rulestats import audit as run_audit

    conn = open_db(db)
    report = run_audit(conn)
    if as_json:
        print_json(report)
        return
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for col, justify in (("code", "left"), ("rule", "left"), ("fires", "right"), ("codes", "right"),
                         ("acc", "right"), ("rej", "right"), ("prec", "right"), ("weight", "right"), ("flags", "left")):
        table.add_column(col, justify=justify)
    order = sorted(report["rules"], key=lambda r: (not r["flags"], r["code"], -r["fires"]))
    for r in order:
        rule = r["rule"] if r["kind"] == "keyword" else "pattern " + " ".join(str(t) for t in r["rule"])
        table.add_row(r["code"], rule, str(r["fires"]), str(r["in_codes"]), str(r["accepted"]), str(r["rejected"]),
                      "-" if r["precision"] is None else f"{r['precision']:.2f}", f"{r['weight']:.2f}",
                      ", ".join(r["flags"]))
    stdout.print(table)
    flagged = ", ".join(f"{n} {flag}" for flag, n in report["flagged"].items() if n) or "nothing flagged"
    stdout.print(f"{len(report['rules'])} rules over {report['segments']} segments: {flagged}. fires = segments "
                 "with a suggestion from the rule; acc/rej = coders' decisions on them; weight < 1 = down-weighted "
                 "after rejections.", markup=False)


def _add(node, code) -> None:
    keywords = ", ".join(k.term for k in code.keywords[:6])
    more = "…" if len(code.keywords) > 6 else ""
    from rich.text import Text

    # Text, not markup: a code name like "inzet [po/vo]" is shown as it is.
    label = Text(code.name, style="bold")
    if keywords:
        label.append(f"  {keywords}{more}", style="dim")
    branch = node.add(label)
    for child in code.children:
        _add(branch, child)


def register(app: FocuscodeGroup) -> None:
    app.add_command(codebook_app)
