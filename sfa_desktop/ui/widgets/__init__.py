"""Small reusable widgets for every screen: a message banner, an empty state, a progress panel."""

from sfa_desktop.ui.widgets.banner import MessageBanner
from sfa_desktop.ui.widgets.empty_state import EmptyState

__all__ = ["EmptyState", "MessageBanner"]
