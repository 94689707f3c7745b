"""What the customer and catalog screen tests share: building a page shown at 1280x800 and
keeping it alive until the model tester has let go of its models."""

from __future__ import annotations

import pytest

#: The offscreen platform says so for every top-level window and popup it shows; nothing of ours.
OFFSCREEN_NOISE = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints",
                                            r"This plugin does not support raise\(\)",
                                            "This plugin does not support grabbing the keyboard")


@pytest.fixture(name="keep")
def held_widgets():
    """Widgets held past the model tester's teardown (request it before `ctx` and `qtmodeltester`)."""
    held: list = []
    yield held
    for widget in held:
        widget.close()
        widget.deleteLater()


def show_page(page, keep, qtbot):
    keep.append(page)
    page.resize(1280, 800)
    page.show()
    return page
