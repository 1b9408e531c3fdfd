"""Every file under ``posts/`` is published, a declared draft, scheduled, or a build error.

At ``config-inited`` the whole ``posts/`` tree is read (front matter only, fast),
each file is classified, problems are reported, and what must not be published
(drafts, scheduled posts, broken files) is excluded from the build, so it leaves
no page, listing, feed or search entry.  ``techblog_preview = 1`` (the live
preview) builds drafts and scheduled posts too, behind a banner.

The post's ablog node is made from the checked front matter here, not by
ablog's own front-matter reader, which garbles YAML lists (see techblog.compat.ablog).

What a file's check found is kept in the doctree folder and reused while the
file (size and time) and the inputs digest of :mod:`techblog.core.staleness`
(catalogs, our code; the registries apart) are the same, so a rebuild reads
only the posts that changed.  After an edit of the registries, a post is
checked again only when a name it used now resolves otherwise (adding a tag
checks no post again but those with problems).  A post naming its own share
image, and a post with problems, are always checked again (the image may have
gone; a message may name what is registered).
"""

from __future__ import annotations

import bisect
import dataclasses
import pickle
import re
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path, PurePosixPath

from ablog.post import PostNode, _update_post_node
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms import SphinxTransform

from techblog import metadata
from techblog.content import jst, registries
from techblog.content.frontmatter import SUFFIXES_NOT_READ, PostMeta, read_post
from techblog.core import buildstate, staleness
from techblog.core.files import files_under
from techblog.core.perbuild import PerBuild
from techblog.core.problems import Problem, report_all

STATUS_LABELS = {"draft": "下書き", "scheduled": "公開予定"}


class Catalog:
    """All posts of the source tree, by docname."""

    def __init__(self, posts: dict[str, PostMeta], now, preview: bool):
        self.all = posts
        self.now = now
        self.preview = preview
        self._built: dict[str, PostMeta] | None = None
        self._newest: list[PostMeta] | None = None
        self._ascending_dates: list = []

    def status(self, docname: str) -> str | None:
        meta = self.all.get(docname)
        return meta.status(self.now) if meta else None

    def built(self) -> dict[str, PostMeta]:
        """The posts that get a page in this build (the clock is read once per build)."""
        if self._built is None:
            keep = {"published", "draft", "scheduled"} if self.preview else {"published"}
            self._built = {d: m for d, m in self.all.items() if m.status(self.now) in keep}
        return dict(self._built)

    def is_built(self, docname: str) -> bool:
        """Whether the post gets a page in this build (every page asks: no copy of :meth:`built`)."""
        if self._built is None:
            self.built()
        return docname in self._built

    def newest_first(self) -> list[PostMeta]:
        if self._newest is None:
            self._newest = sorted(self.built().values(), key=lambda m: m.date, reverse=True)
            self._ascending_dates = [m.date for m in reversed(self._newest)]
        return list(self._newest)

    def neighbours(self, meta: PostMeta) -> tuple[PostMeta | None, PostMeta | None]:
        """The built posts just older and just newer than *meta*, as they stand in :meth:`newest_first`.

        Posts of the same date are neither.  A binary search: every post page
        asks, so a scan of all posts made a 1,000-post build quadratic.
        """
        newest = self._newest if self._newest is not None else self.newest_first()
        dates = self._ascending_dates
        first_older = len(newest) - bisect.bisect_left(dates, meta.date)
        newer_count = len(newest) - bisect.bisect_right(dates, meta.date)
        older = newest[first_older] if first_older < len(newest) else None
        return older, (newest[newer_count - 1] if newer_count else None)

    def excluded(self) -> list[str]:
        built = self.built()
        return sorted(m.path for d, m in self.all.items() if d not in built)


class _Noted:
    """A registry that notes each name looked up in it and the id it named."""

    def __init__(self, registry: registries.Registry, kind: str, lookups: list):
        self._registry, self._kind, self._lookups = registry, kind, lookups

    def get(self, key: str) -> registries.Entry | None:
        entry = self._registry.get(key)
        self._lookups.append((self._kind, key, entry.id if entry else None))
        return entry

    def __getattr__(self, name):
        return getattr(self._registry, name)


def _read_noting_lookups(root: Path, rel: str, regs: registries.Registries) -> tuple[PostMeta, tuple | None]:
    """The post's check, and the names it looked up (None when it has problems: checked again every build)."""
    lookups: list = []
    noted = dataclasses.replace(regs, **{kind: _Noted(getattr(regs, kind), kind, lookups) for kind in registries.KINDS})
    meta = read_post(root, rel, noted)
    return meta, None if meta.problems else tuple(lookups)


