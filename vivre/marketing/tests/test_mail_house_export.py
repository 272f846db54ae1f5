"""The mail-house export (P17): names and addresses only, through the disclosure gateway,
to the people who asked for a catalogue or for further mailings by post (P8, P10, P16)."""

from __future__ import annotations

import csv
import io
import threading

import pytest
from django.contrib.auth.models import Group
from django.db import close_old_connections, connection
from django.test import Client
from django.utils import timezone

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing import catalogue
from vivre.marketing.catalogue import postal_key
from vivre.marketing.models import CatalogueRequest
from vivre.privacy.consent import Channel, Purpose, record_consent
from vivre.privacy.datamap import Use
from vivre.privacy.disclosure import REGISTRY, DisclosureRefused, disclose
from vivre.privacy.disclosure import Role as RecipientRole
from vivre.privacy.models import DisclosureRecord
from vivre.privacy.suppression import suppress_key

PAGE = "/staff/marketing/catalogue/"
EXPORT = "/staff/marketing/catalogue/export/"
HEADER = ["name", "address_line_1", "address_line_2", "city", "state", "zip"]


def person(name, line1, *, line2="", city="New York", state="NY", postal_code="10013"):
    return {
        "name": name, "line1": line1, "line2": line2, "city": city, "state": state,
        "postal_code": postal_code,
    }  # fmt: skip


ADA = person("Ada Lovelace", "12 Gay Street", line2="Floor 3")
BOB = person("Bob Marley", "56 Hope Road", city="Kingston", state="NJ", postal_code="08528")
CY = person("Cy Twombly", "1 Gaeta Way", city="Lexington", state="VA", postal_code="24450")
DEE = person("Dee Dee", "2 Pine Street")
EVE = person("Eve Arden", "3 Oak Street", postal_code="10014-1234")
FAY = person("Fay Wray", "4 Elm Street")


def key(values):
    return postal_key(name=values["name"], line1=values["line1"], postal_code=values["postal_code"])


def _staff(username, *roles) -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketer(db):
    return _staff("marketer", Role.MARKETING)


@pytest.fixture
def marketing_client(client, marketer):
    client.force_login(marketer)
    return client


def _fulfilled(values, *, further):
    request = catalogue.request_catalogue(values=values, further_mailings=further)
    CatalogueRequest.objects.filter(pk=request.pk).update(exported_at=timezone.now())
    return request


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="vivre-mailing-list-')
    return list(csv.reader(io.StringIO(response.content.decode())))


def _line(values):
    return [values[f] for f in ("name", "line1", "line2", "city", "state", "postal_code")]


@pytest.fixture
def mailing_list(db):
    """Who asked for what.

    New requests: Ada (no further mailings), Bob (yes), Cy (yes, but suppressed since).
    Earlier, fulfilled requests: Dee (yes), Eve (no), Fay (yes, then opted out by phone).
    """
    for values, further in ((ADA, False), (BOB, True), (CY, True)):
        catalogue.request_catalogue(values=values, further_mailings=further)
    suppress_key(key(CY), "unsubscribed")
    for values, further in ((DEE, True), (EVE, False), (FAY, True)):
        _fulfilled(values, further=further)
    catalogue.opt_out_by_post(
        name=FAY["name"], line1=FAY["line1"], postal_code=FAY["postal_code"], recorded_by="x"
    )
    # Fay's fulfilled request was deleted with the opt-out; keep one to prove the export
    # skips her even if a row survives (e.g. suppression from an erasure).
    _fulfilled(FAY, further=False)
    suppress_key(key(FAY), "erased")


@pytest.mark.promise("P17", "P8", "P16")
def test_export_sends_new_requests_and_the_mailing_list_names_and_addresses_only(
    marketing_client, mailing_list
):
    rows = _rows(marketing_client.post(EXPORT))
    assert rows[0] == HEADER
    people = sorted(rows[1:])
    # New requests are honoured whatever the choice and even if suppressed; of the
    # earlier requesters only Dee still wants mailings by post.
    assert people == sorted(_line(v) for v in (ADA, BOB, CY, DEE))
    assert all(len(row) == 6 for row in rows)
    assert "@" not in marketing_client.post(EXPORT).content.decode()


@pytest.mark.promise("P17")
def test_the_new_requests_are_marked_exported_and_not_sent_again(marketing_client, mailing_list):
    before = timezone.now()
    _rows(marketing_client.post(EXPORT))
    assert not CatalogueRequest.objects.filter(exported_at__isnull=True).exists()
    assert CatalogueRequest.objects.filter(exported_at__gte=before).count() == 3
    # The next export: only the mailing list (Bob now, and Dee), no unticked requester.
    again = sorted(_rows(marketing_client.post(EXPORT))[1:])
    assert again == sorted(_line(v) for v in (BOB, DEE))


@pytest.mark.promise("P17", "P1")
def test_every_exported_person_gets_a_disclosure_record_with_no_values(
    marketing_client, mailing_list
):
    response = marketing_client.post(EXPORT)
    rows = _rows(response)
    records = list(DisclosureRecord.objects.filter(recipient="mail_house"))
    assert len(records) == len(rows) - 1 == 4
    assert {r.subject_key for r in records} == {key(v) for v in (ADA, BOB, CY, DEE)}
    for record in records:
        assert record.basis == DisclosureRecord.Basis.PROCESSOR
        assert record.purpose == Use.MARKETING_POSTAL
        assert record.reference.startswith("catalogue export ")
        assert set(record.fields) <= {"name", "line1", "line2", "city", "state", "postal_code"}
        assert {"name", "line1", "city", "state", "postal_code"} <= set(record.fields)
        text = repr([record.subject_key, record.fields, record.categories, record.reference])
        for values in (ADA, BOB, CY, DEE):
            assert values["name"] not in text and values["line1"] not in text


