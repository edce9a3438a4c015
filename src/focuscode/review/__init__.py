"""Reviewing segments: which segments a coder walks through and what each action stores.

The library part of review: `queue` picks the segments, `session` writes every action
at once (one small transaction each) and keeps the undo stack (codes are found by what was typed with
`codes.match_codes`). The terminal side (keys, drawing, the loop that ties them together)
lives with the CLI in `focuscode.cli.review_ui`.
"""

from .queue import ReviewFilter, build_queue  # noqa: F401
from .session import ReviewSession  # noqa: F401
