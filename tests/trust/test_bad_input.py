"""Bad input everywhere: random forms, JSON bodies and CSV files at every door that writes.

Each test posts what hypothesis makes up (valid-looking values mixed with junk: wrong types,
unknown codes, NUL characters, huge numbers, bytes that are not UTF-8, broken CSV quoting) and
holds the app to two rules: never a server error, and never a partial write. A request that is
refused leaves every row count as it was (and a changed row as it was); an accepted one adds
exactly the rows it says it did, each of them valid.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import string
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from districts.models import District, Milestone, School
from onpoint.method.structure import ANSWER_MAX, ANSWER_MIN, ROLES
from surveys import instrument_v1
from surveys.models import Campaign, Response
from tests.factories import MembershipFactory, UserFactory
from tests.onpoint.builders import campaign_of

CODES = tuple(instrument_v1.ITEM_CODES)
SCHOOL = "Maple Elementary"
FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- values: mostly plausible, often wrong --------------------------------------------------------

nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", " ", "\x00", "a\x00b", "' OR 1=1 --", "<script>x</script>", "=cmd|' /C calc'!A0",
         "9" * 40, "-1", "²", "٣", "1e309", "NaN", "\u202e", "\ud7ff", "é" * 300]
    ),
)  # fmt: skip
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    nasty_text,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
answer_value = st.one_of(st.integers(ANSWER_MIN - 2, ANSWER_MAX + 2), json_value)
answer_sheet = st.fixed_dictionaries(
    {code: st.one_of(st.integers(ANSWER_MIN, ANSWER_MAX), st.none()) for code in CODES}
)
datetime_text = st.one_of(
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.isoformat()),
    nasty_text,
    json_value,
)


@st.composite
def near_valid(
    draw: st.DrawFn,
    valid: dict[str, st.SearchStrategy[Any]],
    junk: dict[str, st.SearchStrategy[Any]],
) -> dict[str, Any]:
    """A valid body with up to two fields dropped or replaced by junk (or a stray one added):
    junk that gets past the first check reaches the code behind it."""
    body = {name: draw(strategy) for name, strategy in valid.items()}
    names = sorted({*valid, *junk, "stray"})
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)):
        if name in body and draw(st.booleans()):
            del body[name]
        else:
            body[name] = draw(junk.get(name, json_value))
    return body


def bodies(
    valid: dict[str, st.SearchStrategy[Any]], junk: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[Any]:
    """Three times in four a near-valid object, else any JSON value at all."""
    near = near_valid(valid, junk)
    return st.one_of(near, near, near, json_value)


survey_body = bodies(
    {
        "role": st.sampled_from(ROLES),
        "school": st.sampled_from([SCHOOL, None]),
        "answers": answer_sheet,
        "submission_id": st.uuids().map(str),
    },
    {
        "role": st.one_of(nasty_text, json_value),
        "school": st.one_of(nasty_text, json_value),
        "answers": st.one_of(
            json_value,
            st.dictionaries(
                st.one_of(st.sampled_from(CODES), st.text(max_size=12)), answer_value, max_size=30
            ),
        ),
        "submission_id": st.one_of(nasty_text, json_value),
    },
)


def encoded(body: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[bytes, str]]:
    """A JSON body as bytes (mostly), or bytes that are not JSON, under a content type."""
    as_json = body.map(lambda value: json.dumps(value).encode())
    broken = st.one_of(
        st.binary(max_size=64),
        body.map(lambda value: json.dumps(value).encode()[:-1]),
        st.just(b'{"role": NaN}'),
        st.just(b"\xff\xfe{}"),
    )
    content_type = st.sampled_from(
        [*["application/json"] * 6, "application/json; charset=utf-8", "text/plain", "text/xml"]
    )
    return st.tuples(st.one_of(as_json, as_json, as_json, broken), content_type)


# --- the rules ---------------------------------------------------------------------------------


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Response, Campaign, District, School, Milestone)
    }


def check(
    name: str,
    send: Callable[[], Any],
    *,
    accepted: dict[int, Callable[[dict[str, int], dict[str, int], Any], None]],
) -> Any:
    """Send one request: no 5xx; on a status in `accepted` its own check of the counts; on any
    other, every count unchanged."""
    before = row_counts()
    response = send()
    after = row_counts()
    assert response.status_code < 500, (name, response.status_code, response.content[:300])
    event(f"{name}: {response.status_code}")
    if response.status_code in accepted:
        accepted[response.status_code](before, after, response)
    else:
        assert after == before, (name, response.status_code, response.content[:300])
    return response


def one_more_response(before: dict[str, int], after: dict[str, int], _: Any) -> None:
    assert after == {**before, "Response": before["Response"] + 1}
    stored = Response.objects.order_by("-id").first()
    assert stored is not None
    assert stored.role in ROLES
    # Every answer on the scale or none; a sheet with no answer at all is a response too
    # (method section 8, r6), as the API and the import take it.
    answers = stored.answers_by_code()
    assert set(answers) == set(CODES)
    values = [value for value in answers.values() if value is not None]
    assert all(ANSWER_MIN <= value <= ANSWER_MAX for value in values)


def nothing_new(before: dict[str, int], after: dict[str, int], _: Any) -> None:
    assert after == before


@pytest.fixture
def survey(maple: Any, settings: Any) -> Campaign:
    # The fuzz posts hundreds of times from one address: the limit has its own tests.
    settings.SURVEY_SUBMIT_RATE = "100000/hour"
    return campaign_of(maple, name="Maple fuzz survey")


@pytest.fixture
def consultant(maple: Any) -> Any:
    user: Any = UserFactory(username="fuzz.consultant", is_staff=True)
    MembershipFactory(user=user, district=maple, kind="consultant")
    return user


# --- the survey: JSON API and the page's form --------------------------------------------


@pytest.mark.django_db
@FUZZ
@given(sent=encoded(survey_body), token_junk=st.one_of(st.none(), st.none(), st.none(), nasty_text))
def test_random_json_to_the_survey_api_never_errs_or_writes_half(
    survey: Campaign, sent: tuple[bytes, str], token_junk: str | None
) -> None:
    body, content_type = sent
    token = survey.token if token_junk is None else token_junk
    url = f"/api/v1/surveys/{token}/responses/"
    if token_junk is not None:
        url = f"/api/v1/surveys/{uuid_quote(token_junk)}/responses/"
    check(
        "survey API",
        lambda: Client().post(url, body, content_type=content_type),
        accepted={201: one_more_response, 200: nothing_new},
    )


def uuid_quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="") or "x"


form_value = st.one_of(nasty_text, st.integers(-3, 8).map(str))
# "{school}" stands for the id of one of Maple's schools (the form's select sends ids).
survey_form = near_valid(
    {
        "role": st.sampled_from(ROLES),
        "school": st.sampled_from(["", "{school}"]),
        "submission_id": st.uuids().map(str),
        "action": st.sampled_from(["submit", "submit", "review", "edit"]),
        **{code: st.sampled_from(["1", "2", "3", "4", "5", ""]) for code in CODES},
    },
    {
        "role": nasty_text,
        "school": st.one_of(st.integers(-1, 10**12).map(str), nasty_text),
        "submission_id": nasty_text,
        "action": nasty_text,
        "lang": st.sampled_from(["en", "es", "fr", "\x00"]),
        "unknown_item": form_value,
        "stray": form_value,
        **{code: form_value for code in CODES},
    },
)


@pytest.mark.django_db
@FUZZ
@given(form=survey_form)
def test_random_survey_forms_never_err_or_write_half(
    survey: Campaign, form: dict[str, str]
) -> None:
    school = str(survey.district.schools.get(name=SCHOOL).pk)
    form = {name: value.replace("{school}", school) for name, value in form.items()}
    url = f"/s/{survey.token}/"
    check(
        "survey page",
        lambda: Client().post(url, form),
        accepted={303: one_more_response_or_replay},
    )


def one_more_response_or_replay(before: dict[str, int], after: dict[str, int], _: Any) -> None:
    if after != before:
        one_more_response(before, after, _)


# --- addresses: junk in every path parameter and query string ---------------------------------

ADDRESSES = (
    "/api/v1/districts/{x}/",
    "/api/v1/districts/{x}/schools/",
    "/api/v1/campaigns/?district={x}",
    "/api/v1/campaigns/{x}/",
    "/api/v1/benchmarks/?version={x}",
    "/api/v1/instruments/current/?lang={x}",
    "/s/{x}/",
    "/s/{x}/thanks/",
    "/s/{token}/?lang={x}",
    "/districts/{x}/",
    "/districts/maple-valley/campaigns/?page={x}",
    "/compare/?pick={x}&pick=maple-valley",
    "/compare/?state={x}&sort={x}&order={x}&page={x}",
    "/benchmarks/?version={x}",
)


@pytest.mark.django_db
@FUZZ
@given(address=st.sampled_from(ADDRESSES), junk=nasty_text)
def test_junk_in_any_address_is_never_a_server_error(
    survey: Campaign, consultant: Any, address: str, junk: str
) -> None:
    from urllib.parse import quote

    reader = Client()
    reader.force_login(consultant)
    url = address.format(x=quote(junk, safe="") or "-", token=survey.token)
    check("address", lambda: reader.get(url), accepted={})


# --- the leaders' and consultants' API -------------------------------------------------------


def days_from_now(days: int) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(days=days)).isoformat()


campaign_body = bodies(
    {
        "district": st.just("maple-valley"),
        "name": st.text(min_size=1, max_size=60),
        "opens_at": st.integers(-30, 30).map(days_from_now),
        "closes_at": st.integers(31, 90).map(days_from_now),
        "expected_responses": st.integers(1, 500),
        "exclude_from_benchmarks": st.booleans(),
    },
    {
        "district": st.one_of(st.just("oak-ridge"), nasty_text, json_value),
        "name": st.one_of(nasty_text, json_value),
        "opens_at": datetime_text,
        "closes_at": datetime_text,
        "expected_responses": st.one_of(st.integers(-(2**70), 2**70), json_value),
        "exclude_from_benchmarks": json_value,
    },
)
campaign_patch = bodies(
    {
        "name": st.text(min_size=1, max_size=60),
        "closes_at": st.integers(1, 90).map(days_from_now),
        "expected_responses": st.integers(1, 500),
    },
    {
        "name": st.one_of(nasty_text, json_value),
        "opens_at": datetime_text,
        "closes_at": datetime_text,
        "expected_responses": st.one_of(st.integers(-(2**70), 2**70), json_value),
        "district": st.one_of(st.just("oak-ridge"), nasty_text),
    },
)
district_body = bodies(
    {
        "name": st.text(min_size=1, max_size=60),
        "slug": st.text(alphabet=string.ascii_lowercase + string.digits + "-", min_size=1),
        "state": st.sampled_from(["OR", "TN", "WI"]),
        "launch_date": st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)).map(str),
    },
    {
        "name": nasty_text,
        "slug": st.one_of(nasty_text, json_value),
        "state": st.one_of(st.just("ZZ"), nasty_text),
        "launch_date": st.one_of(nasty_text, json_value),
    },
)
school_body = bodies(
    {"name": st.text(min_size=1, max_size=60)}, {"name": st.one_of(nasty_text, json_value)}
)


def one_more(model: str) -> Callable[[dict[str, int], dict[str, int], Any], None]:
    def created(before: dict[str, int], after: dict[str, int], _: Any) -> None:
        assert after == {**before, model: before[model] + 1}

    return created


@pytest.mark.django_db
@FUZZ
@given(
    sent=st.one_of(
        st.tuples(st.just("campaign"), encoded(campaign_body)),
        st.tuples(st.just("patch"), encoded(campaign_patch)),
        st.tuples(st.just("district"), encoded(district_body)),
        st.tuples(st.just("school"), encoded(school_body)),
    )
)
def test_random_json_to_the_writing_api_never_errs_or_writes_half(
    survey: Campaign, consultant: Any, oak: Any, sent: tuple[str, tuple[bytes, str]]
) -> None:
    what, (body, content_type) = sent
    api = Client()
    api.force_login(consultant)
    if what == "patch":
        before = model_to_dict(Campaign.objects.get(pk=survey.pk))
        response = check(
            "campaign PATCH",
            lambda: api.patch(f"/api/v1/campaigns/{survey.pk}/", body, content_type=content_type),
            accepted={200: nothing_new},
        )
        if response.status_code != 200:
            assert model_to_dict(Campaign.objects.get(pk=survey.pk)) == before
        return
    url, model = {
        "campaign": ("/api/v1/campaigns/", "Campaign"),
        "district": ("/api/v1/districts/", "District"),
        "school": (f"/api/v1/districts/{survey.district.slug}/schools/", "School"),
    }[what]
    check(
        f"{what} POST",
        lambda: api.post(url, body, content_type=content_type),
        accepted={201: one_more(model)},
    )


# --- the import: the API's two ways and the management command --------------------------

valid_cell = st.sampled_from(["1", "2", "3", "4", "5", ""])
junk_cell = st.one_of(
    st.sampled_from(["0", "6", "4.0", " 3 ", "x", '"', '"unclosed', "a,b", "\x00", "=1+1", "²"]),
    st.text(max_size=6),
)
valid_role = st.sampled_from([*ROLES, "Teacher", " coach "])
valid_school = st.sampled_from([SCHOOL, "", "maple elementary"])
HEADER = ["role", "school", *CODES]


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:  # noqa: C901 - one draw per kind of mutation
    """A file of valid rows (role, school, 27 answers), then up to three mutations: a junk
    cell, a short row, a broken header, a blank or garbage line; sometimes not CSV at all."""
    header = list(HEADER)
    if draw(st.integers(0, 4)) == 0:
        header = draw(st.permutations(HEADER).map(list))
    rows = [
        [
            draw(valid_role) if name == "role" else draw(valid_school) if name == "school" else
            draw(valid_cell)
            for name in header
        ]
        for _ in range(draw(st.integers(0, 6)))
    ]  # fmt: skip
    for mutation in draw(st.lists(st.integers(0, 5), max_size=3)):
        full = [row for row in rows if row]
        if mutation == 0 and full:
            row = draw(st.sampled_from(full))
            row[draw(st.integers(0, len(row) - 1))] = draw(junk_cell)
        elif mutation == 1 and full:
            row = draw(st.sampled_from(full))
            del row[draw(st.integers(0, len(row) - 1)) :]
        elif mutation == 2:
            header = draw(st.lists(st.sampled_from([*HEADER, "extra", ""]), max_size=32))
        elif mutation == 3:
            rows.append([])
        elif mutation == 4:
            rows.append([draw(st.text(max_size=20))])
        elif mutation == 5 and full:
            row = draw(st.sampled_from(full))
            row[0] = draw(nasty_text)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.text(alphabet=string.printable + '\x00é"', max_size=200))
    data = text.encode()
    mangle = draw(st.integers(0, 9))
    if mangle == 0:
        data = b"\xef\xbb\xbf" + data  # a byte order mark, as Excel writes
    elif mangle == 1:
        data = data.replace(b"e", b"\xe9")  # Latin-1, not UTF-8
    return data


def data_rows(data: bytes) -> int:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    return sum(1 for row in rows[1:] if any(cell.strip() for cell in row))


def rows_of_the_file(data: bytes) -> Callable[[dict[str, int], dict[str, int], Any], None]:
    def created(before: dict[str, int], after: dict[str, int], response: Any) -> None:
        created = response.json()["created"]
        assert created == data_rows(data)
        assert after == {**before, "Response": before["Response"] + created}

    return created


@pytest.mark.django_db
@FUZZ
@given(data=csv_files(), as_multipart=st.booleans())
def test_random_csv_files_to_the_import_api_never_err_or_write_half(
    survey: Campaign, consultant: Any, data: bytes, as_multipart: bool
) -> None:
    api = Client()
    api.force_login(consultant)
    url = f"/api/v1/campaigns/{survey.pk}/responses/import/"
    if as_multipart:
        upload = io.BytesIO(data)
        upload.name = "responses.csv"
        send = lambda: api.post(url, {"file": upload})  # noqa: E731
    else:
        send = lambda: api.post(url, data, content_type="text/csv")  # noqa: E731
    check("import API", send, accepted={201: rows_of_the_file(data)})


@pytest.mark.django_db
@settings(FUZZ, max_examples=30)
@given(data=csv_files())
def test_random_csv_files_to_the_import_command_never_err_or_write_half(
    survey: Campaign, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / f"{uuid.uuid4()}.csv"
    path.write_bytes(data)
    before = row_counts()
    refusal = ""
    try:
        call_command("import_responses", str(path), campaign=survey.pk, stdout=io.StringIO())
    except CommandError as error:
        refusal = str(error) or "a refusal that does not say why"
    event("import command: " + ("refused" if refusal else "imported"))
    if refusal:
        assert row_counts() == before, refusal
    else:
        assert row_counts() == {**before, "Response": before["Response"] + data_rows(data)}
