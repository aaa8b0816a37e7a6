"""Keep figures readable whatever the labels: very long texts are shortened before saving.

A 5,000-character class name would otherwise stretch a tight bounding box to tens of
thousands of pixels. The full names stay in the artifacts; figures show a shortened form.
"""

from __future__ import annotations

MAX_LABEL = 100


def shorten(text: str, limit: int = MAX_LABEL) -> str:
    """`text` cut to `limit` characters with an ellipsis, or unchanged when short enough."""
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten_ticks(axis, limit: int) -> None:
    """Wrap an axis' tick formatter so the labels it draws (e.g. class names) are shortened."""
    from matplotlib.ticker import FixedFormatter, FuncFormatter

    formatter = axis.get_major_formatter()
    if isinstance(formatter, FixedFormatter):
        formatter.seq = [shorten(label, limit) for label in formatter.seq]
    elif not getattr(formatter, "_shortened", False):
        wrapped = FuncFormatter(lambda value, pos, inner=formatter: shorten(inner(value, pos), limit))
        wrapped._shortened = True
        wrapped.set_locs = formatter.set_locs  # keep offsets and category positions working
        axis.set_major_formatter(wrapped)


def shorten_figure_texts(figure, limit: int = MAX_LABEL) -> int:
    """Shorten every tick label, legend entry and text of `figure` longer than `limit`; return how many texts."""
    for axes in figure.get_axes():
        for axis in (axes.xaxis, axes.yaxis):
            _shorten_ticks(axis, limit)
    changed = 0
    for artist in figure.findobj(lambda obj: hasattr(obj, "get_text") and hasattr(obj, "set_text")):
        text = artist.get_text()
        if not isinstance(text, str):
            continue
        lines = text.split("\n")
        short = [shorten(line, limit) for line in lines]
        if short != lines:
            artist.set_text("\n".join(short))
            changed += 1
    return changed
