"""Build the demo news site and the golden extraction set from ``demo/content/``.

Run ``python -m demo.build`` from the project root. It writes ``demo/site/`` (static
files any web server can serve) and ``tests/fixtures/golden/`` (articles and gold
facts). Output is a pure function of the content: building twice gives the same bytes,
and files a previous build left behind that this one would not write are removed.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from demo.content import CONTENT_DIR, HUB, SECTIONS, ContentError, Story, load_stories
from demo.feeds import atom_feed, robots_txt, rss_feed, sitemap
from demo.golden import golden_files
from demo.render import (
    PER_PAGE,
    about_page,
    article_page,
    front_page,
    placeholder_image,
    section_page,
    section_path,
    stylesheet,
)

__all__ = ["GOLDEN_DIR", "SITE_DIR", "BuildResult", "build", "main", "site_files", "write_tree"]

SITE_DIR = Path(__file__).resolve().parent / "site"
GOLDEN_DIR = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "golden"
_FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" fill="#1b1d21"/>'
    '<text x="6" y="24" fill="#ffffff" font-family="Georgia, serif" font-size="22">L</text></svg>\n'
)


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What one build wrote: counts for the log line and for callers."""

    articles: int
    site_files: int
    golden_files: int
    removed: int


def _section_members(stories: Sequence[Story]) -> dict[str, tuple[str, list[Story]]]:
    members = {HUB[0]: (HUB[1], [s for s in stories if s.is_ai])}
    for name, label in SECTIONS.items():
        members[name] = (label, [s for s in stories if s.section == name])
    return members


def site_files(stories: Sequence[Story]) -> dict[str, bytes]:
    """Every file of the static site, keyed by its path relative to the site root."""
    text: dict[str, str] = {
        "index.html": front_page(stories),
        "about.html": about_page(stories),
        "feed.xml": rss_feed(stories),
        "atom.xml": atom_feed(stories),
        "sitemap.xml": sitemap(stories),
        "robots.txt": robots_txt(),
        "static/style.css": stylesheet(),
        "static/favicon.svg": _FAVICON,
    }
    for story in stories:
        text[story.path.lstrip("/")] = article_page(story, stories)
        text[f"img/{story.slug}.svg"] = placeholder_image(story)
    for name, (label, members) in _section_members(stories).items():
        pages = max(1, -(-len(members) // PER_PAGE))
        for page in range(1, pages + 1):
            path = section_path(name, page).lstrip("/")
            text[path] = section_page(name, label, members, page, stories)
    return {path: body.encode("utf-8") for path, body in sorted(text.items())}


def write_tree(root: Path, files: Mapping[str, bytes]) -> int:
    """Make ``root`` hold exactly ``files``; returns how many stale files were removed.

    Only stale files of the kinds being written (same suffixes) are removed, so a
    mistyped output folder cannot lose unrelated files.
    """
    root.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        # Unchanged files keep their mtime, so servers' Last-Modified stays meaningful.
        if not target.is_file() or target.read_bytes() != data:
            target.write_bytes(data)
    wanted = {root / rel for rel in files}
    kinds = {Path(rel).suffix for rel in files}
    removed = 0
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file() and path not in wanted and path.suffix in kinds:
            path.unlink()
            removed += 1
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def build(
    content_dir: Path = CONTENT_DIR,
    site_dir: Path = SITE_DIR,
    golden_dir: Path = GOLDEN_DIR,
) -> BuildResult:
    """Render the site into ``site_dir`` and the golden set into ``golden_dir``."""
    stories = load_stories(content_dir)
    if not stories:
        raise ContentError(f"no articles in {content_dir}")
    site = site_files(stories)
    golden = golden_files(stories)
    removed = write_tree(site_dir, site)
    for sub in ("articles", "gold"):
        prefix = f"{sub}/"
        part = {r.removeprefix(prefix): d for r, d in golden.items() if r.startswith(prefix)}
        # Only the two golden folders are owned here; anything else beside them is left alone.
        removed += write_tree(golden_dir / sub, part)
    return BuildResult(len(stories), len(site), len(golden), removed)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point: build, print one summary line, exit 1 on bad content."""
    parser = argparse.ArgumentParser(
        prog="python -m demo.build",
        description="Build the demo news site and the golden extraction set.",
    )
    parser.add_argument("--content", type=Path, default=CONTENT_DIR, help="content folder")
    parser.add_argument("--site", type=Path, default=SITE_DIR, help="output folder for the site")
    parser.add_argument(
        "--golden", type=Path, default=GOLDEN_DIR, help="output folder for the golden set"
    )
    args = parser.parse_args(argv)
    try:
        result = build(args.content, args.site, args.golden)
    except (ContentError, ValueError) as exc:
        print(f"demo.build: {exc}", file=sys.stderr)
        return 1
    print(
        f"{result.articles} articles: {result.site_files} site files in {args.site}, "
        f"{result.golden_files} golden files in {args.golden}, {result.removed} stale files removed"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
