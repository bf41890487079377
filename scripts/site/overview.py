"""The overview (index.html): what the dataset is, what it covers, where to download it
(the latest release with its checksums), how to cite it, its licence, and how to report
an error. Everything comes from the descriptor, the tables, dist/ and the issue
templates; nothing about the repository is invented: without its address (the
descriptor's `homepage`), issue templates are named, not linked."""
from __future__ import annotations

import os

from ..descriptor import DESCRIPTOR
from ..sources import Unreadable
from . import timeline
from .downloads import CITATION, FOLDER, SUMS, Release
from .html import h, href, inline, outside_link
from .links import Site
from .output import SAFE_PATH

HERE = "index.html"
TEMPLATES = ".github/ISSUE_TEMPLATE"
PAGES = (("timeline.html", "Timeline", "visits, treaties and other dated rows on one time axis"),
         ("indicators.html", "Trade and indicators", "one chart per indicator, actual values apart from targets"),
         ("ties.html", "Region ties", "which Uzbek regions are tied to which Kazakh regions"),
         ("tables/index.html", "Tables", "every row with its quote and its source"),
         ("dictionary.html", "Data dictionary", "every column explained"),
         ("changelog.html", "Changelog", "what changed in each version"))


def pages(site: Site, release: Release, carried: set[str]) -> dict[str, bytes]:
    """The overview; CARRIED: the files the site carries besides its pages."""
    body = "\n".join([
        f'<p class="lead">{inline(site.descriptor.get("description", ""))}</p>',
        explore(), coverage(site), downloads(site, release), cite(site, CITATION in carried), licences(site),
        report(site)])
    return {HERE: site.page(HERE, site.title, body)}


def explore() -> str:
    items = "".join(f'<li><a href="{target}">{h(name)}</a>: {h(what)}</li>' for target, name, what in PAGES)
    return f'<section aria-labelledby="explore"><h2 id="explore">Explore</h2><ul class="pages">{items}</ul></section>'


