"""Addresses and names: IP addresses, host and domain names, and customer names.

IP addresses must come from the documentation ranges (RFC 5737, RFC 3849) or be
loopback; anything else, above all an internal address, is a finding whose message
gives the documentation-range address to use instead.

A dotted word is only a domain when its last label is a real top-level domain
(the Public Suffix List shipped with ``publicsuffixlist``, read offline), so
``postgresql.conf``, ``16.4.1`` and ``nginx.conf`` are not names.  Top-level
domains that are also file extensions or common attribute names (``main.py``,
``README.md``, ``self.name``, ``logger.info``) only count in a URL or an e-mail
address.  Names under private-use suffixes (``.internal``,
``.local``, ``.corp``...) are internal host names and always count.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from functools import cache

from publicsuffixlist import PublicSuffixList

from .config import Config
from .source import Finding, Source
from .suppress import scannable

DOCUMENTATION = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]
# Naming a whole private block ("10.0.0.0/8") reveals nothing about anyone's network.
GENERIC_BLOCKS = {ipaddress.ip_network(n) for n in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16", "127.0.0.0/8",
    "0.0.0.0/0", "fc00::/7", "fe80::/10", "::/0", "::1/128")}

RESERVED_DOMAINS = ("example.com", "example.net", "example.org", "example.jp", "example.co.jp", "example.ne.jp",
                    "example.or.jp", "example.ac.jp", "example.ad.jp", "example.ed.jp", "example.go.jp",
                    "example.gr.jp", "example.lg.jp", "test", "invalid", "localhost", "example")
PRIVATE_SUFFIXES = ("internal", "local", "lan", "corp", "intranet", "localdomain", "home.arpa", "private")
# TLDs that are also file extensions or attribute names: only a name in a URL, e-mail or host:port.
AMBIGUOUS_TLDS = {
    "py", "md", "sh", "rs", "pl", "pm", "so", "cc", "tf", "zip", "mov", "ps", "ai", "ml", "sc", "ls", "ms", "ws",
    "ac", "am", "mk", "cf", "st", "vc", "gs", "bz", "cx", "in", "id", "is", "it", "to", "at", "as", "be", "by", "no",
    "me", "my", "us", "do", "go", "info", "name", "date", "email", "host", "site", "now", "app", "run", "key", "page",
    "link", "new", "one", "live", "properties", "data", "map", "list", "social", "network", "style", "tools", "top",
    "report", "zone", "team", "cloud", "dev", "global", "systems", "domains", "services", "support", "events", "download",
}
CODE_RECEIVERS = {
    "self", "this", "cls", "os", "sys", "app", "ctx", "obj", "req", "res", "request", "response", "env", "args",
    "kwargs", "settings", "config", "logger", "log", "math", "np", "pd", "df", "json", "re", "time", "datetime",
    "item", "node", "user", "post", "meta", "document", "window", "console", "module", "exports", "process", "props",
    "state", "event", "e", "err", "result", "data", "spec", "metadata", "values", "status", "site", "page", "record",
}

IPV4 = re.compile(r"(?<![\w.])(?P<addr>(?:\d{1,3}\.){3}\d{1,3})(?:/(?P<prefix>\d{1,2}))?(?![\w]|\.\d)", re.ASCII)
IPV6 = re.compile(r"(?<![\w:.])(?P<addr>[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})(?:/(?P<prefix>\d{1,3}))?(?![\w:])", re.ASCII)
HOST = re.compile(
    r"(?<![\w.-])(?P<name>(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)"
    r"(?![\w@-]|\.[A-Za-z0-9])", re.ASCII)


@cache
def _psl() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True, accept_unknown=False)


def check(source: Source, config: Config) -> Iterator[Finding]:
    names = _names_pattern(tuple(config.denied_names))
    for index, line in enumerate(source.lines):
        line = scannable(line)
        if not line.strip():
            continue
        number = index + 1
        if "." in line:
            yield from _ipv4(number, line, config)
            yield from _hosts(number, line, config)
        if "::" in line or line.count(":") >= 7:
            yield from _ipv6(number, line, config)
        if names is not None:
            for match in names.finditer(line):
                yield Finding(number, "name", match.group(0), f"お客様などの名前「{match.group(0)}」が書かれています（name {match.group(0)}）。"
                              "「A 社」「お客様のサービス」のような書き方に変えてください（data/safety.yml の denied_names に載っている名前です）")


@cache
def _names_pattern(names: tuple[str, ...]) -> re.Pattern | None:
    if not names:
        return None
    parts = [rf"(?<![A-Za-z0-9]){re.escape(n)}(?![A-Za-z0-9])" if n.isascii() else re.escape(n)
             for n in sorted(names, key=len, reverse=True)]
    return re.compile("|".join(parts), re.IGNORECASE)


def _allowed_address(address, network, config: Config) -> bool:
    if network is not None and network in GENERIC_BLOCKS:
        return True
    if address.is_loopback or address.is_unspecified:
        return True
    return any(address in n for n in DOCUMENTATION) or any(address in n for n in config.allowed_networks)


def _ipv4(number: int, line: str, config: Config) -> Iterator[Finding]:
    for match in IPV4.finditer(line):
        try:
            address = ipaddress.IPv4Address(match["addr"])
        except ValueError:
            continue
        if match["addr"].startswith("255.") or match["addr"].startswith("0."):
            continue  # a netmask or wildcard, not a host
        prefix = match["prefix"]
        network = ipaddress.ip_network(f"{address}/{prefix}", strict=False) if prefix and int(prefix) <= 32 else None
        if _allowed_address(address, network, config):
            continue
        last = match["addr"].rsplit(".", 1)[1]
        if network is not None:
            instead = f"192.0.2.0/{max(int(prefix), 24)}" if int(prefix) >= 24 else "198.51.100.0/24"
        else:
            instead = f"{'192.0.2' if address.is_private else '203.0.113'}.{last}"
        yield _address_finding(number, match.group(0), address, instead)


def _ipv6(number: int, line: str, config: Config) -> Iterator[Finding]:
    for match in IPV6.finditer(line):
        text = match["addr"]
        if not any(c.isdigit() for c in text):
            continue
        try:
            address = ipaddress.IPv6Address(text)
        except ValueError:
            continue
        prefix = match["prefix"]
        network = ipaddress.ip_network(f"{address}/{prefix}", strict=False) if prefix and int(prefix) <= 128 else None
        if _allowed_address(address, network, config):
            continue
        instead = "2001:db8::/32" if network is not None else f"2001:db8::{text.rsplit(':', 1)[1] or '1'}"
        yield _address_finding(number, match.group(0), address, instead)


def _address_finding(number: int, text: str, address, instead: str) -> Finding:
    kind = "社内（プライベート）アドレス" if address.is_private else "実在しうるアドレス"
    return Finding(number, "ip", text, f"IP アドレス「{text}」は{kind}です（ip {text}）。"
                   f"ドキュメント用のアドレス「{instead}」に置き換えてください"
                   "（IPv4 は 192.0.2.0/24・198.51.100.0/24・203.0.113.0/24、IPv6 は 2001:db8::/32）")


def _under(name: str, domain: str) -> bool:
    return name == domain or name.endswith("." + domain)


def _hosts(number: int, line: str, config: Config) -> Iterator[Finding]:
    for match in HOST.finditer(line):
        raw = match["name"]
        name = raw.lower()
        if any(_under(name, d) for d in RESERVED_DOMAINS) or any(_under(name, d) for d in config.allowed_domains):
            continue
        before, after = line[:match.start()], line[match.end():]
        in_url = before.endswith(("://", "@", "//"))
        if not in_url and (raw != name or after.startswith("(") or before.endswith(("/", "\\"))):
            continue  # CamelCase, a call or a path segment: code or a file, not a host
        private = next((s for s in PRIVATE_SUFFIXES if _under(name, s) and name != s), None)
        if private is None:
            suffix = _psl().publicsuffix(name)
            if suffix is None or suffix == name:
                continue
            tld = name.rsplit(".", 1)[1]
            if not in_url and (tld in AMBIGUOUS_TLDS or name.split(".", 1)[0] in CODE_RECEIVERS):
                continue
            registrable = _psl().privatesuffix(name) or name
            head = name[: -len(registrable)].rstrip(".")
            instead = (head + "." if head else "") + ("example.jp" if suffix.endswith("jp") else "example.com")
        else:
            if not in_url and name.split(".", 1)[0] in CODE_RECEIVERS:
                continue
            instead = name[: -len(private)] + "example"
        yield Finding(number, "domain", name, f"ホスト名「{raw}」は例示用のドメインではありません（domain {name}）。"
                      f"「{instead}」のような例示用の名前（example.com・example.jp・.example・.test）に置き換えてください。"
                      "公開されているサービスの名前なら data/safety.yml の allowed_domains に追加してください")


# -- Hosts a program may fetch from (link cards) ------------------------------------------------


def refused_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a fetch must not reach *address*: anything not on the public internet.

    Private, loopback, link-local (cloud metadata), shared (100.64/10), reserved,
    multicast and documentation ranges alike; an IPv4-mapped IPv6 address is
    judged as its IPv4 address.
    """
    mapped = getattr(address, "ipv4_mapped", None)
    if mapped is not None:
        address = mapped
    return not address.is_global or address.is_multicast or any(address in n for n in DOCUMENTATION)


def refused_host(host: str) -> str | None:
    """Why a URL's host is internal (Japanese, for a message), or None when it may be public.

    An IP address is judged by :func:`refused_address`; a name is internal when it
    has no dot, is ``localhost`` or ends in one of :data:`PRIVATE_SUFFIXES` or a
    reserved name that never resolves on the internet (``.test``, ``.invalid``,
    ``.localhost``, ``.example``).  Names that resolve to a private address are
    caught by the fetcher, which checks every address a name resolves to.
    """
    name = host.strip().strip("[]").rstrip(".").lower()
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        address = None
    if address is not None:
        return f"社内・ローカルのアドレス（{name}）です" if refused_address(address) else None
    if not name or "." not in name:
        return f"ドメインのない社内のホスト名（{name or '空'}）です"
    internal = next((s for s in (*PRIVATE_SUFFIXES, "localhost", "test", "invalid", "example") if _under(name, s)), None)
    if internal is not None:
        return f"社内・ローカル用の名前（.{internal}）のホスト（{name}）です"
    return None
