"""Hostile values shared by the property tests: what a forger, a buggy client or an unlucky
platform sends."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

# Characters that have fooled parsers and renderers: RTL overrides, zero-width characters,
# combining marks, NUL and other controls, Unicode digits, markup.
TRICKY = (
    "\u202e",
    "\u202d",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u0301",
    "\x00",
    "\x1b",
    "\r",
    "²",
    "١",
    "٣",
    "𝟗",
    "<b>",
    "</a>",
    '<a href="javascript:x">',
    "*_`[",
    "&amp;",
    "${}",
    "{0}",
    "%s",
)

tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY), st.text(max_size=8)), max_size=12).map(
    "".join
)

huge_numbers = st.integers(min_value=-(10**40), max_value=10**40).map(str)

numbers_as_text = st.one_of(
    st.integers(min_value=0, max_value=2000).map(str),
    huge_numbers,
    st.sampled_from(["²", "١٢", "𝟗", "0x10", "1e9", "-0", "", " 1", "99999999999999999999"]),
)


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    tricky_text,
)

json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
