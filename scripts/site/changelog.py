"""The changelog page: the package's CHANGELOG.md, rendered by markdown-it-py with raw
HTML off. Its links are written for GitHub (`../../compare/v0.1.0...HEAD`); they are
made absolute against the repository's address when the descriptor gives one
(`homepage`), and shown as plain text when not, so the site has no broken link."""
from __future__ import annotations

import posixpath
import re

from ..sources import Unreadable
from .html import MARKDOWN
from .links import Site

HERE = "changelog.html"
SOURCE = "CHANGELOG.md"
MAX_BYTES = 2_000_000
ABSOLUTE = re.compile(r"^(https?:|mailto:|#)", re.I)


def pages(site: Site) -> dict[str, bytes]:
    try:
        text = site.read(SOURCE, MAX_BYTES).decode("utf-8")
    except (Unreadable, UnicodeDecodeError):
        return {HERE: site.page(HERE, "Changelog", f"<p>The package has no readable {SOURCE}.</p>")}
    tokens = MARKDOWN.parse(text)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = relinked(token.children, site.repository)
    body = MARKDOWN.renderer.render(tokens, MARKDOWN.options, {})
    # The changelog's own title would be a second h1: the page has one.
    body = body.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return {HERE: site.page(HERE, "Changelog", body)}


def relinked(children: list, repository: str | None) -> list:
    """Links relative to the repository made absolute, or dropped (their text kept)."""
    kept, dropping = [], []
    for token in children:
        if token.type == "link_open":
            target = str(token.attrGet("href") or "")
            if ABSOLUTE.match(target):
                dropping.append(False)
            elif repository:
                token.attrSet("href", absolute(repository, target))
                dropping.append(False)
            else:
                dropping.append(True)
                continue
        elif token.type == "link_close" and dropping.pop():
            continue
        kept.append(token)
    return kept


def absolute(repository: str, target: str) -> str:
    """TARGET as GitHub resolves it from the file's page, /OWNER/REPO/blob/HEAD/CHANGELOG.md."""
    base = repository.split("/", 3)
    path = posixpath.normpath(posixpath.join(f"/{base[3]}/blob/HEAD", target))
    return f"https://github.com{path}"
