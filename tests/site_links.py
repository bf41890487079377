"""What a built site's pages load and link to, read as a browser would (HTMLParser), and
the links that do not land: on a file of the site and, for a #fragment, on an element of
that page. Shared by the site's tests of the fixture and of paged tables."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class Links(HTMLParser):
    """What a page loads (script, style, image) and what it links to, and its ids."""

    def __init__(self):
        super().__init__()
        self.loads, self.follows, self.ids = [], [], {"main"}

    @classmethod
    def of(cls, path: Path) -> "Links":
        found = cls()
        found.feed(path.read_text(encoding="utf-8"))
        return found

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag in ("script", "img") and "src" in attrs:
            self.loads.append(attrs["src"])
        elif tag == "link":
            self.loads.append(attrs["href"])
        elif tag == "a" and ("href" in attrs or "xlink:href" in attrs):
            self.follows.append(attrs.get("href") or attrs["xlink:href"])


def unlanded(site: Path, outside: str) -> list[str]:
    """Every load that leaves the site, every link to another host but https (or to OUTSIDE),
    and every link inside the site to a file or an element that is not there."""
    pages = {path: Links.of(path) for path in site.rglob("*.html")}
    ids = {path: links.ids for path, links in pages.items()}
    wrong = []
    for path, links in pages.items():
        wrong += [f"{path} loads {url}" for url in links.loads if urlsplit(url).scheme or url.startswith("//")]
        for url in links.follows:
            parts = urlsplit(url)
            if parts.scheme:
                if parts.scheme != "https" or url.startswith(outside):
                    wrong.append(f"{path} links to {url}")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if not (target.is_relative_to(site) and target.exists()):
                wrong.append(f"{path}: {url}")
            elif parts.fragment and target.suffix == ".html" and parts.fragment not in ids[target]:
                wrong.append(f"{path}: {url} names no element")
    return wrong
