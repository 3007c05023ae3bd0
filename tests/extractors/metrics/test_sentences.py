"""Sentence and clause splitting with offsets."""

from __future__ import annotations

from extractors.metrics.sentences import clauses, split_sentences


def test_offsets_point_into_the_text() -> None:
    text = "First one here. Second, with a U.S. firm in it.\n\nThird paragraph!"
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "First one here.",
        "Second, with a U.S. firm in it.",
        "Third paragraph!",
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text
    assert [s.paragraph for s in sents] == [0, 0, 1]


def test_abbreviations_do_not_end_sentences() -> None:
    text = "Mr. Lee spoke on Sept. 1 about Acme Inc. and its plans. It went well."
    assert len(split_sentences(text)) == 2


def test_initialism_before_a_sentence_opener_ends_it() -> None:
    text = "The chips come from the U.S. The company disagrees."
    assert [s.text for s in split_sentences(text)] == [
        "The chips come from the U.S.",
        "The company disagrees.",
    ]


def test_bullets_are_marked_and_stripped() -> None:
    text = "- A summary point.\nBody text."
    first, second = split_sentences(text)
    assert first.bullet and first.text == "A summary point."
    assert not second.bullet


def test_related_links_are_dropped() -> None:
    text = "Real fact here.\nYou might also like\n- Acme raised $5 million."
    assert [s.text for s in split_sentences(text)] == ["Real fact here."]


def test_teaser_lines_are_skipped() -> None:
    text = "Read more: Acme raised $5 million\nThe real story."
    assert [s.text for s in split_sentences(text)] == ["The real story."]


def test_clauses() -> None:
    text = "In 2023, the total was $5bn, up from $3bn while rivals lagged"
    spans = clauses(text)
    assert [text[a:b] for a, b in spans] == [
        "In 2023",
        "the total was $5bn",
        "up from $3bn",
        "while rivals lagged",
    ]
    assert len(clauses("China at 47% and the US at 18%", split_and=True)) == 2


def test_headline_and_byline_before_a_short_story_are_skipped() -> None:
    from extractors.metrics.document import analyse

    title = "Acme raises $5 million"
    text = f"{title} By Jane Doe Acme Labs said on Monday it had raised $5 million from Accel."
    doc = analyse(text, title=title)
    first = doc.sentences[0]
    assert first.text == "Acme Labs said on Monday it had raised $5 million from Accel."
    assert text[first.sentence.start : first.sentence.end] == first.text
