"""The posts scan finds a post's H1s as a block parse of the whole post does."""

from __future__ import annotations

import random

import pytest

from techblog.content import frontmatter

BODIES = [
    "",
    "\n# タイトル\n\n本文。\n",
    "# タイトル #\n本文",
    "#\n本文",
    "  # 字下げ 3\n",
    "    # 字下げ 4 はコード\n",
    "\t# タブはコード\n",
    "#タイトル（空白なし）\n",
    "本文が先\n# タイトル\n",
    "# 一つ目\n\n# 二つ目\n",
    "# タイトル\n\n```\n# コードの中\n```\n",
    "# タイトル\n\n> # 引用の中\n",
    "# タイトル\n\n- # リストの中\n",
    "# タイトル\n\n1. # 番号付きリストの中\n",
    "# タイトル\n\n-\n  # 空のリスト項目の次の行\n",
    "セテキスト\n===\n",
    "# タイトル\n\nセテキスト\n===\n",
    "# タイトル\n\n- 項目\n  ===\n",
    "<h1>HTML</h1>\n",
    "# タイトル\r\n\r\n# 二つ目\r\n",
    "# タイトル\n\n## 節\n\n### 小節\n",
    "# タイトル\n\n    # 字下げのコード\n",
    "<div>\n\n# HTML ブロックの後\n\n</div>\n",
    "# a\n## b\n> c\n---\n===\n",
]


def full_parse(body: str) -> list[tuple[str, int]]:
    tokens = frontmatter._md.parse(body)
    return [(tokens[i + 1].content.strip(), t.map[0]) for i, t in enumerate(tokens)
            if t.type == "heading_open" and t.tag == "h1"]


@pytest.mark.parametrize("body", BODIES)
def test_h1s_are_those_of_a_block_parse(body):
    assert frontmatter.find_h1s(body) == full_parse(body)


def test_h1s_of_random_lines_are_those_of_a_block_parse():
    pieces = ["# 見出し", "## 節", "本文。", "", "  ", "```", "> # 引用", "- 項目", "1. # 番号", "===", "---",
              "    # コード", "\t#", "#", "<div>", "</div>", "- # x", "  ===", "~~~", "# 終わり #"]
    rng = random.Random(6)
    for _ in range(3000):
        body = "\n".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        assert frontmatter.find_h1s(body) == full_parse(body), body
