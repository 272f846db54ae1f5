"""The print catalogue request (P8), its choice about further mailings (P22), postal
opt-outs (P16, P23) and the retention of requests."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.marketing import catalogue
from vivre.marketing.catalogue import forget_old_catalogue_requests, postal_key
from vivre.marketing.models import CatalogueRequest
from vivre.privacy.datamap import declared_fields
from vivre.privacy.models import ConsentRecord
from vivre.privacy.suppression import is_key_suppressed, is_suppressed, suppress_key
from vivre.privacy.testing import dump_database

URL = "/catalogue/"
ADA = {
    "name": "Ada Lovelace",
    "line1": "12 Gay Street",
    "line2": "Floor 3",
    "city": "New York",
    "state": "NY",
    "postal_code": "10013",
}
ADDRESS_FIELDS = {"name", "line1", "line2", "city", "state", "postal_code"}
# Things a careless form might also collect; none may ever be stored.
EXTRAS = {
    "email": "ada.extra@example.com",
    "phone": "+12125550148",
    "income": "EXTRA-INCOME-200k_plus",
    "age": "EXTRA-AGE-35_44",
    "exported_at": "2001-01-01T00:00:00Z",
}


def _ada_key(**changes):
    values = {**ADA, **changes}
    return postal_key(name=values["name"], line1=values["line1"], postal_code=values["postal_code"])


def _staff(username, *roles, email="") -> User:
    user = User.objects.create_user(username, password="pw-for-tests", is_staff=True)
    if email:
        user.email = email
        user.save(update_fields=["email"])
    for role in roles:
        user.groups.add(Group.objects.get(name=role))
    return user


# --- the form ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.promise("P8", "P22")
def test_form_asks_for_name_and_address_and_an_unticked_choice(client):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Request our print catalogue" in html
    form = response.context["form"]
    assert set(form.fields) == ADDRESS_FIELDS | {"further_mailings"}
    for name in ("name", "line1", "line2", "city", "postal_code"):
        assert form.fields[name].max_length
    assert "Send me future catalogues and mailings from Vivre by post" in html
    (checkbox,) = re.findall(r'<input[^>]*name="further_mailings"[^>]*>', html)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    # Says what the data is for, and links the privacy policy.
    assert "use them to send you this catalogue" in html
    assert "only if you tick the box" in html
    assert 'href="/service/privacy-policy/"' in html
    assert 'name="email"' not in html and 'name="phone"' not in html


@pytest.mark.django_db
@pytest.mark.promise("P8")
def test_a_request_stores_name_and_address_only_whatever_else_is_posted(client):
    response = client.post(URL, {**ADA, **EXTRAS, "further_mailings": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("catalogue:thanks")
    request = CatalogueRequest.objects.get()
    assert {f: getattr(request, f) for f in ADDRESS_FIELDS} == ADA
    assert request.exported_at is None  # a posted "exported_at" is not a field
    dump = dump_database()
    for value in EXTRAS.values():
        leaks = [table for table, text in dump.items() if value in text]
        assert leaks == [], f"{value!r} was stored in {leaks}"
    assert "Ada Lovelace" in dump["marketing_cataloguerequest"]


@pytest.mark.promise("P8")
def test_catalogue_request_holds_only_declared_name_and_address_fields():
    concrete = {f.name for f in CatalogueRequest._meta.concrete_fields}
    bookkeeping = {"id", "created_at", "exported_at"}
    assert concrete == ADDRESS_FIELDS | bookkeeping
    declared = {entry.field for entry in declared_fields(CatalogueRequest)}
    assert declared == ADDRESS_FIELDS
    assert set(CatalogueRequest.PersonalData.not_personal) == bookkeeping


@pytest.mark.django_db
def test_thank_you_page(client):
    response = client.post(URL, ADA, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "your catalogue is on its way" in html
    assert "Ada" not in html  # nothing of the request is shown back


@pytest.mark.django_db
@pytest.mark.promise("P22")
@pytest.mark.parametrize("ticked", [True, False])
def test_the_choice_is_written_to_the_consent_ledger_either_way(client, ticked):
    data = {**ADA, "further_mailings": "on"} if ticked else ADA
    assert client.post(URL, data).status_code == 302
    record = ConsentRecord.objects.get()
    assert record.subject_key == _ada_key() and record.subject_key.startswith("postal:")
    assert record.purpose == ConsentRecord.Purpose.VIVRE_MAILINGS
    assert record.channel == ConsentRecord.Channel.CATALOGUE_REQUEST
    assert record.granted is ticked
    assert record.recorded_by == "self"
    assert catalogue.may_mail_by_post(_ada_key()) is ticked
    # The ledger holds the keyed hash, never the address.
    assert "Gay Street" not in dump_database()["privacy_consentrecord"]


def test_postal_key_is_a_keyed_hash_that_ignores_case_punctuation_and_zip4():
    key = postal_key(name="Ada Lovelace", line1="11 Mercer St.", postal_code="10013")
    assert key.startswith("postal:") and len(key) <= 100
    assert "Mercer" not in key and "10013" not in key
    assert key == postal_key(name=" ada  LOVELACE ", line1="11 mercer st", postal_code="10013-1234")
    assert key != postal_key(name="Ada Byron", line1="11 Mercer St.", postal_code="10013")
    assert key != postal_key(name="Ada Lovelace", line1="12 Mercer St.", postal_code="10013")
    assert key != postal_key(name="Ada Lovelace", line1="11 Mercer St.", postal_code="10014")


# --- bad input ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postal_code": "1001"}, "postal_code"),
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"state": ""}, "state"),
        ({"state": "ZZ"}, "state"),
        ({"name": ""}, "name"),
        ({"line1": ""}, "line1"),
        ({"city": ""}, "city"),
        ({"name": "A" * 101}, "name"),
        ({"line1": "1" * 101}, "line1"),
        ({"line2": "x" * 101}, "line2"),
        ({"city": "c" * 61}, "city"),
        ({"postal_code": "1" * 11}, "postal_code"),
        ({"name": "Ada\x00Lovelace"}, "name"),
    ],
)
def test_bad_input_is_a_field_error_and_stores_nothing(client, changes, field):
    response = client.post(URL, {**ADA, **changes, "further_mailings": "on"})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert 'class="form-errors"' in response.content.decode()
    assert not CatalogueRequest.objects.exists() and not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_zip_plus_four_is_normalized(client):
    assert client.post(URL, {**ADA, "postal_code": "100131234"}).status_code == 302
    assert CatalogueRequest.objects.get().postal_code == "10013-1234"


@pytest.mark.django_db
def test_markup_is_shown_escaped(client):
    markup = '<script>alert("x")</script>'
    response = client.post(URL, {**ADA, "name": markup, "postal_code": "bad"})
    html = response.content.decode()
    assert response.status_code == 400
    assert markup not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
def test_markup_is_stored_as_text(client):
    markup = "<b>Ada</b> & co"
    assert client.post(URL, {**ADA, "name": markup}).status_code == 302
    assert CatalogueRequest.objects.get().name == markup


@pytest.mark.django_db
def test_the_form_needs_its_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = client.post(URL, ADA)
    assert response.status_code == 403
    assert "That page is not open to you" in response.content.decode()
    assert not CatalogueRequest.objects.exists()


@pytest.mark.django_db
def test_other_methods_are_refused(client):
    assert client.put(URL, ADA).status_code == 405
    assert not CatalogueRequest.objects.exists()


@pytest.mark.django_db
def test_requests_are_throttled_per_ip(client):
    for i in range(20):
        data = {**ADA, "name": f"Person {i}"}
        assert client.post(URL, data, REMOTE_ADDR="192.0.2.7").status_code == 302
    response = client.post(URL, {**ADA, "name": "One too many"}, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 429
    assert "great many catalogue requests" in response.content.decode()
    assert CatalogueRequest.objects.count() == 20
    # Another connection is not held up.
    assert client.post(URL, ADA, REMOTE_ADDR="198.51.100.9").status_code == 302
    # The throttle keeps no IP in clear.
    assert "192.0.2.7" not in dump_database()["core_throttledattempt"]


# --- suppression and opt-outs by post -----------------------------------------------


@pytest.mark.django_db
@pytest.mark.promise("P16")
def test_postal_keys_can_be_suppressed_beside_email_addresses():
    key = _ada_key()
    assert not is_key_suppressed(key)
    suppress_key(key, "unsubscribed")
    assert is_key_suppressed(key)
    assert not is_suppressed("ada@example.com")
    with pytest.raises(ValueError):
        suppress_key("", "unsubscribed")
    with pytest.raises(ValueError):
        suppress_key(key, "bored")


@pytest.mark.django_db
@pytest.mark.promise("P16", "P22")
def test_a_yes_is_overridden_by_suppression_until_a_newer_yes():
    catalogue.request_catalogue(values=ADA, further_mailings=True)
    assert catalogue.may_mail_by_post(_ada_key())
    suppress_key(_ada_key(), "erased")
    assert not catalogue.may_mail_by_post(_ada_key())
    # Asking again, and ticking the box again, is a fresh opt-in.
    catalogue.request_catalogue(values=ADA, further_mailings=True)
    assert catalogue.may_mail_by_post(_ada_key())
    # A later request left unticked is the current choice: no.
    catalogue.request_catalogue(values=ADA, further_mailings=False)
    assert not catalogue.may_mail_by_post(_ada_key())


OPT_OUT = "/staff/marketing/catalogue/opt-out/"


@pytest.mark.django_db
@pytest.mark.promise("P16", "P23")
@pytest.mark.parametrize("role", [Role.CARE, Role.MARKETING])
def test_staff_opt_an_address_out_of_mailings_by_post(client, role):
    catalogue.request_catalogue(values=ADA, further_mailings=True)
    CatalogueRequest.objects.update(exported_at=timezone.now())
    staff = _staff("taker", role, email="taker@vivre.example")
    client.force_login(staff)
    page = client.get(OPT_OUT)
    assert page.status_code == 200
    assert "Opt this address out of mailings by post" in page.content.decode()
    # Typed from a letter: different case and punctuation still find the person.
    typed = {**ADA, "name": "ADA LOVELACE", "line1": "12 Gay Street.", "line2": ""}
    response = client.post(OPT_OUT, typed, follow=True)
    assert response.status_code == 200
    assert "no further mailings by post" in response.content.decode()
    record = ConsentRecord.objects.order_by("-id").first()
    assert record.subject_key == _ada_key()
    assert record.granted is False
    assert record.channel == ConsentRecord.Channel.PHONE
    assert record.recorded_by == "taker@vivre.example"
    assert is_key_suppressed(_ada_key())
    assert not catalogue.may_mail_by_post(_ada_key())
    # The fulfilled request was kept only for further mailings: it is gone.
    assert not CatalogueRequest.objects.exists()


@pytest.mark.django_db
@pytest.mark.promise("P8")
def test_an_opt_out_still_honours_the_catalogue_asked_for(client):
    catalogue.request_catalogue(values=ADA, further_mailings=True)
    client.force_login(_staff("carer", Role.CARE))
    assert client.post(OPT_OUT, ADA).status_code == 302
    assert CatalogueRequest.objects.filter(exported_at__isnull=True).count() == 1


@pytest.mark.django_db
def test_opt_out_page_is_for_care_and_marketing_staff_only(client):
    assert client.get(OPT_OUT)["Location"].startswith("/admin/login/")
    client.force_login(_staff("packer", Role.FULFILMENT))
    assert client.get(OPT_OUT).status_code == 403
    assert client.post(OPT_OUT, ADA).status_code == 403
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_opt_out_form_rejects_bad_input_and_needs_csrf():
    staff = _staff("marketer", Role.MARKETING)
    client = Client()
    client.force_login(staff)
    response = client.post(OPT_OUT, {**ADA, "postal_code": "nope", "name": "<i>x</i>"})
    assert response.status_code == 400
    assert "&lt;i&gt;x&lt;/i&gt;" in response.content.decode()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff)
    assert strict.post(OPT_OUT, ADA).status_code == 403
    assert not ConsentRecord.objects.exists()


# --- retention ----------------------------------------------------------------------


def _exported(values, *, further: bool, days_ago: int):
    request = catalogue.request_catalogue(values=values, further_mailings=further)
    when = timezone.now() - timedelta(days=days_ago)
    CatalogueRequest.objects.filter(pk=request.pk).update(exported_at=when, created_at=when)
    return request


@pytest.mark.django_db
@pytest.mark.promise("P8")
def test_old_fulfilled_requests_are_forgotten_unless_still_on_the_mailing_list(settings):
    settings.VIVRE = {**settings.VIVRE, "CATALOGUE_REQUEST_RETENTION_DAYS": 400}
    bob = {**ADA, "name": "Bob Marley", "line1": "56 Hope Road"}
    cy = {**ADA, "name": "Cy Twombly", "line1": "1 Gaeta Way"}
    dee = {**ADA, "name": "Dee Dee", "line1": "2 Pine Street"}
    eve = {**ADA, "name": "Eve Arden", "line1": "3 Oak Street"}
    old_no = _exported(ADA, further=False, days_ago=500)  # gone: no further mailings
    old_yes = _exported(bob, further=True, days_ago=500)  # kept: still on the list
    old_yes_then_out = _exported(cy, further=True, days_ago=500)  # gone: suppressed since
    suppress_key(postal_key(name=cy["name"], line1=cy["line1"], postal_code="10013"), "erased")
    recent_no = _exported(dee, further=False, days_ago=30)  # kept: within retention
    waiting = catalogue.request_catalogue(values=eve, further_mailings=False)  # kept: not sent
    # Bob asked twice: only his newest request keeps the address.
    older_bob = _exported(bob, further=True, days_ago=800)
    CatalogueRequest.objects.filter(pk=older_bob.pk).update(
        created_at=timezone.now() - timedelta(days=800)
    )
    assert forget_old_catalogue_requests() == 3
    left = set(CatalogueRequest.objects.values_list("pk", flat=True))
    assert left == {old_yes.pk, recent_no.pk, waiting.pk}
    assert old_no.pk not in left and old_yes_then_out.pk not in left
    # The ledger keeps the choices under the hashed keys.
    assert ConsentRecord.objects.count() == 6
    assert forget_old_catalogue_requests() == 0


@pytest.mark.django_db
def test_retention_uses_the_setting_and_now(settings):
    settings.VIVRE = {**settings.VIVRE, "CATALOGUE_REQUEST_RETENTION_DAYS": 10}
    _exported(ADA, further=False, days_ago=5)
    assert forget_old_catalogue_requests() == 0
    assert forget_old_catalogue_requests(now=timezone.now() + timedelta(days=6)) == 1
