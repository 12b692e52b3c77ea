"""The floor: the least work any YAML linter must do — compose every file with libyaml.

    python bench/floor.py DIR

Reads every ``*.yaml`` under DIR and builds its node tree with PyYAML's C composer, nothing
else: no Python objects constructed, no rules, no output per file.  A linter that also has to
read and parse each file cannot beat this, so "within N× of the floor" measures everything a
linter adds on top of parsing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def compose_all(directory: Path) -> int:
    count = 0
    for path in sorted(directory.rglob("*.yaml")):
        yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
        count += 1
    return count


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not Path(argv[0]).is_dir():
        print("usage: python bench/floor.py DIR", file=sys.stderr)
        return 2
    if not yaml.__with_libyaml__:
        # Without libyaml the "floor" would be the pure-Python parser, many times slower.
        print(
            "floor.py: PyYAML was built without libyaml; the floor would be meaningless",
            file=sys.stderr,
        )
        return 2
    print(f"composed {compose_all(Path(argv[0]))} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
