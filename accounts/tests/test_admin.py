"""Users in the admin: Django's user admin with the portal language and the partner company."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from claims.tests.factories import PartnerFactory, member
from partners.models import Membership, Role

BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def staff(client, superuser):
    client.force_login(superuser, backend=BACKEND)
    return client


def form_values(form) -> dict:
    """A bound-looking copy of what ``form`` shows, keyed as the browser would post it."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if isinstance(field.widget, forms.MultiWidget):  # the admin's split date and time
            date, time = field.widget.decompress(value)
            data[f"{key}_0"], data[f"{key}_1"] = date.isoformat(), time.strftime("%H:%M:%S")
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        else:
            data[key] = value
    return data


def form_data(response) -> dict:
    """What the browser would post back: the main form and every inline formset."""
    data = form_values(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        data.update(form_values(inline.formset.management_form))
        for form in inline.formset.initial_forms:
            data.update(form_values(form))
    return data


def test_pages_render(staff, contoso_admin):
    response = staff.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "Contoso" in response.content.decode()  # the partner column
    assert staff.get(reverse("admin:accounts_user_add")).status_code == 200
    response = staff.get(reverse("admin:accounts_user_change", args=[contoso_admin.pk]))
    assert response.status_code == 200
    assert "language" in response.context["adminform"].form.fields


def test_changelist_queries_do_not_grow_with_users(staff, contoso):
    url = reverse("admin:accounts_user_changelist")
    member(contoso, "first")
    staff.get(url)
    with CaptureQueriesContext(connection) as few:
        staff.get(url)
    for n in range(20):
        member(PartnerFactory(), f"member{n}")
    with CaptureQueriesContext(connection) as many:
        response = staff.get(url)
    assert len(response.context["cl"].result_list) == 22
    assert len(many) == len(few)


def test_add_user_with_language_and_company(staff, contoso):
    url = reverse("admin:accounts_user_add")
    data = form_data(staff.get(url))
    data.update(
        username="nils",
        email="nils@contoso.example",
        language="sv",
        usable_password="true",
        password1="a-Long-and-unusual-passphrase-42",
        password2="a-Long-and-unusual-passphrase-42",
        **{
            "membership-TOTAL_FORMS": "1",
            "membership-0-partner": str(contoso.pk),
            "membership-0-role": Role.INCENTIVES_USER,
        },
    )
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = User.objects.get(username="nils")
    assert user.language == "sv"
    assert Membership.objects.get(user=user).partner == contoso


def test_change_language(staff, contoso_admin):
    url = reverse("admin:accounts_user_change", args=[contoso_admin.pk])
    data = form_data(staff.get(url))
    data["language"] = "sv"
    response = staff.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert User.objects.get(pk=contoso_admin.pk).language == "sv"
