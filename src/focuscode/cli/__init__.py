"""The Typer command-line app. Commands are thin calls into the library."""

from .app import app, main  # noqa: F401
