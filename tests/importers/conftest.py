from __future__ import annotations

import sys
from pathlib import Path

# importkit (helpers shared by the importer tests) lives beside this file. Appended, not
# prepended: other suites import the top-level tests/conftest.py as `conftest`.
_here = str(Path(__file__).resolve().parent)
if _here not in sys.path:
    sys.path.append(_here)
