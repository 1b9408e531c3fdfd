// 全文検索（search.html?q=...）。索引の作り方は techblog/search/text.py と同じ規則です:
// NFKC 正規化と小文字化のあと、かな・漢字の連なりを 2 文字ずつ（と漢字・カタカナ 1 文字）、
// 英数字の連なりを 1 語として扱います。分かち書きは要りません。
// 表記ゆれは規則で吸収します: 漢字にはさまれた送り仮名 1 文字（書き込み → 書込み）と、
// 3 文字以上のカタカナ語の末尾の長音（サーバー → サーバ）を落とした形で探し、
// 索引はその形の 2 文字の組も持ちます。英単語は 3 文字以上なら、その語で始まる語も探します。
// 索引の組ごとの文書は全部入っていて（AND の件数は正確）、重みは重い順に 256 件までです。
// 残りの文書は重み 1 回分（REST_WEIGHT）以下として数えます。
(() => {
  "use strict";

  const HIRAGANA = "\u3041-\u3096\u309d\u309e";
  const KATAKANA = "\u30a1-\u30fa\u30fc-\u30fe\u31f0-\u31ff";
  const KANJI = "\u3005-\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const TOKEN_RE = new RegExp(`[${HIRAGANA}${KATAKANA}${KANJI}]+|[0-9a-z_\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff]+`, "gu");
  const HIRAGANA_RE = new RegExp(`^[${HIRAGANA}]$`, "u");
  const ALNUM_PARTS_RE = /[0-9]+|[^0-9]+/gu;
  const CJK_RE = new RegExp(`^[${HIRAGANA}${KATAKANA}${KANJI}]`, "u");
  // Must equal techblog.search.text.VARIANT_RE (okurigana between kanji, a long katakana word's final ー).
  const OKURIGANA = "いきぎしじちびみりえけげせねべめれ";
  const VARIANT_RE = new RegExp(`(?<=[${KANJI}])[${OKURIGANA}](?=[${KANJI}])|(?<=[${KATAKANA}]{3})ー+(?![${KATAKANA}])`, "gu");
  const PREFIX_MIN = 3;
  const PREFIX_KEY_RE = new RegExp(`^[^0-9]{${PREFIX_MIN}}`, "u");
  const MAX_EXPANSIONS = 8; // words a query word expands to, the most frequent first
  const PREFIX_WEIGHT = 0.5; // a word the query word only begins counts half
  const PAGE_SIZE = 10;
  const SNIPPET_CHARS = 120;
  const OPTIONAL_WEIGHT = 0.5;

  const normalize = (text) => text.normalize("NFKC").toLowerCase();
  const isCjk = (run) => CJK_RE.test(run);
  const unigramOk = (ch) => !HIRAGANA_RE.test(ch);
  // The form searched for: techblog.search.text.variant().
  const variant = (text) => text.replace(VARIANT_RE, "");
  // techblog.search.text.prefix_key(): a Latin word's first three letters, or null.
  const prefixKey = (token) => (Array.from(token).length >= PREFIX_MIN && !isCjk(token) && PREFIX_KEY_RE.test(token)
    ? Array.from(token).slice(0, PREFIX_MIN).join("") : null);

  function bigrams(run) {
    const chars = Array.from(run);
    const out = [];
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    return out;
  }

  // Code-point indices of the letters variant() drops from a kana/kanji run
  // (the run's letters are all in the Basic Multilingual Plane).
  function dropped(run) {
    const out = [];
    for (const m of run.matchAll(VARIANT_RE)) for (let i = m.index; i < m.index + m[0].length; i++) out.push(i);
    return out;
  }

  // Bigrams of the run's variant form that the run lacks: techblog.search.text.joins().
  function joins(run) {
    const out = [];
    for (const m of run.matchAll(VARIANT_RE)) {
      const end = m.index + m[0].length;
      if (end < run.length) out.push(run[m.index - 1] + run[end]);
    }
    return out;
  }

  // Index tokens: must equal techblog.search.text.tokens().
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
      out.push(...joins(run));
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

  // The words of a run's variant form, as lists of letters: the kept letters
  // of one segment stay together, and so do the kanji on both sides of a
  // dropped okurigana (書き|込み -> 書込み); a dropped ー ends its word (ユーザー|の).
  function variantWords(run, segments) {
    const chars = Array.from(run);
    const segmentOf = [];
    segments.forEach((segment, n) => { for (const _ of segment) segmentOf.push(n); });
    const drop = new Set(dropped(run));
    const words = [];
    let previous = -1;
    for (let i = 0; i < chars.length; i++) {
      if (drop.has(i)) continue;
      let together = previous >= 0 && segmentOf[previous] === segmentOf[i];
      if (previous >= 0 && i > previous + 1 && chars[i - 1] !== "ー") together = true;
      if (together) words[words.length - 1].push(chars[i]);
      else words.push([chars[i]]);
      previous = i;
    }
    // The typed spelling's own pairs that the variant form lacks (サーバー: バー) only raise the score.
    const lost = [];
    for (const i of drop) {
      if (i > 0) lost.push(chars[i - 1] + chars[i]);
      if (i + 1 < chars.length) lost.push(chars[i] + chars[i + 1]);
    }
    return { words, lost };
  }

  // What a query needs. Every token inside a word is required; a pair that
  // straddles two words (監視|設定 -> 視設) only raises the score, so a wrong
  // word split can loosen a query but never lose the page that has the text.
  // Kana and kanji are searched in their variant form (書き込み -> 書込み),
  // which the index holds for every spelling.
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
      const found = variantWords(run, segments);
      found.lost.forEach((pair) => optional.add(pair));
      let previous = null;
      for (const chars of found.words) {
        const segment = chars.join("");
        if (chars.length === 1) {
          if (unigramOk(segment)) { required.add(segment); words.push(segment); }
        } else {
          bigrams(segment).forEach((b) => required.add(b));
          words.push(segment);
        }
        if (previous) optional.add(previous[previous.length - 1] + chars[0]);
        previous = chars;
      }
    }
    for (const token of required) optional.delete(token);
    return { required: [...required], optional: [...optional], words };
  }

  // Must equal techblog.search.index.REST_WEIGHT: what a document of a token's rest counts at most.
  const REST_WEIGHT = 100;
  const BITMAP = 1;
  const EMPTY = { ids: [], weights: [], rest: [], restWeight: 0, count: 0 };

  // A token's postings as the shard holds them (techblog.search.index.postings_record): base64 of
  // varints, the listed postings' count, ids (as gaps) and weights, then the ids of the rest,
  // as gaps after a byte 0 or as a bitmap after a byte 1.
  function readPostings(record) {
    const binary = atob(record);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    let pos = 0;
    const varint = () => {
      let value = 0;
      let scale = 1;
      let byte;
      do {
        byte = bytes[pos++];
        value += (byte & 0x7f) * scale;
        scale *= 128;
      } while (byte & 0x80);
      return value;
    };
    const gaps = (count) => {
      const out = [];
      let previous = -1;
      while (count === null ? pos < bytes.length : out.length < count) {
        previous += varint() + 1;
        out.push(previous);
      }
      return out;
    };
    const ids = gaps(varint());
    const weights = ids.map(() => varint());
    let rest = [];
    if (pos < bytes.length) {
      if (bytes[pos++] === BITMAP) {
        for (let k = pos; k < bytes.length; k++) {
          for (let bit = 0; bit < 8; bit++) if (bytes[k] & (1 << bit)) rest.push(8 * (k - pos) + bit);
        }
      } else {
        rest = gaps(null);
      }
    }
    // techblog.search.index.rest_weight(): no more than the lowest listed weight.
    const restWeight = Math.min(REST_WEIGHT, ...weights);
    return { ids, weights, rest, restWeight, count: ids.length + rest.length };
  }

  // Each (document id, weight) of a token's postings: the listed ones, then the rest at its weight.
  function eachPosting(postings, visit) {
    for (let i = 0; i < postings.ids.length; i++) visit(postings.ids[i], postings.weights[i]);
    for (const id of postings.rest) visit(id, postings.restWeight);
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
      this.vocab = new Map();
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
      for (const t of tokenList) {
        const record = this.shards.get(shardOf(t, shards))[t];
        result.set(t, record ? readPostings(record) : EMPTY);
      }
      return result;
    }

    // Each token with the words it begins, as [token, factor] pairs: a Latin
    // word of three letters or more (kube) also matches the indexed words it
    // begins (kubernetes, kubectl), the most frequent MAX_EXPANSIONS, at
    // PREFIX_WEIGHT. One vocabulary file per word, chosen by its first letters.
    async expand(tokenList) {
      const { vocab, build } = await this.load();
      const keys = vocab ? tokenList.map(prefixKey) : tokenList.map(() => null);
      const wanted = new Set(keys.filter(Boolean).map((k) => shardOf(k, vocab)));
      await Promise.all([...wanted].filter((n) => !this.vocab.has(n)).map(async (n) => {
        this.vocab.set(n, await fetchJson(`${this.base}vocab/${n}.json?v=${build}`));
      }));
      return tokenList.map((token, i) => {
        const group = [[token, 1]];
        const words = keys[i] ? this.vocab.get(shardOf(keys[i], vocab))[keys[i]] || [] : [];
        for (let k = 0; k < words.length && group.length <= MAX_EXPANSIONS; k += 2) {
          if (words[k] !== token && words[k].startsWith(token)) group.push([words[k], PREFIX_WEIGHT]);
        }
        return group;
      });
    }

    doc(id) {
      return fetchJson(`${this.base}doc/${id}.json?v=${this.manifest.build}`);
    }

    // Documents holding every required token, best first.
    async search(query) {
      const { required, optional, words } = plan(query);
      if (required.length === 0) return { ids: [], words };
      const { docs } = await this.load();
      const groups = await this.expand(required);
      const lists = await this.postings([...new Set([...groups.flat().map(([t]) => t), ...optional])]);
      const idfOf = (df) => Math.log(1 + (docs - df + 0.5) / (df + 0.5));
      // A required token's score in each document: its best form's (itself, or
      // a word it begins), times the rarity of the documents having any form,
      // so that a title or tag hit of a common word outranks a rare word in the text.
      const matches = groups.map((group) => {
        const best = new Map();
        for (const [token, factor] of group) {
          eachPosting(lists.get(token), (id, weight) => {
            const score = factor * weight;
            if (!(best.get(id) >= score)) best.set(id, score);
          });
        }
        const weight = idfOf(best.size);
        for (const [id, score] of best) best.set(id, weight * score);
        return best;
      });
      let scores = null;
      for (const best of matches.sort((a, b) => a.size - b.size)) {
        const next = new Map();
        for (const [id, score] of best) {
          if (scores === null || scores.has(id)) next.set(id, (scores ? scores.get(id) : 0) + score);
        }
        scores = next;
        if (scores.size === 0) break;
      }
      for (const token of optional) {
        const postings = lists.get(token);
        const factor = OPTIONAL_WEIGHT * idfOf(postings.count);
        eachPosting(postings, (id, weight) => {
          if (scores.has(id)) scores.set(id, scores.get(id) + factor * weight);
        });
      }
      const ids = [...scores.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0]).map(([id]) => id);
      return { ids, words };
    }
  }

  const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const KANJI_CHAR_RE = new RegExp(`^[${KANJI}]$`, "u");
  const KATAKANA_CHAR_RE = new RegExp(`^[${KATAKANA}]$`, "u");

  // A pattern of a word in its variant form that also finds the spellings it
  // stands for: 書込み finds 書き込み, サーバ finds サーバー.
  function variantPattern(word) {
    const chars = Array.from(word);
    let katakana = 0;
    return chars.map((ch, i) => {
      katakana = KATAKANA_CHAR_RE.test(ch) ? katakana + 1 : 0;
      const next = chars[i + 1];
      let pattern = escapeRegExp(ch);
      if (KANJI_CHAR_RE.test(ch) && next && KANJI_CHAR_RE.test(next)) pattern += `[${OKURIGANA}]?`;
      if (katakana >= 3 && ch !== "ー" && !(next && KATAKANA_CHAR_RE.test(next))) pattern += "ー*";
      return pattern;
    }).join("");
  }

  // A window of the text around the first match, matches wrapped in <mark>.
  function snippet(text, query, words) {
    const terms = normalize(query).split(/\s+/).filter(Boolean);
    const longest = (list) => list.sort((a, b) => b.length - a.length);
    const candidates = [longest(terms).map(escapeRegExp),
      longest(words.filter((w) => Array.from(w).length > 1 || !isCjk(w))).map(variantPattern)];
    const fragment = document.createDocumentFragment();
    for (const list of candidates) {
      if (list.length === 0) continue;
      const pattern = new RegExp(list.join("|"), "giu");
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

  window.techblogSearch = { normalize, tokens, variant, prefixKey, plan, shardOf, readPostings, Index };
  document.addEventListener("DOMContentLoaded", () => {
    const container = document.querySelector(".techblog-search");
    if (!container) return;
    const done = () => { document.getElementById("search-results").dataset.state = "done"; };
    run(container).then(done, done);
  });
})();