def coverage(site: Site) -> str:
    found, _ = timeline.items(site)
    span = f"<p>Dated rows run from {found[0].start.year} to {timeline.last_year(found)}.</p>" if found else ""
    rows = "".join(f'<tr><th scope="row"><a href="{href(HERE, f"tables/{r.name}.html")}">{h(r.title)}</a></th>'
                   f"<td><code>{h(r.name)}</code></td><td>{len(r)}</td></tr>" for r in site.tables.values())
    total = sum(len(r) for r in site.tables.values())
    return (f'<section aria-labelledby="coverage"><h2 id="coverage">Coverage</h2>{span}'
            f'<div class="scroll" role="region" aria-label="Rows per table" tabindex="0"><table class="counts">'
            f'<caption>Rows per table (version {h(site.version)}; {total} in all)</caption><thead><tr>'
            f'<th scope="col">Table</th><th scope="col">Name</th><th scope="col">Rows</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></div></section>")


def downloads(site: Site, release: Release) -> str:
    files = "".join(f'<li><a href="{h(rows.resource.path)}">{h(rows.resource.path)}</a></li>'
                    for rows in site.tables.values())
    here = (f'<p>This site carries the package it shows: <a href="{DESCRIPTOR}">{DESCRIPTOR}</a> and its tables '
            "(open the descriptor with frictionless, or a CSV file with any tool):</p>"
            f'<ul class="columns-list">{files}</ul>')
    return (f'<section aria-labelledby="download"><h2 id="download">Download</h2>{here}'
            f'<h3 id="release">Latest release</h3>{release_text(site, release)}</section>')


def release_text(site: Site, release: Release) -> str:
    if release.problem:
        return (f"<p>The release files cannot be offered: {h(release.problem)}. Rebuild them with "
                "<code>kzuz release</code>.</p>")
    if not release.built:
        return ("<p>No release has been built yet: <code>kzuz release</code> builds one into <code>dist/</code>, and "
                "the site built after it offers its files here, with their checksums.</p>")
    version = site.version
    named = any(f"-{version}." in path or f"-{version}-" in path for path, _, _ in release.files)
    heading = (f"<p>Release {h(version)}, built by <code>kzuz release</code>:</p>" if named else
               f"<p>The files in <code>dist/</code> are not named for version {h(version)}, the version of these "
               "data: they come from another version.</p>")
    rows = "".join(f'<tr><td>{link_or_name(path, ok)}</td><td><code class="digest">{h(digest)}</code></td></tr>'
                   for path, digest, ok in release.files)
    return (f'{heading}<div class="scroll" role="region" aria-label="Release files" tabindex="0">'
            '<table class="release"><caption>Release files and their SHA-256 checksums</caption><thead><tr>'
            f'<th scope="col">File</th><th scope="col">SHA-256</th></tr></thead><tbody>{rows}</tbody></table></div>'
            "<p>Check a download with <code>sha256sum -c --ignore-missing SHA256SUMS</code> "
            f'(<a href="{FOLDER}/SHA256SUMS">SHA256SUMS</a>).</p>')


def link_or_name(path: str, ok: bool) -> str:
    if ok:
        return f'<a href="{h(FOLDER)}/{h(path)}">{h(path)}</a>'
    return f"{h(path)} <strong>(does not match its checksum in {SUMS}: not offered; rebuild the release)</strong>"


def cite(site: Site, has_citation_file: bool) -> str:
    licences = ", ".join(str(lic.get("title") or lic.get("name", "")) for lic in site.descriptor.get("licenses", []))
    sentence = f"{site.title}, version {site.version}." + (f" Data licensed {licences}." if licences else "")
    cff = f' The same in Citation File Format: <a href="{CITATION}">{CITATION}</a>.' if has_citation_file else ""
    return (f'<section aria-labelledby="cite"><h2 id="cite">Cite</h2><blockquote>{h(sentence)}</blockquote>'
            f"<p>Please also cite the publications behind the rows you use (each row links to its own).{cff}</p>"
            "</section>")


def licences(site: Site) -> str:
    items = "".join(f"<li>{outside_link(str(lic.get('path', '')), str(lic.get('title') or lic.get('name', '')))}</li>"
                    for lic in site.descriptor.get("licenses", []))
    return ('<section aria-labelledby="licence"><h2 id="licence">Licence</h2>'
            + (f"<p>The data:</p><ul>{items}</ul>" if items else "<p>The descriptor states no licence.</p>")
            + "<p>The quotes are short passages of the cited publications, reproduced for verification.</p></section>")


def report(site: Site) -> str:
    """How to report an error: the issue templates, linked when the repository's address is known."""
    repository = site.repository
    items = "".join(f"<li>{template_link(repository, name, title)}{': ' + h(about) if about else ''}</li>"
                    for name, title, about in issue_templates(site))
    where = outside_link(f"{repository}/issues", "the project's issues") if repository else "the project's issues"
    return ('<section aria-labelledby="report"><h2 id="report">Report an error</h2>'
            f"<p>Found a wrong value, or a source that says more? Open an issue in {where}"
            + (f" with one of its templates:</p><ul>{items}</ul>" if items else ".</p>")
            + "<p>Name the row (each row's first cell is its permanent link) and quote the passage that supports the "
              "correction.</p></section>")


def template_link(repository: str | None, name: str, title: str) -> str:
    return outside_link(f"{repository}/issues/new?template={name}", title) if repository else h(title)


def issue_templates(site: Site) -> list[tuple[str, str, str]]:
    """(file name, name, about) of each issue template, read only from inside the package."""
    root = site.package.directory.resolve()
    folder = root / TEMPLATES
    if folder.is_symlink() or not folder.is_dir() or not folder.resolve().is_relative_to(root):
        return []
    found = []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".md") or not SAFE_PATH.match(name):
            continue
        try:
            text = site.read(f"{TEMPLATES}/{name}", 100_000).decode("utf-8")
        except (Unreadable, UnicodeDecodeError):
            continue
        front = front_matter(text)
        found.append((name, front.get("name", name).strip(), front.get("about", "").strip()))
    return found


def front_matter(text: str) -> dict[str, str]:
    """The `key: value` lines between a template's opening `---` lines."""
    if not text.startswith("---\n") or "\n---" not in text[3:]:
        return {}
    head = text[4:text.index("\n---", 3)]
    return dict(line.split(":", 1) for line in head.splitlines() if ":" in line)
