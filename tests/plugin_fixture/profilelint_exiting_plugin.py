"""A plugin that calls `sys.exit(0)` while it is imported: the run must not end as a success."""

from __future__ import annotations

import sys

sys.exit(0)
