"""Staff voice (issue 16): the survey's two open questions, and the leaders' comments pages.

What must hold: the comments are never shown before the campaign closes or below 10 responses;
they carry no role, school or time and cannot be joined to a response, not by the schema, not by
the logs, not by the order of rows once released; a hidden comment is erased and stays hidden
whatever anyone does; a "proud of" comment becomes a milestone; consultants do not read them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import uuid
from typing import Any

import pytest
from django.contrib import admin
from django.db import IntegrityError, connection, models, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from districts.models import AuditEvent, District, Milestone
from onpoint import rescore
from surveys.comment_views import COMMENT_HIDDEN, COMMENT_PROMOTED
from surveys.comments import (
    COMMENT_MAX_LENGTH,
    COMMENTS_MIN_RESPONSES,
    NOT_CLOSED,
    TOO_FEW_RESPONSES,
    comment_hide,
    comments_release_shuffle,
)
from surveys.models import Campaign, Comment, Response
from tests.clients import signed_in
from tests.districts.test_tenancy import iter_named_patterns
from tests.surveys.conftest import campaign_of, every_answer
from tests.surveys.staff_voice import a_comment, campaign_with_comments
from tests.surveys.words import TEXTS

pytestmark = pytest.mark.django_db

PROUD = "Our students run their own conferences now"
HELP = "Time to plan with the coach every week"


def _form(client: Client, campaign: Campaign, **extra: str) -> dict[str, str]:
    html = client.get(f"/s/{campaign.token}/").content.decode()
    found = re.search(r'name="submission_id" value="([^"]+)"', html)
    assert found is not None
    return {
        "lang": "en",
        "submission_id": found.group(1),
        "role": "teacher",
        "school": "",
        **{code: "4" for code in every_answer()},
        **extra,
    }


def _submit(client: Client, campaign: Campaign, **comments: str) -> Any:
    return client.post(
        f"/s/{campaign.token}/", {**_form(client, campaign, **comments), "action": "submit"}
    )


def comments_url(campaign: Campaign) -> str:
    return reverse(
        "campaign_comments", kwargs={"slug": campaign.district.slug, "campaign_id": campaign.pk}
    )


def comments_csv_url(campaign: Campaign) -> str:
    return reverse(
        "campaign_comments_csv",
        kwargs={"slug": campaign.district.slug, "campaign_id": campaign.pk},
    )


def hide_url(comment: Comment) -> str:
    return reverse(
        "comment_hide", kwargs={"slug": comment.campaign.district.slug, "comment_id": comment.pk}
    )


def milestone_url(comment: Comment) -> str:
    return reverse(
        "comment_milestone",
        kwargs={"slug": comment.campaign.district.slug, "comment_id": comment.pk},
    )


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


# --- the survey asks -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_survey_asks_two_optional_questions_and_says_not_to_name_anyone(
    client: Client, maple_campaign: Campaign, lang: str
) -> None:
    html = client.get(f"/s/{maple_campaign.token}/?lang={lang}").content.decode()
    texts = TEXTS[lang]
    for key in ("comments_heading", "comment_proud_of_label", "comment_help_label"):
        assert texts[key].replace("'", "&#x27;") in html, key
    assert texts["comments_privacy"] in html
    assert '<textarea id="comment_proud_of" name="comment_proud_of"' in html
    assert '<textarea id="comment_help" name="comment_help"' in html
    # Optional: nothing requires them.
    assert "required" not in re.search(r"<textarea[^>]*>", html).group(0)  # type: ignore[union-attr]


def test_the_english_and_spanish_questions_are_the_ones_the_issue_asks(client: Client) -> None:
    assert TEXTS["en"]["comment_proud_of_label"] == (
        "What are you proud of in our personalized-learning work?"
    )
    assert TEXTS["en"]["comment_help_label"] == "What would help you most?"
    assert "no nombre a nadie" in TEXTS["es"]["comments_privacy"]
    assert "do not name anyone" in TEXTS["en"]["comments_privacy"]


def test_without_javascript_the_review_shows_the_comments_and_submit_stores_them_apart(
    client: Client, maple_campaign: Campaign
) -> None:
    data = _form(
        client, maple_campaign, comment_proud_of=PROUD + "\r\nSecond line", comment_help=HELP
    )
    review = client.post(f"/s/{maple_campaign.token}/", {**data, "action": "review"})
    page = review.content.decode()
    assert "Our students run their own conferences now<br>Second line" in page
    assert (
        'type="hidden" name="comment_help" value="Time to plan with the coach every week"' in page
    )
    assert not Comment.objects.exists()  # nothing is sent before "Submit my answers"

    # "Change my answers" gives the words back in the form.
    edit = client.post(f"/s/{maple_campaign.token}/", {**data, "action": "edit"})
    assert f">{HELP}</textarea>" in edit.content.decode()

    submitted = client.post(f"/s/{maple_campaign.token}/", {**data, "action": "submit"})
    assert submitted.status_code == 303
    assert Response.objects.count() == 1
    stored = {c.kind: c.text for c in Comment.objects.all()}
    assert stored == {"proud_of": PROUD + "\nSecond line", "help": HELP}


def test_an_empty_answer_is_no_comment_and_a_campaign_that_does_not_ask_stores_none(
    client: Client, maple: District
) -> None:
    asks = campaign_of(maple)
    assert _submit(client, asks, comment_proud_of="   ", comment_help=HELP).status_code == 303
    assert list(Comment.objects.values_list("kind", flat=True)) == ["help"]

    silent = campaign_of(maple, asks_comments=False)
    html = client.get(f"/s/{silent.token}/").content.decode()
    assert "comment_proud_of" not in html
    assert _submit(client, silent, comment_proud_of=PROUD).status_code == 303
    assert Response.objects.filter(campaign=silent).count() == 1
    assert not Comment.objects.filter(campaign=silent).exists()


def test_a_retried_submission_stores_its_comments_once(
    client: Client, maple_campaign: Campaign
) -> None:
    data = {**_form(client, maple_campaign, comment_proud_of=PROUD), "action": "submit"}
    client.post(f"/s/{maple_campaign.token}/", data)
    client.post(f"/s/{maple_campaign.token}/", data)
    assert Response.objects.count() == 1
    assert Comment.objects.count() == 1


def test_a_comment_too_long_shows_the_form_again_with_the_reason(
    client: Client, maple_campaign: Campaign
) -> None:
    data = _form(client, maple_campaign, comment_help="x" * (COMMENT_MAX_LENGTH + 1))
    page = client.post(f"/s/{maple_campaign.token}/", {**data, "action": "submit"})
    assert page.status_code == 200
    assert TEXTS["en"]["comment_too_long"].format(max=COMMENT_MAX_LENGTH) in page.content.decode()
    assert not Response.objects.exists()
    assert not Comment.objects.exists()


def test_control_characters_are_dropped_and_a_nul_never_reaches_the_database(
    client: Client, maple_campaign: Campaign
) -> None:
    assert _submit(client, maple_campaign, comment_help="a\x00b\x07c\td").status_code == 303
    assert Comment.objects.get().text == "abc\td"


# --- unlinkable ----------------------------------------------------------------------------------


def test_a_comment_has_no_role_school_time_or_response_in_its_schema() -> None:
    fields = {f.name: f for f in Comment._meta.get_fields()}
    assert set(fields) == {"id", "campaign", "kind", "text", "hidden", "milestone"}
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in fields.values())
    related = {f.related_model for f in fields.values() if f.is_relation}
    assert related == {Campaign, Milestone}
    # A random key, not a sequence that would follow the responses' ids.
    assert isinstance(fields["id"], models.UUIDField)
    assert fields["id"].primary_key
    assert fields["id"].default is uuid.uuid4
    with connection.cursor() as cursor:
        columns = {
            c.name
            for c in connection.introspection.get_table_description(cursor, "surveys_comment")
        }
    assert columns == {"id", "campaign_id", "kind", "text", "hidden", "milestone_id"}
    # And a response keeps nothing of its comments.
    assert not any("comment" in f.name for f in Response._meta.get_fields())


def test_comment_ids_do_not_follow_the_order_of_submission(
    client: Client, maple_campaign: Campaign
) -> None:
    for index in range(12):
        _submit(client, maple_campaign, comment_help=f"help {index:02d}")
    by_id = [c.text for c in Comment.objects.order_by("pk")]
    assert by_id != [f"help {index:02d}" for index in range(12)]
    assert all(uuid.UUID(str(c.pk)).version == 4 for c in Comment.objects.all())


def _storage_order(table: str) -> list[str]:
    """The ids of a table's rows in the order the database keeps them (SQLite's rowid,
    PostgreSQL's physical position): what someone reading the database could order them by."""
    order = "rowid" if connection.vendor == "sqlite" else "ctid"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {table} ORDER BY {order}")  # noqa: S608 - fixed names
        return [str(uuid.UUID(str(row[0]))) for row in cursor.fetchall()]


