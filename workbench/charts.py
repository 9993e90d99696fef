"""Server-rendered horizontal bar charts (inline SVG) for the dashboards.

No JavaScript and no library: a chart is geometry computed here and drawn by the template
`workbench/includes/bar_chart.html` (escaped like any template). Each row puts its label on a line of its own
above the bar, so long Vietnamese names stay readable on a 390 px phone; the SVG has a `viewBox` and is as wide
as its box (`width="100%"`), prints as vector, and is followed by a <details> table of the same numbers (the
SVG itself is a `role="group"` with a label, not an image, as its bars are links: a screen reader hears the
title and reads the table).

Colours are SVG presentation attributes, not `style` attributes, so the Content-Security-Policy stays strict.
"""

from dataclasses import dataclass, field

# The drawing's own units: the SVG scales to its box, so these only fix the proportions.
WIDTH = 320
LABEL_HEIGHT = 16
BAR_HEIGHT = 14
ROW_GAP = 10
VALUE_ROOM = 56  # right of the longest bar, for "123/456"
FONT_SIZE = 12

# Characters of a label that fit on its line at FONT_SIZE (the template cuts longer ones with "…").
LABEL_CHARS = 48

# Bootstrap's palette, so the legend's swatches match the badges around the chart.
COLORS = {
    "primary": "#0d6efd",
    "success": "#198754",
    "warning": "#ffc107",
    "danger": "#dc3545",
    "secondary": "#6c757d",
    "light": "#ced4da",
    "info": "#0dcaf0",
}


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    color: str  # a key of COLORS

    @property
    def fill(self) -> str:
        return COLORS[self.color]


@dataclass
class Segment:
    series: Series
    value: int
    x: float
    width: float


@dataclass
class Row:
    label: str
    url: str
    values: dict[str, int]
    text: str  # the number printed after the bar
    label_y: float = 0
    bar_y: float = 0
    text_x: float = 0
    text_y: float = 0
    segments: list[Segment] = field(default_factory=list)
    cells: list[int] = field(default_factory=list)  # the values in the order of the chart's series (its table)

    @property
    def total(self) -> int:
        return sum(self.values.values())

    @property
    def short_label(self) -> str:
        return self.label if len(self.label) <= LABEL_CHARS else self.label[: LABEL_CHARS - 1] + "…"


@dataclass
class BarChart:
    """A horizontal bar chart: one row per item, one stacked segment per series."""

    chart_id: str
    title: str
    series: list[Series]
    rows: list[Row]
    width: int = WIDTH
    height: float = 0
    limit_x: float | None = None  # a marker line (e.g. 100 % of a quota)
    limit_label: str = ""
    has_data: bool = True

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height:g}"

    @property
    def is_empty(self) -> bool:
        return not self.has_data


def bar_chart(
    chart_id: str,
    title: str,
    series: list[Series],
    rows: list[tuple[str, str, dict[str, int], str]],
    *,
    scale_max: int | None = None,
    limit: int | None = None,
    limit_label: str = "",
    has_data: bool | None = None,
) -> BarChart:
    """Lay out `rows` of (label, url, {series key: value}, text after the bar).

    Bars share one scale: the largest row total, or `scale_max` when given (a share in %: 100). `limit` draws a
    vertical marker at that value (a quota's 100 %) and widens the scale to show it. `has_data`: whether there is
    anything to draw (default: a row with a value above 0; a share of 0 % is data, so shares say it themselves).
    """
    if has_data is None:
        has_data = any(sum(values.values()) for _, _, values, _ in rows)
    chart = BarChart(chart_id, title, series, [], limit_label=limit_label, has_data=has_data)
    top = max([sum(values.values()) for _, _, values, _ in rows] + [scale_max or 0, limit or 0, 1])
    room = WIDTH - VALUE_ROOM
    y = 0.0
    for label, url, values, text in rows:
        row = Row(label, url, values, text, cells=[values.get(s.key, 0) for s in series])
        row.label_y = y + LABEL_HEIGHT - 4
        row.bar_y = y + LABEL_HEIGHT
        x = 0.0
        for s in series:
            value = values.get(s.key, 0)
            if value <= 0:
                continue
            width = room * value / top
            row.segments.append(Segment(s, value, round(x, 2), round(width, 2)))
            x += width
        row.text_x = round(x + 4, 2)
        row.text_y = row.bar_y + BAR_HEIGHT - 3
        chart.rows.append(row)
        y += LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP
    chart.height = max(y, LABEL_HEIGHT + BAR_HEIGHT + ROW_GAP)
    if limit is not None:
        chart.limit_x = round(room * limit / top, 2)
    return chart
