"""The duplicate check stays exact while it skips the pairs that cannot reach the name floor."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sfa_desktop.domain import prospects

names = st.text(alphabet="abcdeilmnorstu ", min_size=0, max_size=30)


@given(names, names)
def test_the_shortcut_gives_the_ratio_whenever_it_reaches_the_floor(a: str, b: str) -> None:
    exact = prospects.name_similarity(a, b)
    assert prospects._similar_name(a, b) == (exact if exact >= prospects.NAME_SIMILARITY_FLOOR else 0.0)