def test_the_release_rewrites_the_comments_in_random_order(
    client: Client, maple_campaign: Campaign
) -> None:
    for index in range(COMMENTS_MIN_RESPONSES + 2):
        _submit(client, maple_campaign, comment_help=f"help {index:02d}")
    texts = {str(pk): text for pk, text in Comment.objects.values_list("pk", "text")}
    before = _storage_order("surveys_comment")
    # The problem: as written, the rows sit in the order of the submissions.
    assert [texts[pk] for pk in before] == [f"help {i:02d}" for i in range(len(before))]
    hidden = Comment.objects.order_by("?").first()
    assert hidden is not None
    Comment.objects.filter(pk=hidden.pk).update(hidden=True, text="")

    Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=timezone.now())
    rescore.campaign_recompute(campaign_id=maple_campaign.pk)

    after = _storage_order("surveys_comment")
    assert sorted(after) == sorted(before)  # the same comments, ids kept
    assert after != before  # 1 chance in 12! of failing by luck
    assert Comment.objects.get(pk=hidden.pk).hidden  # and a hidden one stays hidden


@pytest.mark.django_db(transaction=True)
def test_after_release_no_comment_shares_a_transaction_id_with_a_response(
    requires_postgres: None, client: Client, maple_campaign: Campaign
) -> None:
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin): a comment
    written with its response carries the response's. The release rewrites them."""

    def xmins(table: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table}")  # noqa: S608 - fixed names
            return {row[0] for row in cursor.fetchall()}

    for index in range(COMMENTS_MIN_RESPONSES):
        _submit(client, maple_campaign, comment_help=f"help {index}")
    assert xmins("surveys_comment") <= xmins("surveys_response")  # the problem, before release
    Campaign.objects.filter(pk=maple_campaign.pk).update(closes_at=timezone.now())
    rescore.campaign_recompute(campaign_id=maple_campaign.pk)
    assert not xmins("surveys_comment") & xmins("surveys_response")


