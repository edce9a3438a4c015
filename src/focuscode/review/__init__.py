"""The review loop: a coder walks through segments by keyboard.

Split so each part can be tested alone: `queue` picks the segments, `session`
writes every action at once (one small transaction each) and keeps the undo
stack, `screen` draws one segment to fit an 80x24 terminal, `keys` reads keys
from a terminal or any text stream, and `loop` ties them together.
"""

from .keys import KeyReader, ScriptedKeys, StreamKeys, terminal_keys  # noqa: F401
from .loop import ReviewSummary, run_review  # noqa: F401
from .queue import ReviewFilter, build_queue  # noqa: F401
from .session import ReviewSession  # noqa: F401