@pytest.mark.promise("P17")
def test_the_mail_house_is_registered_for_name_and_address_only():
    entry = REGISTRY["mail_house"]
    assert entry.role == RecipientRole.MAIL_HOUSE
    assert set(entry.fields) == {"name", "line1", "line2", "city", "state", "postal_code"}
    assert entry.purposes == {Use.MARKETING_POSTAL}
    assert entry.bases == {DisclosureRecord.Basis.PROCESSOR}


@pytest.mark.django_db
@pytest.mark.promise("P17", "P1")
@pytest.mark.parametrize(
    "extra",
    [{"email": "ada@example.com"}, {"phone": "+12125550148"}, {"address": {"line1": "x"}}],
)
def test_the_gateway_refuses_any_other_field_for_the_mail_house(extra):
    payload = {**ADA, **extra}
    with pytest.raises(DisclosureRefused) as refused:
        disclose(
            recipient="mail_house", payload=payload, subject_key=key(ADA),
            purpose=Use.MARKETING_POSTAL, basis="processor", reference="catalogue export test",
        )  # fmt: skip
    assert refused.value.fields and all(f.split(".")[0] in extra for f in refused.value.fields)
    assert not DisclosureRecord.objects.exists()


@pytest.mark.django_db
@pytest.mark.promise("P17")
def test_the_gateway_refuses_the_mail_house_for_other_purposes_and_bases():
    for purpose, basis in ((Use.MARKETING_EMAIL, "processor"), (Use.MARKETING_POSTAL, "consent")):
        with pytest.raises(DisclosureRefused):
            disclose(
                recipient="mail_house", payload=ADA, subject_key=key(ADA), purpose=purpose,
                basis=basis,
            )  # fmt: skip
    assert not DisclosureRecord.objects.exists()


@pytest.mark.promise("P17")
def test_a_refused_row_stops_the_whole_export(marketing_client, mailing_list, monkeypatch):
    real_payload = catalogue._payload

    def leaky(request):
        return {**real_payload(request), "email": "leak@example.com"}

    monkeypatch.setattr(catalogue, "_payload", leaky)
    with pytest.raises(DisclosureRefused):
        catalogue.export_for_mail_house()
    assert not DisclosureRecord.objects.exists()
    assert CatalogueRequest.objects.filter(exported_at__isnull=True).count() == 3


@pytest.mark.promise("P10", "P16")
def test_a_new_request_from_someone_on_the_list_is_sent_once(marketing_client, db):
    _fulfilled(DEE, further=True)
    catalogue.request_catalogue(values=DEE, further_mailings=True)
    rows = _rows(marketing_client.post(EXPORT))
    assert rows[1:] == [_line(DEE)]
    assert DisclosureRecord.objects.count() == 1


@pytest.mark.promise("P16")
def test_a_later_no_takes_an_earlier_requester_off_the_list(marketing_client, db):
    _fulfilled(DEE, further=True)
    record_consent(
        subject_key=key(DEE), purpose=Purpose.VIVRE_MAILINGS, granted=False,
        channel=Channel.EMAIL, recorded_by="care@vivre.example",
    )  # fmt: skip
    response = marketing_client.post(EXPORT, follow=True)
    assert response.status_code == 200
    assert "Nobody to send" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


def test_spreadsheet_formulas_are_defused_in_the_file(marketing_client, db):
    catalogue.request_catalogue(
        values=person('=HYPERLINK("http://evil")', "+1 Main St", city="@City"),
        further_mailings=False,
    )
    rows = _rows(marketing_client.post(EXPORT))
    assert rows[1][0] == '\'=HYPERLINK("http://evil")'
    assert rows[1][1] == "'+1 Main St" and rows[1][3] == "'@City"


# --- the staff page -----------------------------------------------------------------


def test_the_page_shows_counts_only(marketing_client, mailing_list):
    response = marketing_client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    counts = response.context["counts"]
    assert counts.waiting == 3  # Ada, Bob, Cy
    assert counts.on_list == 2  # Bob and Dee (Cy and Fay are suppressed)
    assert "Export the mailing list for the mail house" in html
    for values in (ADA, BOB, CY, DEE, EVE, FAY):
        assert values["name"] not in html and values["line1"] not in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_staff_only(client):
    for url, method in ((PAGE, client.get), (EXPORT, client.post)):
        response = method(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.force_login(_staff("carer", Role.CARE))
    assert client.get(PAGE).status_code == 403
    catalogue.request_catalogue(values=ADA, further_mailings=False)
    assert client.post(EXPORT).status_code == 403
    assert not DisclosureRecord.objects.exists()
    assert CatalogueRequest.objects.get().exported_at is None


def test_the_export_is_a_post_with_its_csrf_token(marketer, mailing_list):
    client = Client(enforce_csrf_checks=True)
    client.force_login(marketer)
    assert client.get(EXPORT).status_code == 405
    response = client.post(EXPORT)
    assert response.status_code == 403
    assert "That page is not open to you" in response.content.decode()
    assert not DisclosureRecord.objects.exists()


# --- two staff exporting at once (PostgreSQL) -----------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_exports_at_once_send_each_new_request_once():
    for i in range(30):
        values = person(f"Person {i}", f"{i} Main St")
        catalogue.request_catalogue(values=values, further_mailings=False)
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(len(catalogue.export_for_mail_house().rows))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 30]
    assert DisclosureRecord.objects.count() == 30