def test_submitting_a_comment_logs_nothing_of_it(
    client: Client, maple_campaign: Campaign, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        _submit(client, maple_campaign)
    without = [(r.name, r.getMessage()) for r in caplog.records]
    caplog.clear()
    marker = "UNIQUE-MARKER-of-a-comment"
    with caplog.at_level(logging.DEBUG):
        _submit(client, maple_campaign, comment_proud_of=marker, comment_help=marker)
    with_comments = [(r.name, r.getMessage()) for r in caplog.records]
    assert Comment.objects.count() == 2
    assert not any(
        marker in message or "comment" in message.lower() for _, message in with_comments
    )
    # The same lines as a submission without comments: nothing tells the two apart.
    normalise = re.compile(r"\b[0-9a-f]{32}\b|\b\d+\b")
    assert [normalise.sub("#", m) for _, m in with_comments] == [
        normalise.sub("#", m) for _, m in without
    ]


# --- released only when closed, with 10 responses or more ----------------------------------------


def test_before_close_nothing_shows_not_even_a_count(leader_of_maple: Any, maple: District) -> None:
    campaign = campaign_with_comments(maple, responses=12, closed=False)
    comment = a_comment(campaign)
    client = signed_in(leader_of_maple)
    page = client.get(comments_url(campaign)).content.decode()
    assert NOT_CLOSED in page
    assert comment.text not in page
    assert "2 comments" not in page
    assert csv_rows(client.get(comments_csv_url(campaign))) == [["question", "comment"]]
    assert client.get(hide_url(comment)).status_code == 404
    assert client.get(milestone_url(comment)).status_code == 404


@pytest.mark.parametrize(
    ("responses", "shown"), [(COMMENTS_MIN_RESPONSES - 1, False), (COMMENTS_MIN_RESPONSES, True)]
)
def test_after_close_comments_show_only_with_10_responses_or_more(
    leader_of_maple: Any, maple: District, responses: int, shown: bool
) -> None:
    campaign = campaign_with_comments(maple, responses=responses)
    client = signed_in(leader_of_maple)
    page = client.get(comments_url(campaign)).content.decode()
    exported = csv_rows(client.get(comments_csv_url(campaign)))
    texts = [text for _, text in campaign.comments.values_list("kind", "text")]
    for text in texts:
        assert (text in page) is shown
    assert (TOO_FEW_RESPONSES in page) is not shown
    assert len(exported) == (1 + len(texts) if shown else 1)
    if shown:
        assert {row[1] for row in exported[1:]} == set(texts)
        # No role, school, date or id in the export: the question and the words.
        assert exported[0] == ["question", "comment"]


def test_the_comments_page_names_no_role_or_school(leader_of_maple: Any, maple: District) -> None:
    campaign = campaign_with_comments(maple)
    page = signed_in(leader_of_maple).get(comments_url(campaign)).content.decode()
    for word in ("Teacher", "teacher", "Maple Elementary", "Maple High School"):
        assert word not in page.split("<main", 1)[1], word


def test_consultants_do_not_read_comments_and_leaders_find_them_from_the_dashboard(
    leader_of_maple: Any, consultant_for_maple_and_oak: Any, maple: District
) -> None:
    campaign = campaign_with_comments(maple)
    consultant = signed_in(consultant_for_maple_and_oak)
    assert consultant.get(comments_url(campaign)).status_code == 403
    assert consultant.get(comments_csv_url(campaign)).status_code == 403
    assert consultant.get(hide_url(a_comment(campaign))).status_code == 403
    manage = reverse("campaign_manage", kwargs={"slug": maple.slug, "campaign_id": campaign.pk})
    assert comments_url(campaign) not in consultant.get(manage).content.decode()
    assert comments_url(campaign) in signed_in(leader_of_maple).get(manage).content.decode()


def test_comments_come_in_random_order_with_a_fixed_number_of_queries(
    leader_of_maple: Any, maple: District
) -> None:
    campaign = campaign_with_comments(
        maple, comments=[("help", f"help number {i:02d}") for i in range(30)]
    )
    client = signed_in(leader_of_maple)
    orders = set()
    for _ in range(4):
        page = client.get(comments_url(campaign)).content.decode()
        orders.add(tuple(re.findall(r"help number (\d\d)", page)))
    assert len(orders) > 1

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    few = campaign_with_comments(maple, comments=[("help", "one"), ("proud_of", "two")])
    # Session, user, district, membership, campaign, its responses, its comments, the audit row.
    assert queries(comments_url(few)) == queries(comments_url(campaign))
    assert queries(comments_csv_url(few)) == queries(comments_csv_url(campaign))


def test_the_export_keeps_a_formula_as_text(leader_of_maple: Any, maple: District) -> None:
    campaign = campaign_with_comments(maple, comments=[("help", '=HYPERLINK("http://x.test")')])
    rows = csv_rows(signed_in(leader_of_maple).get(comments_csv_url(campaign)))
    assert rows[1][1] == '\'=HYPERLINK("http://x.test")'


# --- hidden for good -----------------------------------------------------------------------------


def test_a_hidden_comment_is_erased_logged_and_gone_for_good(
    leader_of_maple: Any, maple: District
) -> None:
    campaign = campaign_with_comments(maple)
    comment = a_comment(campaign, Comment.Kind.HELP)
    words = comment.text
    client = signed_in(leader_of_maple)

    confirm = client.get(hide_url(comment))
    assert confirm.status_code == 200
    assert words in confirm.content.decode()
    assert not Comment.objects.filter(hidden=True).exists()  # a GET changes nothing
    done = client.post(hide_url(comment), follow=True)
    assert COMMENT_HIDDEN in done.content.decode()

    stored = Comment.objects.get(pk=comment.pk)
    assert stored.hidden
    assert stored.text == ""
    event = AuditEvent.objects.get(action=AuditEvent.Action.HIDE)
    assert (event.user, event.district_slug) == (leader_of_maple, maple.slug)
    assert str(comment.pk) in event.path
    assert words not in event.path

    page = client.get(comments_url(campaign)).content.decode()
    assert words not in page
    assert "1 comment hidden" in page
    assert words not in client.get(comments_csv_url(campaign)).content.decode()
    # Nothing acts on it again: not hiding, not promoting.
    assert client.post(hide_url(comment)).status_code == 404
    assert client.get(milestone_url(comment)).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.HIDE).count() == 1


