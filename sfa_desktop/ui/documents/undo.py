"""Undo and redo of the editor: every change is one snapshot of the draft before and after it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from sfa_desktop.ui.documents.draft import Draft

#: Typing in the same text field merges into one undo step.
_TEXT_MERGE_ID = 1000


class DraftChange(QUndoCommand):
    """Replace the draft with `after`; undo puts `before` back."""

    def __init__(self, apply: Callable[[Draft], None], before: Draft, after: Draft, text: str,
                 merge_key: str | None = None) -> None:
        super().__init__(text)
        self._apply, self.before, self.after, self.merge_key = apply, before, after, merge_key

    def redo(self) -> None:
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)

    def id(self) -> int:
        return _TEXT_MERGE_ID if self.merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, DraftChange) or other.merge_key != self.merge_key or not self.merge_key:
            return False
        self.after = other.after
        return True
