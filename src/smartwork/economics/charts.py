"""A chart insights lacks: horizontal bars that may be negative (a margin), drawn
around a zero line, in the same accessible SVG frame as `insights.charts`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from smartwork.insights.charts import _fmt, _frame

GAIN, LOSS = "#1b6e3a", "#a1261b"


def diverging_bars(*, title: str, desc: str, labels: Sequence[str],
                   values: Sequence[Decimal | None], unit: str = "", width: int = 640,
                   bar_height: int = 20) -> str:
    label_w, pad, text_w = 180, 8, 80
    height = pad * 2 + max(1, len(labels)) * (bar_height + 6)
    nums = [float(v) for v in values if v is not None]
    low, high = min([*nums, 0.0]), max([*nums, 0.0])
    span = (high - low) or 1.0
    plot_w = width - label_w - 2 * text_w
    zero_x = label_w + text_w + (-low) / span * plot_w
    parts = [f'<line x1="{zero_x:.1f}" y1="{pad - 2}" x2="{zero_x:.1f}" '
             f'y2="{height - pad + 2}" stroke="#888"/>']
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = pad + i * (bar_height + 6)
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height * 0.7:.1f}" text-anchor="end">'
                     f'{escape(str(label)[:30])}</text>')
        if value is None:
            continue
        v = float(value)
        w = abs(v) / span * plot_w
        x = zero_x if v >= 0 else zero_x - w
        colour = GAIN if v >= 0 else LOSS
        text = f"{_fmt(v)} {escape(unit)}"
        tx, anchor = (x + w + 4, "start") if v >= 0 else (x - 4, "end")
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{colour}">'
            f'<title>{escape(str(label))}: {text}</title></rect>'
            f'<text x="{tx:.1f}" y="{y + bar_height * 0.7:.1f}" text-anchor="{anchor}">{text}</text>')
    return _frame(title, desc, width, height, "".join(parts))
