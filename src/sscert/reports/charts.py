"""Charts for the progress report, drawn by matplotlib as inline SVG (no JavaScript, no
network): the HTML file works offline. Text stays text in the SVG, so the browser draws the
Chinese labels with its own fonts."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["bar_chart", "daily_chart", "stacked_completion_chart"]

_PALETTE = {
    "certified": "#2e7d32",
    "pending": "#f9a825",
    "suspended": "#c62828",
    "deceased": "#616161",
}
_FONTS = [
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "DejaVu Sans",
    "sans-serif",
]


def _figure(width: float, height: float) -> Any:
    import matplotlib  # noqa: PLC0415 - an optional dependency, loaded when needed

    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["text.parse_math"] = False  # a township's "$" is text, not TeX
    matplotlib.rcParams["text.usetex"] = False
    matplotlib.rcParams["svg.hashsalt"] = "sscert"  # the same data, the same file
    matplotlib.rcParams["font.family"] = "sans-serif"
    matplotlib.rcParams["font.sans-serif"] = _FONTS
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    from matplotlib.figure import Figure  # noqa: PLC0415

    return Figure(figsize=(width, height), layout="constrained")


def _integers() -> Any:
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    return MaxNLocator(integer=True)


def _svg(figure: Any, label: str) -> str:
    buffer = io.StringIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*[Gg]lyph.*missing.*")
        warnings.filterwarnings("ignore", message=".*findfont.*")
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    return re.sub(r"<svg ", f'<svg role="img" aria-label="{label}" class="chart" ', text, count=1)


def stacked_completion_chart(groups: Sequence[Any], title: str) -> str:
    """Horizontal stacked bars: certified, pending, suspended, deceased per group."""
    figure = _figure(8, 0.38 * len(groups) + 1.4)
    axes = figure.add_subplot()
    names = [g.group for g in groups][::-1]
    left = [0] * len(names)
    for key, label in (
        ("certified", "已认证"),
        ("pending", "待认证"),
        ("suspended", "已暂停"),
        ("deceased", "已死亡"),
    ):
        values = [getattr(g, key) for g in groups][::-1]
        axes.barh(names, values, left=left, color=_PALETTE[key], label=label)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_title(title)
    axes.set_xlabel("人数")
    axes.xaxis.set_major_locator(_integers())
    # outside the axes: a legend never covers a bar
    figure.legend(loc="outside lower center", ncol=4, fontsize="small", frameon=False)
    return _svg(figure, title)


def daily_chart(
    days: dict[dt.date, int], start: dt.date, end: dt.date, window: tuple[dt.date, dt.date] | None
) -> str:
    """Certifications per day across the campaign, with the window shaded."""
    figure = _figure(9, 3.2)
    axes = figure.add_subplot()
    span = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    counts = [days.get(day, 0) for day in span]
    axes.bar(span, counts, width=0.9, color="#1565c0")
    if window is not None:
        axes.axvspan(window[0], window[1], color="#e3f2fd", zorder=0, label="认证时间")
        figure.legend(loc="outside lower center", fontsize="small", frameon=False)
    axes.set_title("每日认证人数")
    axes.set_ylabel("人数")
    axes.yaxis.set_major_locator(_integers())
    figure.autofmt_xdate()
    return _svg(figure, "每日认证人数")


def bar_chart(values: dict[str, int], title: str, colour: str = "#6a1b9a") -> str:
    figure = _figure(6, 0.45 * max(len(values), 1) + 1.2)
    axes = figure.add_subplot()
    names = list(values)[::-1]
    axes.barh(names, [values[n] for n in names], color=colour)
    axes.set_title(title)
    axes.set_xlabel("次数")
    axes.xaxis.set_major_locator(_integers())
    return _svg(figure, title)
