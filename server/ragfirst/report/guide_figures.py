"""The guide's pictures as SVG files: the decision flowchart and the payback curve.

`python -m ragfirst.report.guide_figures docs/guide` writes them; a test checks the
committed files are what this module draws, so the numbers in the pictures are the
guide's (10,000 examples, 1,000 floor, $5k-$50k, $10,000/month, $50,000 to implement).
They use the report's palette and text in `currentColor`; a standalone file has no page
to inherit a colour from, so each carries a small style for the light and dark schemes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ragfirst.report.model import PaybackInputs
from ragfirst.report.svg import BLUE, GREEN, ORANGE, VERMILLION, money, svg_document

_SCHEME = (
    "<style>svg{color:#1b1b1b;background:#ffffff}"
    "@media (prefers-color-scheme: dark){svg{color:#e8e8e8;background:#15171a}}</style>"
)


def _e(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _box(
    x: float, y: float, w: float, lines: list[str], colour: str, question: bool = False
) -> tuple[str, float]:
    """A box with centred lines; questions are dashed. Returns the SVG and its height."""
    h = 14 + 17 * len(lines)
    dash = ' stroke-dasharray="6 4"' if question else ""
    parts = [
        f'<rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{4 if question else 10}" fill="{colour}"'
        f' fill-opacity="0.14" stroke="{colour}" stroke-width="2"{dash}/>'
    ]
    for i, line in enumerate(lines):
        weight = ' font-weight="600"' if i == 0 else ""
        parts.append(
            f'<text x="{x + w / 2}" y="{y + 22 + 17 * i}" text-anchor="middle" fill="currentColor"{weight}>{_e(line)}</text>'
        )
    return "".join(parts), h


def _arrow(x1: float, y1: float, x2: float, y2: float, label: str = "") -> str:
    parts = [
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="currentColor" stroke-width="1.5"'
        ' marker-end="url(#arrow)"/>'
    ]
    if label:
        parts.append(
            f'<text x="{(x1 + x2) / 2 + 6}" y="{(y1 + y2) / 2 - 4}" fill="currentColor" font-size="12">{_e(label)}</text>'
        )
    return "".join(parts)


def decision_flowchart() -> str:
    """Prompting, then retrieval, then training only when every condition holds."""
    steps: list[tuple[list[str], str, bool, tuple[list[str], str] | None]] = [
        (["The model does not know our data", "or gives bad answers"], BLUE, False, None),
        (
            ["1. Better prompts good enough?", "instructions, few-shot examples, structured output"],
            BLUE,
            True,
            (["Ship the prompt"], GREEN),
        ),
        (
            ["2. Retrieval (RAG) good enough?", "embed the documents, retrieve, put them in the prompt"],
            BLUE,
            True,
            (["Ship RAG"], GREEN),
        ),
        (
            ["3. Tuned retrieval reaches ~90%?", "hybrid search, reranking, better chunking, RAG bugs fixed"],
            BLUE,
            True,
            (["Ship RAG"], GREEN),
        ),
        (
            ["4. Another model or provider fixes it?", "run the same evaluation set on two or three"],
            BLUE,
            True,
            (["Switch models"], GREEN),
        ),
        (
            [
                "5. Does every one of these hold?",
                "knowledge missing from public data and the prompt",
                "10,000+ labelled pairs (1,000 is the floor)",
                "budget of $5,000-$50,000 and ML engineers",
                "API spend >= $10,000/month, payback within the model's life",
            ],
            ORANGE,
            True,
            (["Do not train:", "improve retrieval", "and prompts"], VERMILLION),
        ),
        (["6. Supervised fine-tuning (SFT)", "then evaluate against the RAG baseline"], ORANGE, False, None),
        (["Preference training (DPO, RLHF) last", "$50,000+ on top of SFT"], VERMILLION, False, None),
    ]
    x, w, side_x, side_w, gap = 16, 456, 548, 140, 34
    y = 20
    parts = [
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7"'
        ' orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="currentColor"/></marker></defs>'
    ]
    previous_bottom = None
    down_label = ""  # the branch the arrow below a box stands for
    for lines, colour, question, side in steps:
        if previous_bottom is not None:
            parts.append(_arrow(x + w / 2, previous_bottom, x + w / 2, y - 2, down_label))
        box, h = _box(x, y, w, lines, colour, question)
        parts.append(box)
        if side is not None:
            side_lines, side_colour = side
            side_box, _ = _box(
                side_x, y + h / 2 - (14 + 17 * len(side_lines)) / 2, side_w, side_lines, side_colour
            )
            yes = "no to any" if lines[0].startswith("5.") else "yes"
            parts.append(_arrow(x + w, y + h / 2, side_x - 2, y + h / 2, ""))
            parts.append(
                f'<text x="{x + w + 10}" y="{y + h / 2 - 6}" fill="currentColor" font-size="12">{yes}</text>'
            )
            parts.append(side_box)
        down_label = ("yes, all" if lines[0].startswith("5.") else "no") if question else ""
        previous_bottom = y + h
        y += h + gap
    height = int(y - gap + 20)
    desc = (
        "Climb from the bottom: better prompts; if not enough, retrieval (RAG); if not enough, hybrid search,"
        " reranking and chunking until about 90% accuracy; then try other models. Train only when all hold:"
        " the knowledge is missing from public data, 10,000+ labelled pairs (1,000 is the floor), a budget of"
        " $5,000-$50,000 with ML engineers, and API spend of $10,000/month or more with a payback inside the"
        " model's life. Otherwise improve retrieval and prompts. Supervised fine-tuning first, preference"
        " training ($50,000+) last."
    )
    body = _SCHEME + "".join(parts)
    return svg_document("flow", 700, height, "When to train: the decision flowchart", desc, body) + "\n"


def payback_curve(inputs: PaybackInputs | None = None) -> str:
    """Months to pay back against monthly API spend, with the $10,000/month line."""
    base = inputs or PaybackInputs(10_000, "the guide's defaults")
    width, height, left, right, top, bottom = 680, 320, 80, 20, 24, 50
    plot_w, plot_h = width - left - right, height - top - bottom
    most_spend, most_months = 40_000, 48

    def xy(spend: float, months: float) -> tuple[float, float]:
        return left + plot_w * spend / most_spend, top + plot_h - plot_h * min(
            months, most_months
        ) / most_months

    points = []
    spend = 500.0
    while spend <= most_spend:
        months = base.payback_months(spend)
        if months is not None and months <= most_months:
            points.append("{:.1f},{:.1f}".format(*xy(spend, months)))
        spend += 250
    parts = [
        _SCHEME,
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="currentColor"/>',
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" stroke="currentColor"/>',
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{BLUE}" stroke-width="3"/>',
    ]
    for s in range(0, most_spend + 1, 10_000):
        x, _ = xy(s, 0)
        parts.append(
            f'<text x="{x}" y="{top + plot_h + 16}" text-anchor="middle" fill="currentColor" font-size="12">{money(s)}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2}" y="{top + plot_h + 34}" text-anchor="middle" fill="currentColor"'
        ' font-size="12">API spend per month</text>'
    )
    for m in range(0, most_months + 1, 12):
        _, y = xy(0, m)
        parts.append(
            f'<text x="{left - 6}" y="{y + 4}" text-anchor="end" fill="currentColor" font-size="12">{m} mo</text>'
        )
    parts.append(
        f'<text x="16" y="{top + plot_h / 2}" transform="rotate(-90 16 {top + plot_h / 2})" text-anchor="middle"'
        ' fill="currentColor" font-size="12">months to pay back</text>'
    )
    x10, _ = xy(base.threshold, 0)
    parts.append(
        f'<line x1="{x10}" y1="{top}" x2="{x10}" y2="{top + plot_h}" stroke="{ORANGE}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(
        f'<text x="{x10 + 6}" y="{top + 14}" fill="currentColor" font-size="12">{money(base.threshold)}/month threshold</text>'
    )
    for name, spend, running in (("Team A", 4_000.0, 500.0), ("Team B", 30_000.0, 2_000.0)):
        team = PaybackInputs(spend, name, running_share=running / spend)
        months = team.payback_months() or most_months
        x, y = xy(spend, months)
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{VERMILLION if spend < base.threshold else GREEN}"/>'
        )
        anchor, dx = ("end", -8) if x > left + plot_w / 2 else ("start", 8)
        parts.append(
            f'<text x="{x + dx:.1f}" y="{y - 24:.1f}" text-anchor="{anchor}" fill="currentColor" font-size="12">'
            f"{name}: {money(spend)}/month, {months:.0f} months</text>"
        )
    desc = (
        f"Payback months for a {money(base.implementation_cost)} training project against monthly API spend, when a"
        f" tuned model costs {base.tuned_share:.0%} of today's spend and re-training and evaluations another"
        f" {base.running_share:.0%}. At {money(base.threshold)}/month it pays back in about"
        f" {base.payback_months() or 0:.0f} months; the guide's Team A ($4k/month) needs about 26 months, Team B"
        " ($30k/month) about 3."
    )
    return (
        svg_document(
            "payback-curve",
            width,
            height,
            "Payback of training against monthly API spend",
            desc,
            "".join(parts),
        )
        + "\n"
    )


FIGURES = {"decision-flowchart.svg": decision_flowchart, "payback.svg": payback_curve}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else Path("docs/guide")
    for name, draw in FIGURES.items():
        (target / name).write_text(draw(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
