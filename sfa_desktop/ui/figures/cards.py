"""The dashboard's parts as words and bars: what each figure of read.figures.Dashboard looks like."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from babel.dates import format_date

from sfa_desktop import i18n
from sfa_desktop.domain.figures import Progress, QuoteOutcomes, StageValue
from sfa_desktop.i18n import N_, _
from sfa_desktop.ui.deals.models import stage_text
from sfa_desktop.ui.figures.charts import Bar
from sfa_desktop.ui.look import attention_colour, good_colour, series_colours
from sfa_desktop.ui.table_model import Column


def progress_caption(progress: Progress) -> str:
    if progress.target is None:
        return i18n.tr("{sales:money} sold; no target set", sales=progress.sales)
    gap = progress.gap or Decimal(0)
    if gap > 0:
        return i18n.tr("{sales:money} of {target:money} ({percent:percent}), {gap:money} to go",
                       sales=progress.sales, target=progress.target, percent=progress.percent, gap=gap)
    return i18n.tr("{sales:money} of {target:money} ({percent:percent}): target reached",
                   sales=progress.sales, target=progress.target, percent=progress.percent)


def fraction(progress: Progress) -> float | None:
    if progress.target is None or progress.target <= 0:
        return None
    return float(progress.sales / progress.target)


def month_label(first: dt.date) -> str:
    """'dic 25' / 'Dec 25' (Babel, as every date of the app; Qt's en-GB would say 'Sept', too long for a bar)."""
    return format_date(first, "LLL yy", locale=i18n.language())


def month_name(first: dt.date) -> str:
    return format_date(first, "LLLL yyyy", locale=i18n.language())


def month_bars(months: tuple[tuple[dt.date, Decimal], ...]) -> list[Bar]:
    colours = series_colours()
    last = len(months) - 1
    return [Bar(month_label(m), v, i18n.money(v) if abs(v) < 1000 else _short_money(v),
                colours[1] if n == last else colours[0]) for n, (m, v) in enumerate(months)]


def _short_money(value: Decimal) -> str:
    """'12k €': a bar's label where the full figure does not fit (the tooltip has it in full)."""
    thousands = (value / 1000).quantize(Decimal(1))
    return i18n.tr("{n}k €", n=thousands) if i18n.language() == "it" else i18n.tr("€{n}k", n=thousands)


def pipeline_bars(stages: tuple[StageValue, ...]) -> list[Bar]:
    return [Bar(stage_text(s.stage), s.amount,
                i18n.tr("{amount:money} · {deals}", amount=s.amount,
                        deals=i18n.ngettext("{n} deal", "{n} deals", s.deals).format(n=s.deals)))
            for s in stages]


def quote_bars(quotes: QuoteOutcomes) -> list[Bar]:
    colours = series_colours()
    return [Bar(_("won"), Decimal(quotes.won), i18n.tr("{n} · {value:money}", n=quotes.won, value=quotes.won_value),
                good_colour()),
            Bar(_("lost"), Decimal(quotes.lost), i18n.tr("{n} · {value:money}", n=quotes.lost,
                                                         value=quotes.lost_value), attention_colour()),
            Bar(_("waiting"), Decimal(quotes.waiting), str(quotes.waiting), colours[0]),
            Bar(_("expired"), Decimal(quotes.expired), str(quotes.expired), colours[2])]


def hit_rate_text(quotes: QuoteOutcomes) -> str:
    if quotes.hit_rate is None:
        return _("Hit rate: no quote won or lost yet in the period.")
    return i18n.tr("Hit rate {rate:percent} ({won} won of {decided} decided); by value {value:percent}",
                   rate=quotes.hit_rate, won=quotes.won, decided=quotes.won + quotes.lost,
                   value=quotes.hit_rate_value)


TOP_CUSTOMER_COLUMNS = (
    Column("name", N_("Customer")),
    Column("amount", N_("Sold"), kind="money"),
)
TOP_PRODUCT_COLUMNS = (
    Column("name", N_("Product"), display=lambda p: p.name or p.sku or p.product_id,
           tooltip=lambda p: p.sku),
    Column("quantity", N_("Quantity"), display=lambda p: f"{i18n.qty(p.quantity)} {p.unit or ''}".strip()),
    Column("amount", N_("Sold"), kind="money"),
)
NOT_VISITED_COLUMNS = (
    Column("name", N_("Customer")),
    Column("city", N_("City")),
    Column("days", N_("Last visit"), display=lambda r: i18n.tr("{n} days ago ({day:date})", n=r.days,
                                                                  day=r.last_visit) if r.days is not None
           else _("never")),
)

