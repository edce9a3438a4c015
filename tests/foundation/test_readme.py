"""The README promises exactly two set-up commands; CI must run the same test command."""

import re

from fctest import REPO


def _setup_commands():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_has_exactly_two_setup_commands():
    commands = _setup_commands()
    assert len(commands) == 2, commands
    assert all("\n" not in c for c in commands)
    assert "focuscode demo" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    test_command = _setup_commands()[1]
    # CI activates its own fresh virtual environment first; the rest must be verbatim.
    rest = test_command.split("&&", 1)[1].strip()
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert rest in ci
