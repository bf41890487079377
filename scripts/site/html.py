"""Writing HTML safely: every value goes through `h()` (a cell may hold `<script>`), and
every page carries a Content-Security-Policy that allows scripts, styles and images
only from the site's own files, so that even a value that escaped escaping could not
run or load anything, and the browser refuses any request to another host.

Markdown (descriptions, the changelog) goes through markdown-it-py with raw HTML
turned off: it escapes tags and refuses `javascript:` links.
"""
from __future__ import annotations

import html
import posixpath
import re

from markdown_it import MarkdownIt

# 'self' only: no CDN, no web font, no request elsewhere; no inline script or style attribute.
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
          "form-action 'none'")
NAVIGATION = (("index.html", "Overview"), ("timeline.html", "Timeline"), ("indicators.html", "Trade and indicators"),
              ("ties.html", "Region ties"), ("tables/index.html", "Tables"), ("dictionary.html", "Data dictionary"),
              ("changelog.html", "Changelog"))
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})
WEB = re.compile(r"^https?://[^\s/?#]+", re.I)
# What html.escape(quote=True) replaces, '&' first (so that no entity is escaped again).
ESCAPES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;"))


def h(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def escaped(column):
    """A pyarrow column of text escaped exactly as `h` escapes each value, a column at a
    time: the table pages escape a million cells with no Python call per cell."""
    import pyarrow.compute as pc

    if not pc.any(pc.match_substring_regex(column, "[&<>\"']")).as_py():
        return column  # most columns (keys, dates, codes): one pass, not five
    for character, entity in ESCAPES:
        column = pc.replace_substring(column, character, entity)
    return column


def href(here: str, target: str) -> str:
    """TARGET (a path from the site's root, maybe with #fragment) as a link from page HERE."""
    path, _, fragment = target.partition("#")
    folder = posixpath.dirname(here)
    if path and posixpath.dirname(path) == folder:  # the common case, a page beside this one: no relpath
        relative = path[len(folder) + 1:] if folder else path
    else:
        relative = posixpath.relpath(path, folder or ".") if path else ""
    return h(relative + (f"#{fragment}" if fragment else ""))


def outside_link(url: str, text: str) -> str:
    """A link to a web page, only for http(s) addresses; anything else is shown as text."""
    if not WEB.match(url or ""):
        return h(text)
    return f'<a href="{h(url)}" rel="noopener noreferrer">{h(text)}</a>'


def inline(markdown: str) -> str:
    """One line of Markdown (a description with `code`) as HTML."""
    return MARKDOWN.renderInline(markdown or "")


def page(here: str, title: str, body: str, site_title: str, footer: str) -> bytes:
    """A whole document: landmarks, the navigation (the current page marked), BODY in main."""
    current = ' aria-current="page"'
    links = "".join(f'<li><a href="{href(here, target)}"{current if target == here else ""}>{h(name)}</a></li>'
                    for target, name in NAVIGATION)
    text = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<meta name="referrer" content="no-referrer">
<title>{h(title)} — {h(site_title)}</title>
<link rel="icon" href="{href(here, 'assets/favicon.svg')}" type="image/svg+xml">
<link rel="stylesheet" href="{href(here, 'assets/site.css')}">
<script src="{href(here, 'assets/site.js')}" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<p class="site-title"><a href="{href(here, 'index.html')}">{h(site_title)}</a></p>
<nav aria-label="Site"><ul>{links}</ul></nav>
</header>
<main id="main" tabindex="-1">
<h1>{h(title)}</h1>
{body}
</main>
<footer class="site">{footer}</footer>
</body>
</html>
"""
    return text.encode("utf-8")

