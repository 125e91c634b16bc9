"""Charts as inline SVG, written by hand: the report must be one file with no scripts.

Why not a plotting library: matplotlib's SVG output is ~100 kB a chart of paths (text
drawn as glyph outlines, so not selectable or read by screen readers) and a heavy
dependency for four simple shapes; these charts are rectangles, lines and text.

Accessibility: every chart has `role="img"`, a `<title>` and a `<desc>` (the text
alternative, which states the numbers), and the report puts a table with the same data
next to it. Colours come from the Okabe-Ito palette (distinguishable with the common
colour-vision deficiencies) and never carry meaning alone: bars carry their value and
severity as text, and lines differ in dash pattern too. Text and axes use
`currentColor`, so charts follow the page's light or dark scheme.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from ragfirst.report.model import Event, PaybackInputs, Rung

# Okabe & Ito (2008), "Color Universal Design".
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
GREY = "#999999"
SEVERITY_COLOURS = {"error": VERMILLION, "warning": ORANGE, "info": BLUE, "hint": SKY}
CHAR_WIDTH = 7.0  # an average glyph at font-size 13, for layout only


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _fit(text: str, width: float) -> str:
    """Shortened with an ellipsis to about `width` pixels (the full text is in the table)."""
    most = max(4, int(width / CHAR_WIDTH))
    return text if len(text) <= most else text[: most - 1] + "…"


def svg_document(ident: str, width: int, height: int, title: str, desc: str, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}"'
        f' width="{width}" height="{height}" role="img"'
        f' aria-labelledby="{ident}-title {ident}-desc"'
        ' font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="13">'
        f'<title id="{ident}-title">{_e(title)}</title><desc id="{ident}-desc">{_e(desc)}</desc>'
        f"{body}</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="currentColor"{extra}>{_e(text)}</text>'
    )


def money(value: float) -> str:
    if value >= 1000:
        return f"${value / 1000:,.1f}".removesuffix(".0") + "k"
    return f"${value:,.0f}"


# -- the ladder --------------------------------------------------------------------------


def _wrap(text: str, most: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= most:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def ladder_chart(rungs: Sequence[Rung], ident: str = "ladder") -> str:
    """Five steps, bottom-left to top-right; a step the code shows is filled and says so."""
    step_w, base, rise = 132, 64, 26
    width = 20 + step_w * len(rungs)
    height = base + rise * len(rungs) + 40
    parts = []
    top = max((r.number for r in rungs if r.present), default=0)
    for i, rung in enumerate(rungs):
        x = 10 + i * step_w
        h = base + rise * i
        y = height - 10 - h
        if rung.present:
            parts.append(f'<rect x="{x}" y="{y}" width="{step_w - 6}" height="{h}" rx="4" fill="{BLUE}"/>')
            label, fill = f"✓ found ({len(rung.evidence)})", "#ffffff"
        else:
            parts.append(
                f'<rect x="{x}" y="{y}" width="{step_w - 6}" height="{h}" rx="4" fill="none"'
                ' stroke="currentColor" stroke-opacity="0.6" stroke-dasharray="5 4"/>'
            )
            label, fill = "not found", "currentColor"
        cx = x + (step_w - 6) / 2
        for j, line in enumerate(_wrap(f"{rung.number}. {rung.title}", 17)):
            parts.append(
                f'<text x="{cx:.1f}" y="{y + 18 + 15 * j:.1f}" text-anchor="middle" fill="{fill}"'
                f' font-weight="600">{_e(line)}</text>'
            )
        parts.append(
            f'<text x="{cx:.1f}" y="{y + h - 10:.1f}" text-anchor="middle" fill="{fill}">{_e(label)}</text>'
        )
        if rung.number == top:
            parts.append(_text(cx, y - 8, "▼ highest rung", "middle", ' font-size="12"'))
    shown = [r.title for r in rungs if r.present]
    desc = (
        "The code shows: " + ", ".join(shown) + "."
        if shown
        else "The code shows none of the ladder's rungs (no LLM calls, retrieval or training found)."
    )
    missing = [r.title for r in rungs if not r.present and r.number < top]
    if missing:
        desc += " Skipped below the highest rung: " + ", ".join(missing) + "."
    return svg_document(
        ident, width, height, "The decision ladder: which rungs the code shows", desc, "".join(parts)
    )


# -- horizontal bars ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    colour: str
    caption: str  # the value as text, drawn after the bar (colour never carries meaning alone)


def bar_chart(
    bars: Sequence[Bar],
    title: str,
    desc: str,
    ident: str,
    log_scale: bool = False,
    marks: Sequence[tuple[float, str]] = (),
) -> str:
    label_w, bar_h, gap, width = 190, 20, 8, 660
    plot_w = width - label_w - 130
    top = 34 if marks else 10
    height = top + len(bars) * (bar_h + gap) + 10
    largest = max([b.value for b in bars] + [v for v, _ in marks] + [1.0])

    def scale(value: float) -> float:
        if value <= 0:
            return 0.0
        if log_scale:
            return plot_w * math.log10(max(value, 1.0)) / math.log10(max(largest, 10.0) * 1.2)
        return plot_w * value / largest

    parts = []
    for value, text in marks:
        x = label_w + scale(value)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 6}" stroke="currentColor"'
            ' stroke-opacity="0.7" stroke-dasharray="3 3"/>'
        )
        parts.append(_text(x, top - 12, text, "middle", ' font-size="12"'))
    for i, bar in enumerate(bars):
        y = top + i * (bar_h + gap)
        w = max(scale(bar.value), 2.0)
        parts.append(_text(label_w - 8, y + bar_h - 5, _fit(bar.label, label_w - 12), "end"))
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="2" fill="{bar.colour}"/>'
        )
        parts.append(_text(label_w + w + 6, y + bar_h - 5, bar.caption))
    return svg_document(ident, width, height, title, desc, "".join(parts))


# -- payback -----------------------------------------------------------------------------


def payback_chart(inputs: PaybackInputs, ident: str = "payback", months: int = 36) -> str:
    """Cumulative cost: staying on the API against training and running a tuned model."""
    width, height, left, right, top, bottom = 660, 320, 70, 20, 20, 80
    plot_w, plot_h = width - left - right, height - top - bottom
    spend = inputs.monthly_spend
    upfront = inputs.implementation_cost + inputs.training_compute
    run = spend * (inputs.tuned_share + inputs.running_share)
    series = [
        ("Stay on the API", BLUE, "", lambda m: spend * m),
        ("Train, then run the tuned model", ORANGE, "8 5", lambda m: upfront + run * m),
    ]
    if abs(spend - inputs.threshold) > 0.5:
        series.append(
            (
                f"API at the {money(inputs.threshold)}/month threshold",
                GREY,
                "2 4",
                lambda m: inputs.threshold * m,
            )
        )
    largest = max(max(f(months) for _, _, _, f in series), 1.0)

    def xy(m: float, value: float) -> tuple[float, float]:
        return left + plot_w * m / months, top + plot_h - plot_h * value / largest

    parts = [
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="currentColor"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="currentColor"/>',
    ]
    for step in range(0, months + 1, 6):
        x, _ = xy(step, 0)
        parts.append(_text(x, top + plot_h + 16, str(step), "middle", ' font-size="12"'))
    parts.append(_text(left + plot_w / 2, top + plot_h + 32, "months", "middle", ' font-size="12"'))
    for k in range(5):
        value = largest * k / 4
        _, y = xy(0, value)
        parts.append(_text(left - 6, y + 4, money(value), "end", ' font-size="12"'))
        if k:
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="currentColor" stroke-opacity="0.15"/>'
            )
    for i, (name, colour, dash, f) in enumerate(series):
        (x1, y1), (x2, y2) = xy(0, f(0)), xy(months, f(months))
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width="3"{dashes}/>'
        )
        ly = height - 30 + (i // 2) * 16
        lx = left + (i % 2) * 300
        parts.append(
            f'<line x1="{lx}" y1="{ly - 4}" x2="{lx + 26}" y2="{ly - 4}" stroke="{colour}" stroke-width="3"{dashes}/>'
        )
        parts.append(_text(lx + 32, ly, name, "start", ' font-size="12"'))
    payback = inputs.payback_months()
    if payback is not None and payback <= months:
        x, y = xy(payback, spend * payback)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="currentColor"/>')
        parts.append(_text(x + 8, y - 8, f"pays back after {payback:.0f} months", "start", ' font-size="12"'))
    desc = payback_sentence(inputs)
    return svg_document(
        ident, width, height, "Payback: staying on the API against training", desc, "".join(parts)
    )


def payback_sentence(inputs: PaybackInputs) -> str:
    payback = inputs.payback_months()
    upfront = inputs.implementation_cost + inputs.training_compute
    head = (
        f"At {money(inputs.monthly_spend)}/month of API spend ({inputs.spend_source}), training costs"
        f" {money(upfront)} up front and the tuned model {money(inputs.monthly_spend * (inputs.tuned_share + inputs.running_share))}"
        f"/month to run, saving {money(max(inputs.monthly_saving(), 0))}/month: "
    )
    if payback is None:
        return head + "it never pays back."
    if inputs.defaulted:
        verdict = "the guide's threshold, not this project's spend: give yours with --monthly-spend"
    elif inputs.monthly_spend >= inputs.threshold:
        verdict = "training may pay"
    else:
        verdict = "below the threshold, do not train"
    return head + f"it pays back after about {payback:.0f} months ({verdict})."


# -- timeline ----------------------------------------------------------------------------


def timeline_chart(events: Sequence[Event], today: dt.date, ident: str = "timeline") -> str:
    width, left, right = 660, 20, 20
    rows = len(events)
    height = 60 + rows * 22
    last = max([e.date for e in events] + [today + dt.timedelta(days=30)])
    first = min([e.date for e in events] + [today])
    span = max((last - first).days, 1)
    axis_y = 30

    def x_of(date: dt.date) -> float:
        return left + (width - left - right - 220) * (date - first).days / span

    parts = [
        f'<line x1="{left}" y1="{axis_y}" x2="{x_of(last):.1f}" y2="{axis_y}" stroke="currentColor"/>',
        f'<line x1="{x_of(today):.1f}" y1="{axis_y - 8}" x2="{x_of(today):.1f}" y2="{height - 6}"'
        ' stroke="currentColor" stroke-dasharray="2 3"/>',
        _text(x_of(today), axis_y - 12, f"today {today.isoformat()}", "middle", ' font-size="12"'),
    ]
    for i, event in enumerate(events):
        x, y = x_of(event.date), 56 + i * 22
        colour = VERMILLION if event.date <= today + dt.timedelta(days=90) else ORANGE
        parts.append(
            f'<line x1="{x:.1f}" y1="{axis_y}" x2="{x:.1f}" y2="{y - 4}" stroke="{colour}" stroke-opacity="0.6"/>'
        )
        parts.append(f'<circle cx="{x:.1f}" cy="{y - 4}" r="5" fill="{colour}"/>')
        days = (event.date - today).days
        label = (
            f"{event.date.isoformat()} (in {days} days): {event.what}"
            if days >= 0
            else f"{event.date.isoformat()}: {event.what}"
        )
        parts.append(_text(x + 9, y, _fit(label, width - x - 12), "start", ' font-size="12"'))
    desc = "; ".join(f"{e.date.isoformat()}: {e.what}" for e in events) or "No dated events."
    return svg_document(
        ident, width, height, "Timeline: provider deadlines and retiring models", desc, "".join(parts)
    )
