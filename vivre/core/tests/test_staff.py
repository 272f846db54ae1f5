"""Back-office screens open only to staff in the right role."""

import pytest
from django.contrib.auth.models import Group
from django.http import HttpResponse
from django.test import RequestFactory

from vivre.accounts.models import User
from vivre.core.staff import Role, has_role, role_required

pytestmark = pytest.mark.django_db


@role_required(Role.FULFILMENT)
def _fulfilment_view(request):
    return HttpResponse("ok")


def _request(user):
    request = RequestFactory().get("/staff/fulfilment/")
    request.user = user
    return request


def test_roles_exist_as_groups_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.ALL)


def test_only_staff_in_the_role_get_through():
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied

    packer = User.objects.create_user("packer", is_staff=True)
    packer.groups.add(Group.objects.get(name=Role.FULFILMENT))
    carer = User.objects.create_user("carer", is_staff=True)
    carer.groups.add(Group.objects.get(name=Role.CARE))
    customer = User.objects.create_user("shopper")

    assert _fulfilment_view(_request(packer)).status_code == 200
    with pytest.raises(PermissionDenied):
        _fulfilment_view(_request(carer))
    with pytest.raises(PermissionDenied):
        _fulfilment_view(_request(customer))
    assert _fulfilment_view(_request(AnonymousUser())).status_code == 302
    assert has_role(packer, Role.FULFILMENT) and not has_role(packer, Role.CARE)