def _same_lookups(lookups: tuple, regs: registries.Registries) -> bool:
    for kind, key, found in lookups:
        entry = getattr(regs, kind).get(key)
        if (entry.id if entry else None) != found:
            return False
    return True


SCAN_CACHE = "techblog-posts.pickle"


class ScanCache:
    def __init__(self, path: Path | None, key: str, registries_key: str = ""):
        self.path, self.key, self.registries_key = path, key, registries_key
        saved = buildstate.load_pickle(path) if path else {}
        self.old = saved.get("posts", {}) if saved.get("key") == key else {}
        self.same_registries = saved.get("registries") == registries_key
        self.new: dict[str, tuple] = {}
        self.changed = path is not None and (saved.get("key") != key or not self.same_registries)

    def read(self, root: Path, rel: str, regs: registries.Registries, stamp: tuple[int, int]) -> PostMeta:
        """The post at *rel*, whose file has *stamp* (time in ns, size): from the cache while the stamp is the same."""
        cached = self.old.get(rel)
        if (cached and cached[0] == stamp and not cached[1].image and cached[2] is not None
                and (self.same_registries or _same_lookups(cached[2], regs))):
            meta, lookups = cached[1], cached[2]
        else:
            meta, lookups = _read_noting_lookups(root, rel, regs)
            self.changed = True
        self.new[rel] = (stamp, meta, lookups)
        return meta

    def save(self) -> None:
        """Write the cache, unless every post came from it unchanged (a rebuild with no post touched)."""
        if self.path is None or not (self.changed or self.new.keys() != self.old.keys()):
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        saved = {"key": self.key, "registries": self.registries_key, "posts": self.new}
        self.path.write_bytes(pickle.dumps(saved, pickle.HIGHEST_PROTOCOL))


def _post_files(root: Path) -> dict[str, tuple[int, int]]:
    """Files under posts/ as root-relative POSIX paths, in the order of sorted Paths, with their (time in ns, size).

    Hidden files and folders are left out.
    """
    found = {}
    for rel, entry in files_under(root / "posts", "posts/", skip=lambda rel: rel.rsplit("/", 1)[-1].startswith(".")):
        stat = entry.stat()
        found[rel] = (stat.st_mtime_ns, stat.st_size)
    return found


def scan(root: Path, regs: registries.Registries, now, preview: bool,
         cache: ScanCache | None = None) -> tuple[Catalog, list[Problem]]:
    problems: list[Problem] = []
    posts: dict[str, PostMeta] = {}
    cache = cache or ScanCache(None, "")
    for rel, stamp in _post_files(root).items():
        suffix = PurePosixPath(rel).suffix
        if suffix in SUFFIXES_NOT_READ:
            problems.append(Problem(rel, 0, f"拡張子「{suffix}」の記事は読まれません。拡張子を .md にしてください"))
        elif suffix == ".md":
            meta = cache.read(root, rel, regs, stamp)
            posts[meta.docname] = meta
    by_slug: dict[str, list[PostMeta]] = defaultdict(list)
    for meta in posts.values():
        by_slug[meta.slug].append(meta)
    for slug, same in by_slug.items():
        if len(same) > 1:
            for meta in same:
                # The duplicate's problem goes on a copy: not on the cached record.
                meta = posts[meta.docname] = dataclasses.replace(meta, problems=list(meta.problems))
                others = ", ".join(m.path for m in same if m.docname != meta.docname)
                meta.problems.append(Problem(meta.path, 0, f"スラッグ「{slug}」が {others} と重複しています。どちらかのファイル名を変えてください"))
    for meta in posts.values():
        problems.extend(meta.problems)
    cache.save()
    return Catalog(posts, now, preview), problems


_catalogs: PerBuild[Catalog] = PerBuild()


def of(app: Sphinx) -> Catalog:
    """The build's posts (read when the configuration is)."""
    return _catalogs(app)


_inputs_but_registries: PerBuild[str] = PerBuild()


def inputs_but_registries(app: Sphinx) -> str:
    """The digest of :mod:`techblog.core.staleness` without the registries (what a post is read from besides them)."""
    return _inputs_but_registries(app)