def test_no_page_api_or_admin_can_show_a_hidden_comment_again(
    leader_of_maple: Any, maple: District
) -> None:
    campaign = campaign_with_comments(maple)
    comment = a_comment(campaign)
    comment_hide(comment=comment, user=leader_of_maple, path="/test/")
    # The only URLs that touch comments: the list, its CSV, hide and make-a-milestone.
    touching = {
        name
        for name, route, _ in iter_named_patterns(get_resolver().url_patterns)
        if "comment" in route or "comment" in name
    }
    assert touching == {
        "campaign_comments",
        "campaign_comments_csv",
        "comment_hide",
        "comment_milestone",
    }
    # Neither the admin nor the API knows comments.
    assert Comment not in admin.site._registry
    # Even a direct write cannot show it without writing new words: its words are gone, and a
    # shown comment must have some.
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(hidden=False)
    # The release's rewrite keeps it hidden too.
    comments_release_shuffle(campaign=campaign)
    assert Comment.objects.get(pk=comment.pk).hidden


# --- a "proud of" comment becomes a milestone ----------------------------------------------------


def test_a_proud_of_comment_becomes_a_milestone(leader_of_maple: Any, maple: District) -> None:
    campaign = campaign_with_comments(maple)
    comment = a_comment(campaign, Comment.Kind.PROUD_OF)
    client = signed_in(leader_of_maple)
    form = client.get(milestone_url(comment)).content.decode()
    assert comment.text in form
    closed_on = timezone.localdate(campaign.closes_at)
    assert f'value="{closed_on:%Y-%m-%d}"' in form

    done = client.post(
        milestone_url(comment),
        {"happened_on": f"{closed_on:%Y-%m-%d}", "text": "Students set their own goals"},
        follow=True,
    )
    assert COMMENT_PROMOTED in done.content.decode()
    milestone = Milestone.objects.get(district=maple)
    assert (milestone.text, milestone.happened_on) == ("Students set their own goals", closed_on)
    assert Comment.objects.get(pk=comment.pk).milestone == milestone
    journey = client.get(reverse("district", args=[maple.slug])).content.decode()
    assert "Students set their own goals" in journey
    # Once: a second post makes no second milestone.
    client.post(milestone_url(comment), {"happened_on": f"{closed_on:%Y-%m-%d}", "text": "Again"})
    assert Milestone.objects.filter(district=maple).count() == 1


