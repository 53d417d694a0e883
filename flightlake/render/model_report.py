"""The delay-risk model's report as one HTML file: live AUC and calibration of the champion and
the challenger, feature drift, the models' summary and the registry's events.

Charts are matplotlib figures saved as SVG and written inline: the file opens anywhere (a
browser, a CI artifact, an e-mail attachment) with no network, no JavaScript library and no
image files beside it, and its text stays text (searchable, sharp at any zoom)."""

from __future__ import annotations

import html as _html
import io
import re

import matplotlib
import pandas as pd
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

CHAMPION = "#1f77b4"
CHALLENGER = "#ff7f0e"
ROLE_COLOURS = {"champion": CHAMPION, "challenger": CHALLENGER}
# Neither role's colour, so a role's colour on the page means that role's line was drawn.
NEUTRAL = "#7f7f7f"
WORST = "#d62728"
HEATMAP_FEATURES = 12

# Each chart's caption, and what the page says instead when there is nothing to draw.
_CAPTIONS = {
    "chart-auc": ("Daily AUC of the scored flights, champion vs challenger.", "no scored day"),
    "chart-calibration": (
        "Daily calibration error per role; the champion's mean score against the late rate.",
        "no scored day",
    ),
    "chart-drift": (
        "Alarms per day (bars) and, for the non-calendar feature nearest its alarm, its PSI "
        "against the weeks before as a share of its threshold (line); alarm above 1.",
        "no drift measured",
    ),
    "chart-drift-features": (
        f"Recent PSI per day of the {HEATMAP_FEATURES} most drifted features.",
        "no drift measured",
    ),
}
_SUMMARY_COLUMNS = ["model_version", "role", "days", "flights", "auc", "calibration_error"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
figure.chart { margin: 1.5em 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.8em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
p.no-data { color: #888; font-style: italic; }
"""


def _svg(fig: Figure, chart_id: str) -> str:
    """The figure as an <svg> element for an HTML page."""
    buf = io.StringIO()
    # A salt per chart keeps the ids reproducible from run to run; no metadata block, as it
    # holds the date of the run and URLs.
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": chart_id}):
        fig.savefig(
            buf, format="svg", metadata=dict.fromkeys(["Date", "Creator", "Format", "Type"])
        )
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    # The HTML parser puts <svg> in its namespace itself: without the declarations the page
    # names no URL at all.
    svg = re.sub(r' xmlns(:\w+)?="[^"]*"', "", svg)
    # Every figure numbers its groups figure_1, axes_1…: one page needs its ids unique.
    return re.sub(r'(id="|url\(#|href="#)', rf"\g<1>{chart_id}-", svg)


def _figure(fig: Figure | None, chart_id: str, caption: str, missing: str) -> str:
    if fig is None:
        return f'<p class="no-data">No data yet: {_html.escape(missing)}.</p>'
    return (
        f'<figure class="chart" id="{chart_id}">{_svg(fig, chart_id)}'
        f"<figcaption>{_html.escape(caption)}</figcaption></figure>"
    )


def _dated(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(day=pd.to_datetime(frame["scoring_date"])).sort_values("day")


def _date_axis(ax) -> None:
    locator = AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def _by_role(ax, perf: pd.DataFrame, column: str) -> None:
    for role, colour in ROLE_COLOURS.items():
        rows = perf[perf["role"] == role]
        if not rows.empty:
            ax.plot(rows["day"], rows[column], color=colour, marker="o", markersize=3, label=role)
    ax.legend(loc="best")
    _date_axis(ax)


def _auc(perf: pd.DataFrame) -> Figure | None:
    if perf.empty:
        return None
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    ax = fig.subplots()
    _by_role(ax, perf, "auc")
    ax.set_ylabel("AUC")
    return fig


def _calibration(perf: pd.DataFrame) -> Figure | None:
    if perf.empty:
        return None
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    error, rates = fig.subplots(1, 2)
    _by_role(error, perf, "calibration_error")
    error.set_ylabel("calibration error")
    champion = perf[perf["role"] == "champion"]
    rates.plot(champion["day"], champion["mean_score"], color=CHAMPION, label="mean score")
    rates.plot(champion["day"], champion["late_rate"], color=NEUTRAL, ls="--", label="late rate")
    rates.set_title("champion", fontsize=10)
    rates.legend(loc="best")
    _date_axis(rates)
    return fig


def _drift(drift: pd.DataFrame) -> Figure | None:
    if drift.empty:
        return None
    alarms = drift.groupby("day")["alarm"].sum()
    # Each series has its own threshold (learnt from its own ordinary weeks): the line is the
    # nearest any non-calendar feature came to its alarm, as a share of its threshold.
    judged = drift[drift["kind"] != "calendar"]
    worst = (judged["psi_recent"] / judged["psi_threshold"]).groupby(judged["day"]).max()
    fig = Figure(figsize=(10, 3.2), layout="constrained")
    ax = fig.subplots()
    ax.bar(alarms.index, alarms.to_numpy(), width=0.8, color=NEUTRAL, alpha=0.6)
    ax.set_ylabel("alarms")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    psi = ax.twinx()
    psi.plot(worst.index, worst.to_numpy(), color=WORST, marker="o", markersize=3)
    psi.axhline(1, color=WORST, ls="--", lw=1)
    psi.text(0.005, 1, "alarm", color=WORST, va="bottom", transform=psi.get_yaxis_transform())
    psi.set_ylabel("worst PSI ÷ its threshold", color=WORST)
    psi.set_ylim(0, max([1.4, *(worst.dropna() * 1.1)]))
    _date_axis(ax)
    return fig


def _drift_features(drift: pd.DataFrame) -> Figure | None:
    if drift.empty:
        return None
    grid = drift.pivot_table(index="feature", columns="day", values="psi_recent", aggfunc="max")
    top = grid.max(axis=1).sort_values(ascending=False).index[:HEATMAP_FEATURES]
    grid = grid.loc[top]
    calendar = set(drift.loc[drift["kind"] == "calendar", "feature"])
    fig = Figure(figsize=(10, 1.2 + 0.3 * len(grid)), layout="constrained")
    ax = fig.subplots()
    image = ax.imshow(grid.to_numpy(dtype=float), aspect="auto", cmap="Reds", vmin=0)
    ax.set_yticks(range(len(grid)), [f"{f} (calendar)" if f in calendar else f for f in top])
    step = -(-len(grid.columns) // 10)  # ten labels at most: they are 5 characters wide
    ax.set_xticks(range(0, len(grid.columns), step), grid.columns[::step].strftime("%m-%d"))
    fig.colorbar(image, ax=ax, label="PSI, recent")
    return fig


def _cell(value) -> str:
    if isinstance(value, float):
        return '<td class="num">–</td>' if pd.isna(value) else f'<td class="num">{value:.3f}</td>'
    if isinstance(value, int) and not isinstance(value, bool):
        return f'<td class="num">{value:,}</td>'
    return f"<td>{_html.escape(str(value))}</td>"


def _table(rows: list[dict], columns: list[str], missing: str) -> str:
    if not rows:
        return f'<p class="no-data">No data yet: {_html.escape(missing)}.</p>'
    head = "".join(f"<th>{_html.escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(_cell(row.get(c, "")) for c in columns) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html(
    title: str,
    performance: pd.DataFrame,
    drift: pd.DataFrame,
    events: list[dict],
    summary: pd.DataFrame,
) -> str:
    """The report as one self-contained HTML5 document."""
    perf, drifted = _dated(performance), _dated(drift)
    figures = {
        "chart-auc": _auc(perf),
        "chart-calibration": _calibration(perf),
        "chart-drift": _drift(drifted),
        "chart-drift-features": _drift_features(drifted),
    }
    charts = [_figure(fig, chart_id, *_CAPTIONS[chart_id]) for chart_id, fig in figures.items()]
    # Records hold Python ints and floats, which _cell tells apart.
    models = _table(summary.to_dict("records"), _SUMMARY_COLUMNS, "no model scored")
    body = [
        "<h2>Live performance</h2>",
        *charts[:2],
        "<h2>Drift</h2>",
        *charts[2:],
        "<h2>Models</h2>",
        models,
        "<h2>Events</h2>",
        _table(events, ["date", "action", "version", "reason"], "no registry event"),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{_html.escape(title)}</h1>\n" + "\n".join(body) + "\n</body></html>\n"
    )
