"""The terminal review UI: keys from a terminal or a stream, one segment drawn to fit
the screen, and the loop that reads a key, acts through the library's ReviewSession
and redraws. Only the CLI uses it; the library knows nothing of terminals."""

from .keys import KeyReader, ScriptedKeys, StreamKeys, terminal_keys  # noqa: F401
from .loop import ReviewSummary, run_review  # noqa: F401
