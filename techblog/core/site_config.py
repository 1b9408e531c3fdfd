"""``techblog_site``, the site's identity in conf.py: a typed structure, checked when the build starts.

A missing or mistyped value is one clear problem that names the key and says
what to write (``conf.py:LINE: message``, with the writers' problems, and the
build fails at the end), not a ``KeyError`` somewhere in a page template.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Site:
    company: str  # 会社名 (the author of every page, the share image's second line)
    title: str  # the blog's name
    base_url: str  # where the site is published, absolute http(s) URL
    tagline: str = ""
    feed_id: str = ""  # start of every feed id: never change it once public
    repository: str = ""  # the source repository (the "edit this page" button)
    branch: str = "main"
    social: dict[str, str] = field(default_factory=dict)  # account kind -> URL
    copyright: str = ""


_DESCRIPTIONS = {
    "company": "会社名を文字列で",
    "title": "ブログの名前を文字列で",
    "base_url": "公開する URL を https:// から",
    "social": "アカウントの種類から URL への辞書で",
}


def _problem(key: str, what: str) -> str:
    how = _DESCRIPTIONS.get(key, "文字列で")
    return f"techblog_site[{key!r}] {what}。{how}書いてください"


def problems_of(raw: object) -> list[str]:
    """What is wrong with *raw*, one message per key; empty when it makes a :class:`Site`."""
    if not isinstance(raw, dict):
        return ["techblog_site は辞書で書いてください（company, title, base_url などのキー）"]
    known = {f.name: f for f in fields(Site)}
    problems = [f"techblog_site[{key!r}] は使われないキーです。{', '.join(known)} のどれかにしてください"
                for key in raw if key not in known]
    for name, spec in known.items():
        value = raw.get(name)
        required = spec.default is MISSING and spec.default_factory is MISSING
        if value is None:
            if required:
                problems.append(_problem(name, "がありません"))
            continue
        if name == "social":
            if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
                problems.append(_problem(name, "の形が違います"))
        elif not isinstance(value, str) or (required and not value.strip()):
            problems.append(_problem(name, "が空か、文字列ではありません"))
        elif name == "base_url" and urlsplit(value).scheme not in ("http", "https"):
            problems.append(_problem(name, f"（{value}）が http(s) の URL ではありません"))
    return problems


def parse(raw: dict) -> Site:
    """The typed site of a *raw* that has no problems."""
    return Site(**{k: v for k, v in raw.items() if v is not None})
