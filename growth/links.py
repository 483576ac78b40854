"""What a link on a note or a goal check-in points at, read from its address alone.

A note can say which pull request, issue, incident or design document it is
about. The server never fetches a link (it may name a private incident, and
fetching what a person typed would make the server a proxy for them): its kind,
host and short label come from the URL's shape, by the table of patterns below.
An address no pattern knows is a plain "link".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from growth.models import limits

# How many links one note or check-in may carry: what it is about, not a
# reading list.
MAX_LINKS = 5
# Longer than any code host's or document's address; a line, not a page.
MAX_URL = limits.WORK_LINK_URL
MAX_TITLE = limits.WORK_LINK_TITLE
MAX_LABEL = 40


class LinkKind(models.TextChoices):
    PULL_REQUEST = "pull_request", "pull request"
    ISSUE = "issue", "issue"
    INCIDENT = "incident", "incident"
    DOCUMENT = "document", "document"
    LINK = "link", "link"


@dataclass(frozen=True)
class Pattern:
    """Addresses on hosts that ``host`` matches (the whole host name) whose
    path matches ``path``: of ``kind``, labelled by ``label`` formatted with
    the path's named groups."""

    host: re.Pattern
    path: re.Pattern
    kind: str
    label: str


def _pattern(host: str, path: str, kind: str, label: str) -> Pattern:
    return Pattern(re.compile(host), re.compile(path), kind, label)


_REPO = r"^/[^/]+/[^/]+"  # /owner/repository
_JIRA_KEY = r"(?P<key>[A-Z][A-Z0-9_]*-\d+)"
_ATLASSIAN = r"[a-z0-9-]+\.atlassian\.net"

# First match wins: the more specific pattern of a host comes first.
PATTERNS: tuple[Pattern, ...] = (
    # GitHub
    _pattern(
        r"github\.com", _REPO + r"/pull/(?P<n>\d+)", LinkKind.PULL_REQUEST, "#{n}"
    ),
    _pattern(r"github\.com", _REPO + r"/issues/(?P<n>\d+)", LinkKind.ISSUE, "#{n}"),
    # GitLab, gitlab.com or a company's own (gitlab.example.com): the project
    # path may have subgroups, and "/-/" starts what is in it.
    _pattern(
        r"gitlab\.com|gitlab\.[a-z0-9.-]+",
        r"^/.+?/-/merge_requests/(?P<n>\d+)",
        LinkKind.PULL_REQUEST,
        "!{n}",
    ),
    _pattern(
        r"gitlab\.com|gitlab\.[a-z0-9.-]+",
        r"^/.+?/-/(?:issues/incident|incidents)/(?P<n>\d+)",
        LinkKind.INCIDENT,
        "#{n}",
    ),
    _pattern(
        r"gitlab\.com|gitlab\.[a-z0-9.-]+",
        r"^/.+?/-/(?:issues|work_items)/(?P<n>\d+)",
        LinkKind.ISSUE,
        "#{n}",
    ),
    # Bitbucket
    _pattern(
        r"bitbucket\.org",
        _REPO + r"/pull-requests/(?P<n>\d+)",
        LinkKind.PULL_REQUEST,
        "#{n}",
    ),
    _pattern(r"bitbucket\.org", _REPO + r"/issues/(?P<n>\d+)", LinkKind.ISSUE, "#{n}"),
    # Jira, in Atlassian's cloud or a company's own (jira.example.com); a board
    # with an issue open is in the query (``_from_query``).
    _pattern(
        _ATLASSIAN + r"|jira\.[a-z0-9.-]+",
        r"^(?:/jira)?/browse/" + _JIRA_KEY + r"$",
        LinkKind.ISSUE,
        "{key}",
    ),
    # Confluence, in the same cloud (under /wiki) or a company's own.
    _pattern(_ATLASSIAN, r"^/wiki/", LinkKind.DOCUMENT, ""),
    _pattern(r"confluence\.[a-z0-9.-]+", r"^/", LinkKind.DOCUMENT, ""),
    # Linear
    _pattern(
        r"linear\.app",
        r"^/[^/]+/issue/(?P<key>[A-Za-z][A-Za-z0-9]*-\d+)",
        LinkKind.ISSUE,
        "{key}",
    ),
    # Incidents: PagerDuty's ids say nothing to a reader, incident.io's
    # numbers do.
    _pattern(
        r"[a-z0-9-]+\.pagerduty\.com",
        r"^/incidents/[A-Za-z0-9]+",
        LinkKind.INCIDENT,
        "",
    ),
    _pattern(
        r"(?:[a-z0-9-]+\.)*opsgenie\.com",
        r"^/incident/",
        LinkKind.INCIDENT,
        "",
    ),
    _pattern(
        r"app\.incident\.io",
        r"^/[^/]+/incidents/(?P<n>\d+)",
        LinkKind.INCIDENT,
        "#{n}",
    ),
    # Documents
    _pattern(
        r"docs\.google\.com",
        r"^/(?:document|spreadsheets|presentation)/",
        LinkKind.DOCUMENT,
        "",
    ),
    _pattern(
        r"(?:www\.)?notion\.so|[a-z0-9-]+\.notion\.site",
        r"^/.+",
        LinkKind.DOCUMENT,
        "",
    ),
)

