"""The plug-in registry and the shared helpers."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest

from extractors.errors import ParseError, TooLarge
from extractors.sources import Listing, SourcePlugin, get_plugin, known_kinds, register
from extractors.sources.base import (
    gunzip_capped,
    in_window,
    parse_date,
    parse_xml,
    strip_doctype,
    wants_more,
)
from schemas.records import Source


def test_every_kind_is_registered_and_implements_the_protocol():
    assert known_kinds() >= {"rss", "sitemap", "html", "federal_register", "gdelt"}
    for kind in known_kinds():
        plugin = get_plugin(kind)
        assert isinstance(plugin, SourcePlugin)
        assert plugin.kind == kind


def test_unknown_kind_names_the_known_ones():
    with pytest.raises(KeyError, match="rss"):
        get_plugin("carrier-pigeon")


def test_register_a_new_kind():
    class Static:
        kind = "static-test"

        def start_urls(self, source: Source, since: dt.date | None, until: dt.date | None):
            return [source.url]

        def parse(self, source, url, body, since, until):  # type: ignore[no-untyped-def]
            return Listing([], [])

        def min_interval(self, source: Source) -> float:
            return 0.0

    register(Static())
    try:
        assert get_plugin("static-test").kind == "static-test"
    finally:
        from extractors import sources

        sources._REGISTRY.pop("static-test")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-01-15", dt.date(2025, 1, 15)),
        ("2025-01", dt.date(2025, 1, 1)),
        ("2025-01-15T08:30:00Z", dt.date(2025, 1, 15)),
        ("2025-01-14T21:30:00-05:00", dt.date(2025, 1, 15)),  # UTC day
        ("Wed, 15 Jan 2025 17:40:00 +0000", dt.date(2025, 1, 15)),
        ("20250115T143000Z", dt.date(2025, 1, 15)),
        ("20250115", dt.date(2025, 1, 15)),
        ("yesterday", None),
        ("2025-13-45", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, day: dt.date | None):
    assert parse_date(text) == day


def test_window_and_paging_rules():
    d = dt.date(2025, 1, 10)
    assert in_window(None, d, d)
    assert in_window(d, d, d)
    assert not in_window(d, dt.date(2025, 1, 11), None)
    assert not in_window(d, None, dt.date(2025, 1, 9))
    assert not wants_more({}, None, [d])
    assert wants_more({"follow_pages": True}, None, [d])
    assert wants_more({"max_pages": 5}, None, [])
    assert wants_more({}, dt.date(2025, 1, 1), [d, None])
    assert not wants_more({}, dt.date(2025, 1, 11), [d])


def test_gunzip_capped():
    assert gunzip_capped(b"<xml/>") == b"<xml/>"
    assert gunzip_capped(gzip.compress(b"<xml/>")) == b"<xml/>"
    with pytest.raises(TooLarge):
        gunzip_capped(gzip.compress(bytes(10_000)), cap=1_000)
    with pytest.raises(ParseError):
        gunzip_capped(b"\x1f\x8b\x08garbage")


def test_parse_xml_refuses_dtds_and_entities():
    assert parse_xml(b"<a><b>1</b></a>").tag == "a"
    for bad in (
        b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
        b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
        b'<!-- <b> --><!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
        b"<a><b></a>",
    ):
        with pytest.raises(ParseError):
            parse_xml(bad)


def test_strip_doctype_keeps_the_document():
    doc = b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC "-//x//DTD//EN" "http://x/y.dtd">\n<rss/>'
    assert strip_doctype(doc) == b'<?xml version="1.0"?>\n\n<rss/>'
