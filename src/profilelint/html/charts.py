"""Small horizontal bar charts as inline SVG, written by hand (no library, no script).

Each chart repeats numbers that a table next to it gives exactly, so the SVG is a picture for
the eye: it is labelled for screen readers as a whole and each bar carries a <title>.
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from ..escape import printable

BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 150
BAR_WIDTH = 260
COUNT_WIDTH = 60
DEFAULT_COLOUR = "#2563eb"


def bar_chart(title: str, values: Mapping[str, int], *, colours: Mapping[str, str] | None = None,
              limit: int = 12) -> str:
    """One bar per entry (at most `limit`, in the given order), scaled to the largest."""
    shown = list(values.items())[:limit]
    largest = max((count for _, count in shown), default=0) or 1
    height = len(shown) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH
    parts = [
        f"<figure><figcaption>{escape(printable(title))}</figcaption>",
        (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}"'
         f' width="{width}" height="{height}" role="img" aria-label="{escape(printable(title))}">')
    ]
    for row, (label, count) in enumerate(shown):
        y = GAP + row * (BAR_HEIGHT + GAP)
        length = round(BAR_WIDTH * count / largest, 1)
        colour = (colours or {}).get(label, DEFAULT_COLOUR)
        name = escape(printable(label))
        shown_name = name if len(label) <= 22 else escape(printable(label[:21])) + "…"
        parts.append(
            f"<g><title>{name}: {count}</title>"
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end" font-size="12"'
            f' fill="#111827">{shown_name}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR_HEIGHT}"'
            f' fill="{colour}"/>'
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + 13}" font-size="12"'
            f' fill="#111827">{count}</text></g>'
        )
    parts.append("</svg></figure>")
    return "".join(parts)