_VALID = URLValidator(schemes=["http", "https"])


@dataclass(frozen=True)
class WorkLinkData:
    """A link read from what a person typed: the address, and what it is."""

    url: str
    kind: str
    host: str
    label: str
    title: str = ""

    @property
    def display(self) -> str:
        """How the link reads on a page: "github.com · pull request #42"."""
        return link_display(host=self.host, kind=self.kind, label=self.label)


def link_display(*, host: str, kind: str, label: str) -> str:
    """ "host · kind label", the words a link is shown with."""
    what = LinkKind(kind).label
    if kind == LinkKind.PULL_REQUEST and label.startswith("!"):
        what = "merge request"  # GitLab's own word for it
    return f"{host} · {what} {label}".rstrip()


def _host(netloc_host: str) -> str:
    host = netloc_host.lower().rstrip(".")
    return host.removeprefix("www.")


def _from_query(host: str, query: str) -> tuple[str, str] | None:
    """A Jira board or search with one issue open: ``?selectedIssue=KEY-1``."""
    if not re.fullmatch(_ATLASSIAN + r"|jira\.[a-z0-9.-]+", host):
        return None
    for key in parse_qs(query).get("selectedIssue", []):
        if re.fullmatch(_JIRA_KEY, key) and len(key) <= MAX_LABEL:
            return LinkKind.ISSUE, key
    return None


def classify(url: str) -> tuple[str, str, str]:
    """The (kind, host, label) of a valid http(s) ``url``, from its shape alone."""
    parts = urlsplit(url)
    host = _host(parts.hostname or "")
    for pattern in PATTERNS:
        if not pattern.host.fullmatch(host):
            continue
        match = pattern.path.search(parts.path)
        if match:
            label = pattern.label.format(**match.groupdict())
            # A label is a glance: an absurdly long number says nothing.
            return pattern.kind, host, label if len(label) <= MAX_LABEL else ""
    found = _from_query(host, parts.query)
    if found:
        return found[0], host, found[1]
    return LinkKind.LINK, host, ""


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_link(line: str) -> WorkLinkData:
    """Read one link as a person typed it: an address, then optionally a few
    words naming it ("https://github.com/acme/app/pull/42 The retry fix").

    Raise ``ValidationError`` saying what is wrong with it: only http and
    https addresses, without a user name or password in them (everyone who
    reads the note would see those), and not too long.
    """
    line = line.strip()
    url, _, title = line.partition(" ")
    if not url:
        raise ValidationError("Write a web address.")
    title = " ".join(title.split())
    scheme, sep, rest = url.partition("://")
    if sep:
        url = f"{scheme.lower()}://{rest}"
    if len(url) > MAX_URL:
        raise ValidationError(
            f"“{_shown(url)}” is longer than {MAX_URL:,} characters; "
            "link to a shorter address."
        )
    if len(title) > MAX_TITLE:
        raise ValidationError(
            f"The name after “{_shown(url)}” is longer than {MAX_TITLE} characters."
        )
    if scheme.lower() not in ("http", "https") or not sep:
        raise ValidationError(
            f"“{_shown(url)}” is not a web address: start it with https:// "
            "(or http://)."
        )
    try:
        _VALID(url)
    except ValidationError:
        raise ValidationError(
            f"“{_shown(url)}” is not a web address we can link to."
        ) from None
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValidationError(
            f"“{_shown(url)}” has a user name or password in it; leave them out, "
            "everyone who reads the note would see them."
        )
    kind, host, label = classify(url)
    return WorkLinkData(url=url, kind=kind, host=host, label=label, title=title)


def read_links(lines) -> list[WorkLinkData]:
    """Read every link of ``lines`` (strings; blank ones are skipped, the same
    address twice is one link); raise one ``ValidationError`` listing every
    problem, the number of links included."""
    links: dict[str, WorkLinkData] = {}
    problems: list[str] = []
    for line in lines:
        if not isinstance(line, str):
            problems.append("Each link is a web address, as text.")
            continue
        if not line.strip():
            continue
        try:
            link = read_link(line)
        except ValidationError as error:
            problems.extend(error.messages)
            continue
        links.setdefault(link.url, link)
    if len(links) > MAX_LINKS:
        problems.append(
            f"At most {MAX_LINKS} links, for what it is most about; "
            f"this has {len(links)}."
        )
    if problems:
        raise ValidationError(problems)
    return list(links.values())
