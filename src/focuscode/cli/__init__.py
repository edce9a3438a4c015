"""The command-line app, on Click. Commands are thin calls into the library."""

from .app import app, main  # noqa: F401
