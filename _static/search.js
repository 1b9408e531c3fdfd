// 全文検索（search.html?q=...）。索引の作り方は techblog/search.py と同じ規則です:
// NFKC 正規化と小文字化のあと、かな・漢字の連なりを 2 文字ずつ（と漢字・カタカナ 1 文字）、
// 英数字の連なりを 1 語として扱います。分かち書きは要りません。
(() => {
  "use strict";

  const HIRAGANA = "\u3041-\u3096\u309d\u309e";
  const KATAKANA = "\u30a1-\u30fa\u30fc-\u30fe\u31f0-\u31ff";
  const KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const TOKEN_RE = new RegExp(`[${HIRAGANA}${KATAKANA}${KANJI}]+|[0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+`, "gu");
  const HIRAGANA_RE = new RegExp(`^[${HIRAGANA}]$`, "u");
  const ALNUM_PARTS_RE = /[0-9]+|[^0-9]+/gu;
  const CJK_RE = new RegExp(`^[${HIRAGANA}${KATAKANA}${KANJI}]`, "u");
  const PAGE_SIZE = 10;
  const SNIPPET_CHARS = 120;
  const OPTIONAL_WEIGHT = 0.5;

  const normalize = (text) => text.normalize("NFKC").toLowerCase();
  const isCjk = (run) => CJK_RE.test(run);
  const unigramOk = (ch) => !HIRAGANA_RE.test(ch);

  function bigrams(run) {
    const chars = Array.from(run);
    const out = [];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  // Index tokens: must equal techblog.search.tokens().
  function tokens(text) {
    const out = [];
    for (const run of normalize(text).match(TOKEN_RE) || []) {
      if (!isCjk(run)) {
        const parts = run.match(ALNUM_PARTS_RE);
        if (parts.length > 1) out.push(...parts);
        out.push(run);
        continue;
      }
      for (const ch of run) if (unigramOk(ch)) out.push(ch);
      out.push(...bigrams(run));
    }
    return out;
  }

  function shardOf(token, shards) {
    let h = 0x811c9dc5;
    for (const ch of token) {
      h ^= ch.codePointAt(0);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h % shards;
  }

  const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter("ja", { granularity: "word" }) : null;

  // What a query needs. Every token inside a word is required; a pair that
  // straddles two words (監視|設定 -> 視設) only raises the score, so a wrong
  // word split can loosen a query but never lose the page that has the text.
  function plan(query) {
    const required = new Set();
    const optional = new Set();
    const words = [];
    for (const run of normalize(query).match(TOKEN_RE) || []) {
      if (!isCjk(run)) {
        const parts = run.match(ALNUM_PARTS_RE);
        if (parts.length > 1) { parts.forEach((p) => required.add(p)); optional.add(run); } else required.add(run);
        words.push(run);
        continue;
      }
      const segments = segmenter ? Array.from(segmenter.segment(run), (s) => s.segment) : [run];
      let previous = "";
      for (const segment of segments) {
        const chars = Array.from(segment);
        if (chars.length === 1) {
          if (unigramOk(segment)) { required.add(segment); words.push(segment); }
        } else {
          bigrams(segment).forEach((b) => required.add(b));
          words.push(segment);
        }
        if (previous) optional.add(Array.from(previous).pop() + chars[0]);
        previous = segment;
      }
    }
    for (const token of required) optional.delete(token);
    return { required: [...required], optional: [...optional], words };
  }

  async function fetchJson(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  }

  class Index {
    constructor(base) {
      this.base = base;
      this.manifest = null;
      this.shards = new Map();
    }

    async load() {
      if (!this.manifest) this.manifest = await fetchJson(`${this.base}manifest.json`);
      return this.manifest;
    }

    async postings(tokenList) {
      const { shards, build } = await this.load();
      const wanted = new Set(tokenList.map((t) => shardOf(t, shards)));
      await Promise.all([...wanted].filter((n) => !this.shards.has(n)).map(async (n) => {
        this.shards.set(n, await fetchJson(`${this.base}shard/${n}.json?v=${build}`));
      }));
      const result = new Map();
      for (const t of tokenList) result.set(t, this.shards.get(shardOf(t, shards))[t] || []);
      return result;
    }

    doc(id) {
      return fetchJson(`${this.base}doc/${id}.json?v=${this.manifest.build}`);
    }

    // Documents holding every required token, best first.
    async search(query) {
      const { required, optional, words } = plan(query);
      if (required.length === 0) return { ids: [], words };
      const { docs } = await this.load();
      const lists = await this.postings([...required, ...optional]);
      const idf = (list) => {
        const df = list.length / 2;
        return Math.log(1 + (docs - df + 0.5) / (df + 0.5));
      };
      let scores = null;
      for (const token of [...required].sort((a, b) => lists.get(a).length - lists.get(b).length)) {
        const list = lists.get(token);
        const weight = idf(list);
        const next = new Map();
        for (let i = 0; i < list.length; i += 2) {
          const id = list[i];
          if (scores === null || scores.has(id)) next.set(id, (scores ? scores.get(id) : 0) + weight * list[i + 1]);
        }
        scores = next;
        if (scores.size === 0) break;
      }
      for (const token of optional) {
        const list = lists.get(token);
        const weight = OPTIONAL_WEIGHT * idf(list);
        for (let i = 0; i < list.length; i += 2) {
          if (scores.has(list[i])) scores.set(list[i], scores.get(list[i]) + weight * list[i + 1]);
        }
      }
      const ids = [...scores.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([id]) => id);
      return { ids, words };
    }
  }

  const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

  // A window of the text around the first match, matches wrapped in <mark>.
  function snippet(text, query, words) {
    const terms = normalize(query).split(/\s+/).filter(Boolean);
    const candidates = [terms, words.filter((w) => Array.from(w).length > 1 || !isCjk(w))];
    const fragment = document.createDocumentFragment();
    for (const list of candidates) {
      if (list.length === 0) continue;
      const pattern = new RegExp(list.sort((a, b) => b.length - a.length).map(escapeRegExp).join("|"), "giu");
      const first = pattern.exec(text);
      if (!first) continue;
      const start = Math.max(0, first.index - SNIPPET_CHARS / 3);
      const part = text.slice(start, start + SNIPPET_CHARS);
      if (start > 0) fragment.append("…");
      let last = 0;
      pattern.lastIndex = 0; // matchAll copies it from the exec() above
      for (const match of part.matchAll(pattern)) {
        fragment.append(part.slice(last, match.index));
        const mark = document.createElement("mark");
        mark.textContent = match[0];
        fragment.append(mark);
        last = match.index + match[0].length;
      }
      fragment.append(part.slice(last));
      if (start + SNIPPET_CHARS < text.length) fragment.append("…");
      return fragment;
    }
    fragment.append(text.slice(0, SNIPPET_CHARS) + (text.length > SNIPPET_CHARS ? "…" : ""));
    return fragment;
  }

  function resultItem(doc, root, query, words) {
    const item = document.createElement("li");
    item.className = "techblog-search-result";
    const link = document.createElement("a");
    link.href = root + doc.u;
    link.textContent = doc.t || doc.u;
    const heading = document.createElement("h2");
    heading.append(link);
    item.append(heading);
    if (doc.d) {
      const date = document.createElement("p");
      date.className = "techblog-search-date";
      date.textContent = doc.d;
      item.append(date);
    }
    const text = document.createElement("p");
    text.className = "techblog-search-snippet";
    text.append(snippet(doc.x, query, words));
    item.append(text);
    return item;
  }

  async function run(container) {
    const index = new Index(container.dataset.index);
    const root = container.dataset.root;
    const input = document.getElementById("techblog-search-q");
    const status = document.getElementById("search-status");
    const results = document.getElementById("search-results");
    const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
    input.value = query;
    if (!query) {
      status.textContent = "キーワードを入力してください。";
      return;
    }
    status.textContent = "検索しています…";
    let found;
    try {
      found = await index.search(query);
    } catch (error) {
      status.textContent = "検索インデックスを読み込めませんでした。時間をおいて再読み込みしてください。";
      return;
    }
    if (found.ids.length === 0) {
      status.textContent = `「${query}」に一致する記事は見つかりませんでした。言葉を短くするか、別の言い方で試してください。`;
      return;
    }
    const list = document.createElement("ol");
    list.className = "techblog-search-list";
    results.append(list);
    let shown = 0;
    const more = document.createElement("button");
    more.type = "button";
    more.className = "techblog-search-more";
    more.textContent = "さらに表示";
    const showMore = async () => {
      const batch = found.ids.slice(shown, shown + PAGE_SIZE);
      const docs = await Promise.all(batch.map((id) => index.doc(id)));
      docs.forEach((doc) => list.append(resultItem(doc, root, query, found.words)));
      shown += batch.length;
      if (shown >= found.ids.length) more.remove();
      else if (!more.isConnected) results.append(more);
    };
    more.addEventListener("click", showMore);
    await showMore();
    status.textContent = `「${query}」の検索結果: ${found.ids.length} 件`;
  }

  window.techblogSearch = { normalize, tokens, plan, shardOf };
  document.addEventListener("DOMContentLoaded", () => {
    const container = document.querySelector(".techblog-search");
    if (!container) return;
    const done = () => { document.getElementById("search-results").dataset.state = "done"; };
    run(container).then(done, done);
  });
})();
