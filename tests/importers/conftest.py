from __future__ import annotations

import sys
from pathlib import Path

# importkit (helpers shared by the importer tests) lives beside this file.
sys.path.insert(0, str(Path(__file__).resolve().parent))
