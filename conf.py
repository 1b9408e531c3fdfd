"""ミナトクラウド エンジニアブログ: site identity and the extension list.

Everything else is set by the ``techblog`` extensions (see techblog/core/site.py).
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# -- Site identity: the one place to change the company, blog and accounts ----
techblog_site = {
    "company": "株式会社ミナトクラウド",
    "title": "ミナトクラウド エンジニアブログ",
    "tagline": "マネージドサービスを支えるエンジニアが、夜中の障害対応から学んだこと、"
    "イベントの報告、設計と運用の知見をお届けします。",
    # Read the Docs sets READTHEDOCS_CANONICAL_URL; elsewhere the production URL.
    "base_url": os.environ.get("READTHEDOCS_CANONICAL_URL", "https://tech.minato-cloud.example/"),
    # Start of every feed entry id. Never change it once the blog is public:
    # feed readers would show every post as new again.
    "feed_id": "tag:tech.minato-cloud.example,2025:",
    "repository": "https://github.com/minato-cloud/engineering-blog",
    "branch": "main",
    "social": {
        "x": "https://x.com/minatocloud_dev",
        "facebook": "https://www.facebook.com/minatocloud",
        "hatena": "https://b.hatena.ne.jp/site/tech.minato-cloud.example/",
    },
    "copyright": "2025-2026 株式会社ミナトクラウド",
}

language = "ja"
html_theme = "sphinx_book_theme"

extensions = [
    # First: it makes loading the others lighter. -D techblog_speedups=0 turns it off.
    "techblog.speedups",
    "myst_parser",
    "techblog.core",
    "techblog.content",
    "techblog.compat",
    "techblog.reader",
    "techblog.writing",
    "techblog.search",
    "techblog.distribution",
    "techblog.safety",
]
