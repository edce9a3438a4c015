"""study load | show: the study's vocabulary (sectors, sources, roles, labels)."""

from pathlib import Path
from typing import Annotated

from .common import DbOption, FocuscodeGroup, JsonOption, creating_project, open_db, print_json, stdout
from .declare import Argument
from .gateopts import AllowPiiOption, NamesOption, make_gate, warn

study_app = FocuscodeGroup(name="study", help="The study's sectors, sources and roles, and how exports show them.")


@study_app.command()
def load(
    file: Annotated[Path, Argument(help="Study file (YAML): sectors, sources, roles, attribution.")],
    names: NamesOption = None,
    allow_pii: AllowPiiOption = False,
    db: DbOption = None,
) -> None:
    """Make a study file the project's vocabulary: what --sector, --source, participants
    files and surveys may use, and the columns and labels of every table and chart.

    Its labels end up in exports, so they pass the privacy check first (deduce, plus --names)."""
    from ..vocabulary import label_fields, load_study, store_study

    vocab = load_study(file)
    gate = make_gate(names, allow_pii)
    warn(gate, gate.check(label_fields(vocab, str(file)), what="study not loaded"), "study loaded")
    with creating_project(db) as conn:
        store_study(conn, vocab)
    stdout.print(f"Loaded {file}: sectors {', '.join(vocab.sector_codes)}; sources {', '.join(vocab.source_codes)}",
                 markup=False)


@study_app.command()
def show(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the project's vocabulary (the default study's when none was loaded)."""
    from ..db import resolve_path
    from ..vocabulary import current, default

    vocab = current(open_db(db)) if resolve_path(db).is_file() else default()
    if as_json:
        print_json(vocab.to_json())
        return
    say = lambda text: stdout.print(text, markup=False)  # noqa: E731 - labels may hold [brackets]
    say(f"study: {vocab.name or '-'}")
    for title, terms in (("sectors", vocab.sectors), ("sources", vocab.sources)):
        say(f"{title}:")
        for t in terms:
            say(f"  {t.code}: " + ", ".join(f"{lang} '{label}'" for lang, label in t.labels.items()))
    say(f"facilitator roles: {', '.join(sorted(vocab.facilitator_roles)) or '-'}")
    say(f"attribution: {vocab.with_sector} / {vocab.without_sector}")


def register(app: FocuscodeGroup) -> None:
    app.add_command(study_app)
