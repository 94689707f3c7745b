"""The customer list's search and filters: what the agent typed and chose, turned into one id query.

The query is the core's `customer_ids` with the filters bound, intersected with the pyramid's
`customer_ids_by_class` when a class or a temperature is chosen (the list's order is kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLineEdit, QSpinBox, QWidget

from sfa_desktop.domain.pyramid import CLASS_ORDER, Temperature, class_label, temperature_label
from sfa_desktop.i18n import N_, _, render
from sfa_desktop.operations.read.customers import customer_cities, customer_ids, customer_provinces, customer_segments
from sfa_desktop.operations.read.pyramid import customer_ids_by_class
from sfa_desktop.ui.background import ReplicaOp
from sfa_desktop.ui.tables import debouncer

#: The customer statuses and their words (the office sets them; a prospect is the agent's).
STATUSES = {"active": N_("active"), "prospect": N_("prospect"), "blocked": N_("blocked")}


def status_text(status: str | None) -> str:
    return _(STATUSES[status]) if status in STATUSES else (status or "")


@dataclass(frozen=True)
class CustomerQuery:
    """What the list shows: every field None/False means the whole portfolio."""

    text: str = ""
    province: str | None = None
    city: str | None = None
    segment: str | None = None
    status: str | None = None
    overdue_only: bool = False
    not_visited_days: int | None = None
    pyramid_class: str | None = None
    temperature: str | None = None

    @property
    def filtered(self) -> bool:
        return self != CustomerQuery(text=self.text)

    def ids(self, session: Any, *, sort: str | None = None, descending: bool = False) -> list[str]:
        ids = customer_ids(session, text=self.text or None, province=self.province, city=self.city,
                           segment=self.segment, status=self.status, overdue_only=self.overdue_only,
                           not_visited_days=self.not_visited_days, sort=sort, descending=descending)
        if self.pyramid_class or self.temperature:
            ranked = set(customer_ids_by_class(session, classes=self.pyramid_class, temperatures=self.temperature))
            ids = [i for i in ids if i in ranked]
        return ids


def _combo(name: str, accessible: str, anything: str) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setToolTip(accessible)
    combo.addItem(anything, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    combo.setMaximumWidth(180)
    return combo


class CustomerFilters(QWidget):
    """Search field and filter controls; `changed` is emitted once the typing pauses or a choice is made."""

    changed = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("customer_search")
        self.search.setAccessibleName(_("Search customers"))
        self.search.setPlaceholderText(_("Search by name, VAT number, city or ERP code (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.province = _combo("customer_province", _("Province"), _("Any province"))
        self.city = _combo("customer_city", _("City"), _("Any city"))
        self.segment = _combo("customer_segment", _("Segment"), _("Any segment"))
        self.status = _combo("customer_status", _("Status"), _("Any status"))
        for key, word in STATUSES.items():
            self.status.addItem(_(word), key)
        self.pyramid = _combo("customer_pyramid", _("Pyramid class"), _("Any class"))
        for cls in CLASS_ORDER:
            self.pyramid.addItem(render(class_label(cls)), cls.value)
        self.temperature = _combo("customer_temperature", _("Temperature"), _("Any temperature"))
        for warm in Temperature:
            self.temperature.addItem(render(temperature_label(warm)), warm.value)
        self.overdue = QCheckBox(_("With overdue invoices"))
        self.overdue.setObjectName("customer_overdue")
        self.overdue.setAccessibleName(_("Only customers with overdue invoices"))
        self.not_visited = QSpinBox()
        self.not_visited.setObjectName("customer_not_visited")
        self.not_visited.setAccessibleName(_("Not visited for at least this many days"))
        self.not_visited.setToolTip(_("Not visited for at least this many days"))
        self.not_visited.setRange(0, 999)
        self.not_visited.setSpecialValueText(_("Visited: any time"))
        self.not_visited.setSuffix(" " + _("days without a visit"))

        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.province, self.city, self.segment, self.status, self.pyramid, self.temperature,
                       self.overdue, self.not_visited):
            row.addWidget(widget)
        row.addStretch(1)

        self._typing = debouncer(self, self.changed.emit)
        self.search.textEdited.connect(lambda _text: self._typing.start())
        self.search.returnPressed.connect(self._now)
        for combo in (self.province, self.city, self.segment, self.status, self.pyramid, self.temperature):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.overdue.toggled.connect(lambda _on: self.changed.emit())
        self.not_visited.valueChanged.connect(lambda _v: self._typing.start())

    def _now(self) -> None:
        if self._typing.isActive():
            self._typing.stop()
            self.changed.emit()

    def load_choices(self) -> None:
        """The provinces, cities and segments of the portfolio, read once (and after a sync)."""
        ReplicaOp(self, lambda agent: agent.read(lambda s: (customer_provinces(s), customer_cities(s),
                                                            customer_segments(s)))) \
            .success(self._choices_arrived).failure(lambda error: None).run(self.ctx.runner)

    def _choices_arrived(self, choices: tuple[list[str], list[str], list[str]]) -> None:
        for combo, values in zip((self.province, self.city, self.segment), choices, strict=True):
            chosen = combo.currentData()
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in values:
                combo.addItem(value, value)
            found = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(found, 0))
            combo.blockSignals(False)

    def query(self) -> CustomerQuery:
        days = self.not_visited.value()
        return CustomerQuery(
            text=self.search.text().strip(), province=self.province.currentData(), city=self.city.currentData(),
            segment=self.segment.currentData(), status=self.status.currentData(),
            overdue_only=self.overdue.isChecked(), not_visited_days=days or None,
            pyramid_class=self.pyramid.currentData(), temperature=self.temperature.currentData())

    def clear(self) -> None:
        """Back to the whole portfolio (the empty state's suggestion)."""
        self.blockSignals(True)
        self.search.clear()
        for combo in (self.province, self.city, self.segment, self.status, self.pyramid, self.temperature):
            combo.setCurrentIndex(0)
        self.overdue.setChecked(False)
        self.not_visited.setValue(0)
        self.blockSignals(False)
        self._typing.stop()
        self.changed.emit()

    def controls(self) -> list[QWidget]:
        return [self.search, self.province, self.city, self.segment, self.status, self.pyramid, self.temperature,
                self.overdue, self.not_visited]
