"""The data map as fideslang YAML, and the record of processing built from it."""

import pytest
import yaml
from django.contrib.auth.models import Group
from django.core.management import call_command
from fideslang.models import Dataset

from vivre.accounts.models import User
from vivre.core.staff import Role
from vivre.privacy.datamap import Category, Use, data_map


@pytest.mark.promise("P1")
def test_privacy_map_writes_a_valid_fideslang_dataset(tmp_path):
    out = tmp_path / "vivre.yml"
    call_command("privacy_map", output=str(out))
    document = yaml.safe_load(out.read_text(encoding="utf-8"))
    datasets = [Dataset.model_validate(d) for d in document["dataset"]]
    assert datasets[0].fides_key == "vivre_store"
    fields = {
        (c.name, f.name): f.data_categories for c in datasets[0].collections for f in c.fields
    }
    assert fields[("orders_order", "email")] == [Category.EMAIL]
    assert len(fields) == len(data_map())


def test_privacy_map_prints_yaml_without_output(capsys):
    call_command("privacy_map")
    assert yaml.safe_load(capsys.readouterr().out)["dataset"][0]["fides_key"] == "vivre_store"


@pytest.fixture
def officer_client(client, db):
    user = User.objects.create_user("officer", password="pw-for-tests", is_staff=True)
    user.groups.add(Group.objects.get(name=Role.PRIVACY))
    client.force_login(user)
    return client


@pytest.mark.promise("P17", "P18")
def test_record_of_processing_lists_purposes_recipients_and_retention(officer_client):
    response = officer_client.get("/staff/privacy/record/")
    assert response.status_code == 200
    page = response.content.decode()
    assert Use.MARKETING_EMAIL in page
    assert "orders.Order.email" in page
    assert "The parcel carrier" in page
    assert "A legal authority" in page
    assert "vivre.cart.services.clear_expired_ips" in page
    # Correspondence is held, but no recipient may receive it.
    assert Category.PRIVATE_CONTENT in page


def test_record_of_processing_is_for_privacy_officers(client, db):
    assert client.get("/staff/privacy/record/").status_code == 302
    clerk = User.objects.create_user("clerk", password="pw-for-tests", is_staff=True)
    client.force_login(clerk)
    assert client.get("/staff/privacy/record/").status_code == 403
