"""Cheap checks that skip expensive matching must never skip a match."""

from __future__ import annotations

from extractors.metrics.entities import _most_words, gazetteer


def test_every_alias_passes_the_first_word_table() -> None:
    gz = gazetteer()
    for key in gz.by_alias:
        words = key.split()
        first = words[0]
        for token in (first, first.upper(), first.title()):
            assert _most_words(gz, token) >= len(words), (key, token)
