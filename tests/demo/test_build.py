"""The committed site and golden set are exactly what the content builds to."""

from __future__ import annotations

from pathlib import Path

import pytest

from demo.build import build, main, write_tree
from demo.content import CONTENT_DIR

from .helpers import GOLDEN, SITE


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _assert_same_tree(built: Path, committed: Path) -> None:
    new, old = _tree(built), _tree(committed)
    assert sorted(new) == sorted(old), "file sets differ: run `.venv/bin/python -m demo.build`"
    stale = [rel for rel in new if new[rel] != old[rel]]
    assert not stale, f"out of date (run `.venv/bin/python -m demo.build`): {stale[:5]}"


def test_site_and_golden_set_are_up_to_date(tmp_path: Path) -> None:
    result = build(CONTENT_DIR, tmp_path / "site", tmp_path / "golden")
    assert result.articles >= 40
    _assert_same_tree(tmp_path / "site", SITE)
    for sub in ("articles", "gold"):
        _assert_same_tree(tmp_path / "golden" / sub, GOLDEN / sub)


def test_rebuilding_changes_nothing_and_removes_stale_files(tmp_path: Path) -> None:
    site, golden = tmp_path / "site", tmp_path / "golden"
    build(CONTENT_DIR, site, golden)
    first = _tree(site)
    (site / "news" / "old-story.html").write_text("stale", encoding="utf-8")
    (site / "notes.md").write_text("not ours", encoding="utf-8")
    result = build(CONTENT_DIR, site, golden)
    assert result.removed == 1
    assert _tree(site) == {**first, "notes.md": b"not ours"}


def test_write_tree_prunes_empty_folders(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a/b/one.html": b"1", "two.html": b"2"})
    assert write_tree(tmp_path, {"two.html": b"2"}) == 1
    assert not (tmp_path / "a").exists()


def test_bad_content_fails_with_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "broken.md").write_text('+++\nslug = "broken"\n+++\nText.\n', encoding="utf-8")
    code = main(
        ["--content", str(content), "--site", str(tmp_path / "s"), "--golden", str(tmp_path / "g")]
    )
    assert code == 1
    assert "broken.md" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
