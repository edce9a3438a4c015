"""cli/reference.md is generated from the app; it must match the app as it is now."""

from fctest import REPO

from focuscode.cli.reference import render_reference


def test_command_reference_is_current():
    current = (REPO / "cli" / "reference.md").read_text(encoding="utf-8")
    assert current == render_reference(), (
        "cli/reference.md is stale: run `python -m focuscode.cli.reference > cli/reference.md`"
    )


def test_reference_covers_every_command():
    text = render_reference()
    for command in ("init", "import", "segments", "code", "uncode", "suggest", "demo",
                    "codebook validate", "codebook load", "codebook show", "export summary"):
        assert f"## focuscode {command}\n" in text
