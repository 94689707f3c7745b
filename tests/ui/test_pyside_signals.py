"""The Qt binding itself: emitting a signal must not eat references (PySide6 6.12.0's Signal.emit()
returns True without owning it, so after a few thousand emits the app aborts in bool_dealloc;
pyproject.toml excludes that version)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(object)


def test_emitting_a_signal_keeps_the_reference_count_of_true(qtbot):
    emitter = _Emitter()
    emitter.happened.connect(lambda value: None)
    before = sys.getrefcount(True)
    for _ in range(500):
        emitter.happened.emit(1)
    assert sys.getrefcount(True) - before > -50  # 6.12.0: exactly -500
