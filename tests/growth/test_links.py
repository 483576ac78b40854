"""Reading a link to the work from its address alone (growth.links)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from growth.links import MAX_LINKS, MAX_URL, classify, read_link, read_links

# address → (kind, host, what the page shows)
TABLE = [
    (
        "https://github.com/acme/app/pull/42",
        "pull_request",
        "github.com",
        "github.com · pull request #42",
    ),
    (
        "https://github.com/acme/app/pull/42/files#diff-1",
        "pull_request",
        "github.com",
        "github.com · pull request #42",
    ),
    (
        "https://www.github.com/acme/app/issues/7",
        "issue",
        "github.com",
        "github.com · issue #7",
    ),
    ("https://github.com/acme/app", "link", "github.com", "github.com · link"),
    (
        "https://gitlab.com/acme/platform/api/-/merge_requests/12",
        "pull_request",
        "gitlab.com",
        "gitlab.com · merge request !12",
    ),
    (
        "https://gitlab.example.com/acme/api/-/issues/3",
        "issue",
        "gitlab.example.com",
        "gitlab.example.com · issue #3",
    ),
    (
        "https://gitlab.com/acme/api/-/issues/incident/9",
        "incident",
        "gitlab.com",
        "gitlab.com · incident #9",
    ),
    (
        "https://bitbucket.org/acme/app/pull-requests/5/overview",
        "pull_request",
        "bitbucket.org",
        "bitbucket.org · pull request #5",
    ),
    (
        "https://bitbucket.org/acme/app/issues/8",
        "issue",
        "bitbucket.org",
        "bitbucket.org · issue #8",
    ),
    (
        "https://acme.atlassian.net/browse/PAY-123",
        "issue",
        "acme.atlassian.net",
        "acme.atlassian.net · issue PAY-123",
    ),
    (
        "https://acme.atlassian.net/jira/software/projects/PAY/boards/1"
        "?selectedIssue=PAY-9",
        "issue",
        "acme.atlassian.net",
        "acme.atlassian.net · issue PAY-9",
    ),
    (
        "https://jira.acme.example/browse/OPS-1",
        "issue",
        "jira.acme.example",
        "jira.acme.example · issue OPS-1",
    ),
    (
        "https://linear.app/acme/issue/ENG-451/fix-the-retry",
        "issue",
        "linear.app",
        "linear.app · issue ENG-451",
    ),
    (
        "https://acme.pagerduty.com/incidents/Q1ABCDEF2GHIJ",
        "incident",
        "acme.pagerduty.com",
        "acme.pagerduty.com · incident",
    ),
    (
        "https://acme.app.opsgenie.com/incident/detail/4f1c/details",
        "incident",
        "acme.app.opsgenie.com",
        "acme.app.opsgenie.com · incident",
    ),
    (
        "https://app.incident.io/acme/incidents/231",
        "incident",
        "app.incident.io",
        "app.incident.io · incident #231",
    ),
    (
        "https://docs.google.com/document/d/1AbC/edit",
        "document",
        "docs.google.com",
        "docs.google.com · document",
    ),
    (
        "https://www.notion.so/acme/Queue-design-0a1b2c",
        "document",
        "notion.so",
        "notion.so · document",
    ),
    (
        "https://acme.atlassian.net/wiki/spaces/ENG/pages/1/Runbook",
        "document",
        "acme.atlassian.net",
        "acme.atlassian.net · document",
    ),
    (
        "https://confluence.acme.example/display/ENG/Runbook",
        "document",
        "confluence.acme.example",
        "confluence.acme.example · document",
    ),
    (
        "http://intranet.acme.example:8080/wiki?page=1",
        "link",
        "intranet.acme.example",
        "intranet.acme.example · link",
    ),
    # Look-alike hosts are not the code host.
    (
        "https://github.com.evil.example/acme/app/pull/1",
        "link",
        "github.com.evil.example",
        "github.com.evil.example · link",
    ),
    (
        "https://notgithub.com/acme/app/pull/1",
        "link",
        "notgithub.com",
        "notgithub.com · link",
    ),
]


@pytest.mark.parametrize(("url", "kind", "host", "display"), TABLE)
def test_it_reads_the_kind_and_host_from_the_address(url, kind, host, display):
    link = read_link(url)
    assert (link.url, link.kind, link.host, link.display) == (url, kind, host, display)


def test_the_words_after_the_address_name_it():
    link = read_link("  https://github.com/acme/app/pull/42   The   retry fix ")
    assert link.url == "https://github.com/acme/app/pull/42"
    assert link.title == "The retry fix"


def test_the_scheme_is_kept_lower_case():
    link = read_link("HTTPS://github.com/acme/app/pull/1")
    assert link.url == "https://github.com/acme/app/pull/1"
    assert link.kind == "pull_request"


def test_an_absurdly_long_number_gives_no_label():
    kind, host, label = classify("https://github.com/a/b/pull/" + "9" * 60)
    assert (kind, host, label) == ("pull_request", "github.com", "")


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("javascript:alert(1)", "not a web address"),
        ("ftp://files.acme.example/a", "not a web address"),
        ("github.com/acme/app/pull/1", "not a web address"),
        ("data:text/html,hi", "not a web address"),
        ("https://", "not a web address we can link to"),
        ("https://exa mple.com", "not a web address we can link to"),
        ("https://bob:secret@github.com/acme/app", "user name or password"),
        ("https://github.com/" + "a" * MAX_URL, "longer than"),
    ],
)
def test_it_refuses_what_is_not_a_plain_web_address(line, says):
    with pytest.raises(ValidationError) as refused:
        read_link(line)
    assert says in refused.value.messages[0]


def test_blank_lines_go_and_the_same_address_twice_is_one_link():
    links = read_links(
        [
            "",
            "https://github.com/acme/app/pull/1 First",
            "  ",
            "https://github.com/acme/app/pull/1 Again",
            "https://github.com/acme/app/issues/2",
        ]
    )
    assert [(link.url, link.title) for link in links] == [
        ("https://github.com/acme/app/pull/1", "First"),
        ("https://github.com/acme/app/issues/2", ""),
    ]


def test_it_says_every_problem_at_once():
    with pytest.raises(ValidationError) as refused:
        read_links(["ftp://a.example", "https://github.com/a/b/pull/1", "nope", 7])
    assert len(refused.value.messages) == 3


def test_there_are_at_most_max_links():
    lines = [f"https://github.com/acme/app/pull/{n}" for n in range(MAX_LINKS)]
    assert len(read_links(lines)) == MAX_LINKS
    with pytest.raises(ValidationError) as refused:
        read_links([*lines, "https://github.com/acme/app/pull/99"])
    assert refused.value.messages == [
        f"At most {MAX_LINKS} links, for what it is most about; "
        f"this has {MAX_LINKS + 1}."
    ]