def _config_inited(app: Sphinx, config) -> None:
    regs = registries.of(app)
    preview = str(config.techblog_preview).lower() in ("1", "true", "yes")
    root = Path(app.srcdir)
    # Catalogs and our code: what a file's check depends on besides the file (and the names it looks up).
    key = _inputs_but_registries.set(app, staleness.data_digest(
        root, config.techblog_data_dir, leave_out=registries.files(root, config.techblog_data_dir)))
    cache = ScanCache(Path(app.doctreedir) / SCAN_CACHE, key, config.techblog_registries_digest)
    catalog, problems = scan(root, regs, jst.now(), preview, cache)
    _catalogs.set(app, catalog)
    report_all(app, problems)
    report_all(app, _generated_page_clashes(Path(app.srcdir), config.blog_path))
    if preview:
        app.add_css_file("techblog-status.css")
    config.exclude_patterns = sorted(set(config.exclude_patterns) | set(catalog.excluded()))


def _title_as_heading(app: Sphinx, docname: str, source: list[str]) -> None:
    """A front-matter ``title`` becomes the page's H1, as literal text.

    MyST's ``myst_title_to_header`` renders the title as Markdown, so a title
    like ``<img src=x onerror=...>`` would become markup.  Every ASCII
    punctuation mark is escaped instead.  The heading takes the place of the
    blank line after the front matter, so line numbers stay those of the file.
    """
    meta = of(app).all.get(docname)
    if meta is None or not meta.title_in_front_matter:
        return
    text = source[0]
    lines = text.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    heading = "# " + re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", meta.title)
    if end + 1 < len(lines) and not lines[end + 1].strip():
        lines[end + 1] = heading
    else:
        lines.insert(end + 1, heading)
    source[0] = "\n".join(lines)


def _generated_page_clashes(root: Path, blog_path: str) -> list[Problem]:
    """ablog writes the listing pages under ``blog_path`` and silently overwrites a page of the same name."""
    clashes = [root / f"{blog_path}.md"] + sorted((root / blog_path).rglob("*.md"))
    return [
        Problem(path.relative_to(root).as_posix(), 1,
                f"{blog_path}/ は記事一覧・タグ・著者ページの自動生成に使う場所なので、このページは上書きされてしまいます。別の名前にしてください")
        for path in clashes if path.is_file()
    ]


class InjectPost(SphinxTransform):
    """Give a post its ablog node, made from the checked front matter."""

    default_priority = 210
    catalog: Callable[[], Catalog]  # this build's (SphinxTransform.app is deprecated since Sphinx 9)

    @classmethod
    def for_build(cls, app: Sphinx) -> type[InjectPost]:
        return type(cls.__name__, (cls,), {"catalog": staticmethod(lambda: of(app))})

    def apply(self) -> None:
        meta = self.catalog().all.get(self.env.docname)
        if meta is None:
            return
        first = next(self.document.findall(nodes.section), None)  # not a walk of the whole page
        if first is None:
            return
        node = PostNode()
        node.document = self.document
        _update_post_node(node, {
            "author": meta.authors,
            "category": [meta.category] if meta.category else [],
            "tags": meta.tags,
            "title": meta.title,
        }, [meta.date.replace(tzinfo=None).isoformat(sep=" ")])
        node["excerpt"] = self.config.post_auto_excerpt
        first.append(node)
        status = self.catalog().status(self.env.docname)
        if status in STATUS_LABELS:
            first.insert(1, _banner(status, meta))


def _banner(status: str, meta: PostMeta) -> nodes.Node:
    label = STATUS_LABELS[status]
    when = "" if status == "draft" else f"（{jst.japanese_date(meta.date)} {meta.date:%H:%M} 公開）"
    text = f"{label}{when}: この記事は本番のサイトには出ません。プレビューでだけ表示しています。"
    banner = nodes.container(classes=["techblog-status-banner", f"techblog-status-{status}"])
    banner += nodes.paragraph(text, text)
    return banner


def _set_update_date(app: Sphinx, doctree) -> None:
    meta = of(app).all.get(app.env.docname)
    if meta is None or meta.updated is None:
        return
    for info in getattr(app.env, "ablog_posts", {}).get(app.env.docname, []):
        info["update"] = meta.updated.replace(tzinfo=None)


def setup(app: Sphinx) -> dict:
    app.setup_extension("techblog.content.registries")
    app.setup_extension("techblog.core.staleness")  # its digest (config-inited, 450) keys the scan cache
    app.add_config_value("techblog_preview", False, "env", types=[bool, int, str])
    app.connect("config-inited", _config_inited, priority=500)
    app.connect("source-read", _title_as_heading)
    app.add_transform(InjectPost.for_build(app))
    app.connect("doctree-read", _set_update_date, priority=600)
    return metadata()
