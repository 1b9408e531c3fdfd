"""Secrets: detect-secrets' detectors, plus rules for what it misses in posts.

detect-secrets is built for source files; posts carry configs and command lines,
where passwords are usually unquoted (``password: ...``, ``mysql -p...``,
``PGPASSWORD=...``, ``curl -u user:pass``) and tokens come from services it has
no detector for.  Its two entropy detectors are left out: in posts they flag
every commit id and image digest.  Its own ``pragma: allowlist secret`` is
turned off, so the only way to let a finding through is ``safety-allow`` with a
reason (see suppress).

Running detect-secrets on every line is slow (about 0.3 ms a line), so a cheap
search (:func:`candidate_lines`) picks the lines worth scanning.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import cache

from detect_secrets.core.plugins.util import get_mapping_from_secret_type_to_class
from detect_secrets.core.scan import scan_line
from detect_secrets.settings import cache_bust, configure_settings_from_baseline, get_settings

from .source import Finding, Source
from .suppress import scannable

LEFT_OUT = {"Base64HighEntropyString", "HexHighEntropyString", "IPPublicDetector"}

LABELS = {
    "Private Key": "秘密鍵",
    "AWS Access Key": "AWS のアクセスキー",
    "Basic Auth Credentials": "URL に埋め込んだユーザー名とパスワード",
    "Secret Keyword": "パスワードや秘密の値",
    "JSON Web Token": "JWT（認証トークン）",
}

# name, pattern (group "value" is the secret), label
VALUE = r"(?P<q>['\"]?)(?P<value>[!-~]+?)(?P=q)(?=$|[\s,;#])"
EXTRA: list[tuple[str, re.Pattern, str]] = [
    ("google-api-key", re.compile(r"(?P<value>\bAIza[0-9A-Za-z_\-]{35})"), "Google の API キー"),
    ("google-oauth-secret", re.compile(r"(?P<value>\bGOCSPX-[0-9A-Za-z_\-]{20,})"), "Google OAuth のクライアントシークレット"),
    ("api-key", re.compile(r"(?P<value>\bsk-(?:proj-|ant-|svcacct-|admin-|live_|test_)?[A-Za-z0-9_\-]{24,})"), "API キー（sk- で始まる）"),
    ("github-token", re.compile(r"(?P<value>\bgithub_pat_[A-Za-z0-9_]{30,})"), "GitHub のトークン"),
    ("authorization-header", re.compile(r"(?i)\bauthorization\s*:\s*(?:bearer|basic|token)\s+(?P<value>[A-Za-z0-9._~+/=\-]{12,})"),
     "Authorization ヘッダーの認証情報"),
    ("password-option", re.compile(
        r"(?i)(?<![\w-])--(?:password|passwd|pass|token|secret|api-key|apikey|access-key|secret-key|client-secret)(?:=|\s+)" + VALUE),
     "コマンドラインのパスワードやトークン"),
    ("mysql-password", re.compile(r"\bmysql(?:dump|admin|sh)?\b[^\n]*?\s-p" + VALUE), "mysql の -p に続くパスワード"),
    ("sshpass", re.compile(r"\bsshpass\s+-p\s*" + VALUE), "sshpass のパスワード"),
    ("curl-user", re.compile(r"\b(?:curl|wget|http)\b[^\n]*?\s(?:-u|--user)\s*(?P<q>['\"]?)[^\s:'\"]+:(?P<value>[!-~]+?)(?P=q)(?=$|\s)"),
     "curl の -u に書いたパスワード"),
    ("password-variable", re.compile(
        r"(?<![\w$])[A-Z0-9_]*(?:PASSWORD|PASSWD|PWD|SECRET|TOKEN|API_KEY|APIKEY|SECRET_KEY|ACCESS_KEY|PRIVATE_KEY)\s*=\s*" + VALUE),
     "環境変数に入れたパスワードやトークン"),
    ("password-setting", re.compile(
        r"(?i)^\s*(?:-\s+)?[\"']?[\w.-]*?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|"
        r"private[_-]?key|client[_-]?secret|credentials?)[\"']?\s*[:=]\s*" + VALUE),
     "設定ファイルのパスワードや秘密の値"),
]

PLACEHOLDER = re.compile(
    r"""(?ix)^(?:
      <.*>|\[.*\]|\{\{.*\}\}|\$\{.*\}|\$\(.*\)|\$[A-Za-z_]\w*|%\(.*\)s|%[sv]|!vault.*|vault:.*|env\(.*\)|
      [*x.•…-]+|changeme|change_me|password\d*|secret|token|dummy\w*|sample\w*|example\w*|your[-_]\w+|
      redacted|masked|none|null|nil|true|false|yes|no|required|optional|\d{1,6}|[/~.].*|\w+://.*|
      [a-z]+_(?:file|path)|file:.*|.*\(.*
    )$"""
)


def is_placeholder(value: str) -> bool:
    return "EXAMPLE" in value or bool(PLACEHOLDER.match(value)) or len(value) < 6


@cache
def _plugins() -> list[dict]:
    return [{"name": cls.__name__} for cls in get_mapping_from_secret_type_to_class().values() if cls.__name__ not in LEFT_OUT]


# Every line where a detector above or one of detect-secrets' could fire contains one of
# these: its keywords (any case) or the fixed start of its token format.  Finding them
# with str.find over the whole file is far faster than any regular expression per line.
KEYWORDS = ("pass", "pwd", "secret", "token", "apikey", "api_key", "api-key", "private", "authorization", "credential", "key",
            "mysql", "curl", "wget", "sshpass", "cloudant", "softlayer")
PREFIXES = ("A3T", "ABIA", "ACCA", "AKIA", "ASIA", "AKC", "AccountKey", "://", "ghp_", "gho_", "ghu_", "ghs_", "ghr_",
            "github_pat_", "glpat-", "gldt-", "glft-", "glsoat-", "glrt-", "glcbt-", "glimt-", "glptt-", "glagent-", "gloas-",
            "GR1348941", "eyJ", "npm_", "sk-", "sk_live", "rk_live", "BEGIN", "PuTTY", "pypi-", "SG.", "xox",
            "sq0csp", "AIza", "GOCSPX")


def candidate_lines(text: str) -> set[int]:
    """0-based indexes of the lines that contain a keyword or a token prefix."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    hits: set[int] = set()
    for haystack, needles in ((text.lower(), KEYWORDS), (text, PREFIXES)):
        for needle in needles:
            at = haystack.find(needle)
            while at != -1:
                line = bisect_right(starts, at) - 1
                hits.add(line)
                at = haystack.find(needle, starts[line + 1] if line + 1 < len(starts) else len(haystack))
    return hits


@cache
def _configure() -> None:
    """detect-secrets keeps its settings in one process-wide object: set them once per build.

    (Its ``transient_settings`` would rebuild every cache twice per page, 10 ms each.)
    """
    cache_bust()
    configure_settings_from_baseline({"plugins_used": _plugins()})
    get_settings().disable_filters("detect_secrets.filters.allowlist.is_line_allowlisted")


def check(source: Source) -> Iterator[Finding]:
    lines = source.lines
    candidates = candidate_lines(source.text)
    if candidates:
        _configure()
    for index in sorted(candidates):
        if line := scannable(lines[index]):
            yield from _line(index + 1, line)


def _line(number: int, line: str) -> Iterator[Finding]:
    found: set[str] = set()
    for secret in scan_line(line):
        value = secret.secret_value or ""
        if "EXAMPLE" in value or (secret.type == "Secret Keyword" and is_placeholder(value)):
            continue
        kind = secret.type.lower().replace(" ", "-")
        if kind not in found:
            found.add(kind)
            yield _finding(number, kind, LABELS.get(secret.type, secret.type))
    if found:
        return
    for kind, pattern, label in EXTRA:
        for match in pattern.finditer(line):
            if not is_placeholder(match["value"]) and kind not in found:
                found.add(kind)
                yield _finding(number, kind, label)


def _finding(line: int, kind: str, label: str) -> Finding:
    return Finding(line, "secret", kind, f"{label}が書かれています（secret {kind}）。"
                   "「<パスワード>」「${DB_PASSWORD}」「********」のような伏せ字に置き換えてください。"
                   "本物の値ならリポジトリの履歴にも残っているので、すぐに無効化（ローテーション）してください")
