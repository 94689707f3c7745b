"""The agent's figures: sales against target (the month, the year to date), sales by month, the
pipeline by stage, quotes won and lost with the hit rate, the average discount, top customers and
products (Enter or a click opens the customer), customers not visited for N days.

All from the replica (read.figures.dashboard, one background read), read again when sales history,
quotes, orders, deals, activities or customers change.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sfa_desktop import i18n
from sfa_desktop.domain import clock
from sfa_desktop.i18n import _
from sfa_desktop.operations.read.figures import Dashboard, dashboard
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.context import AppContext
from sfa_desktop.ui.figures import cards
from sfa_desktop.ui.figures.charts import LabelledBars, MonthBars, TargetGauge
from sfa_desktop.ui.look import InlineMessage, attention_colour, bold, fit_columns, good_colour
from sfa_desktop.ui.rows_model import RowsModel

STREAMS = ("sales_history", "targets", "quotes", "orders", "deals", "activities", "customers", "customer_ranks")


def create(ctx: AppContext) -> QWidget:
    return FiguresPage(ctx)


def _table(name: str, accessible: str, model: RowsModel) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.horizontalHeader().setStretchLastSection(True)
    return view


def _box(title: str, *widgets: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(8, 4, 8, 6)
    for widget in widgets:
        layout.addWidget(widget)
    return box


class FiguresPage(QScrollArea):
    refreshed = Signal(object)  # (Dashboard)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._today = today
        self.setObjectName("figuresPage")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.data: Dashboard | None = None

        self.month_gauge = TargetGauge(_("This month"))
        self.month_gauge.setObjectName("monthGauge")
        self.year_gauge = TargetGauge(_("Year to date"))
        self.year_gauge.setObjectName("yearGauge")
        self.pro_rata = QLabel()
        self.pro_rata.setObjectName("proRata")
        self.pro_rata.setWordWrap(True)
        self.months = MonthBars(_("Sales by month"))
        self.months.setObjectName("salesByMonth")
        self.pipeline = LabelledBars(_("Pipeline by stage"))
        self.pipeline.setObjectName("pipelineChart")
        self.quotes = LabelledBars(_("Quotes by outcome"))
        self.quotes.setObjectName("quotesChart")
        self.hit_rate = QLabel()
        self.hit_rate.setObjectName("hitRate")
        self.hit_rate.setWordWrap(True)
        self.hit_rate.setFont(bold())
        self.discount = QLabel()
        self.discount.setObjectName("averageDiscount")
        self.discount.setWordWrap(True)
        self.top_customers = RowsModel(cards.TOP_CUSTOMER_COLUMNS, row_id=lambda c: c.customer_id, parent=self)
        self.top_products = RowsModel(cards.TOP_PRODUCT_COLUMNS, row_id=lambda p: p.product_id, parent=self)
        self.not_visited = RowsModel(cards.NOT_VISITED_COLUMNS, row_id=lambda r: r.customer_id, parent=self)
        self.customers_view = _table("topCustomers", _("Top customers"), self.top_customers)
        self.products_view = _table("topProducts", _("Top products"), self.top_products)
        self.not_visited_view = _table("notVisited", _("Customers not visited"), self.not_visited)
        for view, model, section in ((self.customers_view, self.top_customers, "customers"),
                                     (self.not_visited_view, self.not_visited, "customers"),
                                     (self.products_view, self.top_products, "catalog")):
            view.activated.connect(lambda index, m=model, s=section: self._open(s, m, index.row()))
            view.clicked.connect(lambda index, m=model, s=section: self._open(s, m, index.row()))
        for view in (self.customers_view, self.products_view, self.not_visited_view):
            fit_columns(view, 0)
        self.days = QSpinBox()
        self.days.setObjectName("notVisitedDays")
        self.days.setAccessibleName(_("Days without a visit"))
        self.days.setRange(1, 730)
        self.days.setValue(60)
        self.days.setSuffix(" " + _("days"))
        self.days.setKeyboardTracking(False)
        self.days.valueChanged.connect(lambda _n: self.reload())
        self.period = QLabel()
        self.period.setObjectName("figuresPeriod")
        self.message = InlineMessage(self, object_name="figuresMessage")

        sales_box = _box(_("Sales against target"), self.month_gauge, self.year_gauge, self.pro_rata)
        quotes_box = _box(_("Quotes and discount"), self.quotes, self.hit_rate, self.discount)
        months_box = _box(_("Sales by month"), self.months)
        pipeline_box = _box(_("Open deals by stage"), self.pipeline)
        customers_box = _box(_("Top customers"), self.customers_view)
        products_box = _box(_("Top products"), self.products_view)
        days_row = QWidget()
        days_layout = QHBoxLayout(days_row)
        days_layout.setContentsMargins(0, 0, 0, 0)
        days_label = QLabel(_("Not &visited for more than"))
        days_label.setBuddy(self.days)
        days_layout.addWidget(days_label)
        days_layout.addWidget(self.days)
        days_layout.addStretch(1)
        visits_box = _box(_("Customers not visited"), days_row, self.not_visited_view)

        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.setSpacing(8)
        grid.addWidget(self.period, 0, 0, 1, 6)
        grid.addWidget(self.message, 1, 0, 1, 6)
        grid.addWidget(sales_box, 2, 0, 1, 3)
        grid.addWidget(quotes_box, 2, 3, 1, 3)
        grid.addWidget(months_box, 3, 0, 1, 3)
        grid.addWidget(pipeline_box, 3, 3, 1, 3)
        grid.addWidget(customers_box, 4, 0, 1, 2)
        grid.addWidget(products_box, 4, 2, 1, 2)
        grid.addWidget(visits_box, 4, 4, 1, 2)
        for column in range(6):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(3, 1)
        grid.setRowStretch(4, 2)
        self.setWidget(inner)
        for first, second in ((self.month_gauge, self.year_gauge), (self.year_gauge, self.quotes),
                              (self.quotes, self.months), (self.months, self.pipeline),
                              (self.pipeline, self.customers_view), (self.customers_view, self.products_view),
                              (self.products_view, self.days), (self.days, self.not_visited_view)):
            self.setTabOrder(first, second)
        ctx.bridge.streams_changed.connect(self._changed)
        self.reload()

    @property
    def today(self) -> dt.date:
        return self._today or clock.today()

    def reload(self) -> None:
        today, days = self.today, self.days.value()
        ReplicaOp(self, lambda agent: agent.read(lambda s: dashboard(s, today=today, not_visited_days=days))) \
            .success(self._arrived).failure(lambda e: self.message.show_text(i18n.error_text(e))).run(self.ctx.runner)

    def _changed(self, changes) -> None:  # type: ignore[no-untyped-def]
        if changes.touches(*STREAMS):
            self.reload()

    def _arrived(self, data: Dashboard) -> None:
        self.data = data
        self.message.clear_text()
        self.period.setText(i18n.tr("Figures from {start:date} to {end:date} (rankings, quotes and discount); "
                                    "sales and targets of {month}.", start=data.start, end=data.end,
                                    month=cards.month_name(data.today.replace(day=1))))
        sales = data.sales
        month_fraction = cards.fraction(sales.month)
        self.month_gauge.set_progress(month_fraction, cards.progress_caption(sales.month),
                                      colour=good_colour() if (month_fraction or 0) >= 1 else None)
        year_fraction = cards.fraction(sales.year_to_date)
        mark = None
        if sales.year_to_date_pro_rata is not None and sales.year_to_date.target:
            mark = float(sales.year_to_date_pro_rata / sales.year_to_date.target)
        behind = sales.year_to_date_pro_rata is not None and sales.year_to_date.sales < sales.year_to_date_pro_rata
        self.year_gauge.set_progress(year_fraction, cards.progress_caption(sales.year_to_date), mark=mark,
                                     colour=attention_colour() if behind else None)
        if sales.year_to_date_pro_rata is not None:
            self.pro_rata.setText(i18n.tr("By today the year's target asks {due:money}: sales are at {percent:percent} "
                                          "of it (the mark on the bar).", due=sales.year_to_date_pro_rata,
                                          percent=sales.year_to_date_pro_rata_percent))
        else:
            self.pro_rata.setText(_("No target for this year yet: the office imports them with the ERP data."))
        self.months.set_bars(cards.month_bars(data.sales_by_month))
        self.pipeline.set_bars(cards.pipeline_bars(data.pipeline))
        self.quotes.set_bars(cards.quote_bars(data.quotes))
        self.hit_rate.setText(cards.hit_rate_text(data.quotes))
        self.discount.setText(
            i18n.tr("Average discount granted on orders: {discount:percent}", discount=data.average_discount)
            if data.average_discount is not None else _("Average discount granted: no order in the period."))
        self.top_customers.set_rows(data.top_customers)
        self.top_products.set_rows(data.top_products)
        self.not_visited.set_rows(data.not_visited)
        self.refreshed.emit(data)

    def _open(self, section: str, model: RowsModel, row: int) -> None:
        row_id = model.data(model.index(row, 0), Qt.ItemDataRole.UserRole)
        if row_id:
            self.ctx.navigate(section, row_id)

    def text(self) -> str:
        """The whole dashboard in words (what a screen reader gets from the charts)."""
        return "\n".join(w.text() for w in (self.month_gauge, self.year_gauge, self.months, self.pipeline,
                                            self.quotes))