def test_a_help_comment_does_not_become_a_milestone(leader_of_maple: Any, maple: District) -> None:
    campaign = campaign_with_comments(maple)
    comment = a_comment(campaign, Comment.Kind.HELP)
    client = signed_in(leader_of_maple)
    response = client.post(
        milestone_url(comment), {"happened_on": "2026-01-05", "text": "Not a milestone"}
    )
    assert response.status_code == 302
    assert not Milestone.objects.exists()


# --- the campaign's setting ----------------------------------------------------------------------


def test_a_leader_chooses_whether_a_new_campaign_asks(
    leader_of_maple: Any, maple: District
) -> None:
    client = signed_in(leader_of_maple)
    new = reverse("campaign_new", kwargs={"slug": maple.slug})
    assert 'name="asks_comments"' in client.get(new).content.decode()
    now = timezone.localtime()
    client.post(
        new,
        {
            "name": "No questions",
            "opens_at": f"{now:%Y-%m-%dT%H:%M}",
            "closes_at": f"{now + dt.timedelta(days=14):%Y-%m-%dT%H:%M}",
        },
    )
    assert Campaign.objects.get(name="No questions").asks_comments is False
    assert campaign_of(maple).asks_comments is True  # the default


def test_comments_of_a_campaign_are_counted_against_its_own_responses(
    leader_of_maple: Any, maple: District
) -> None:
    """Responses of another campaign do not make up the 10."""
    other = campaign_with_comments(maple, responses=20, comments=[])
    thin = campaign_with_comments(maple, responses=5)
    assert Response.objects.filter(campaign=other).count() == 20
    page = signed_in(leader_of_maple).get(comments_url(thin)).content.decode()
    assert TOO_FEW_RESPONSES in page
