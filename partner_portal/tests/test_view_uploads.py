"""PoE uploads through the claim form and the "Add PoE" form: a refused file keeps the rest of
what was typed, an accepted one is stored with its SHA-256 under a random name. The upload rules
themselves are tested in ``claims/tests/test_uploads.py``."""

import hashlib

from django.urls import reverse

from claims.models import Claim, PoeFile
from claims.tests.test_uploads import pdf_bytes, png_bytes, upload
from tests.helpers import claim_form_data, current_version, login


def test_refused_upload_keeps_the_rest_of_the_form(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, description="Typed with care")
    data["poe"] = [upload("report.pdf", b"<html><body>not a pdf</body></html>", "application/pdf")]
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert not Claim.objects.exists()
    form = response.context["form"]
    assert any("report.pdf" in str(e) for e in form.errors["poe"])
    html = response.content.decode()
    assert "Typed with care" in html
    assert subscription.tenant.domains.first().domain in html
    assert "kept:" not in html  # a refused file is named as refused, never kept


def test_empty_upload_through_the_form(client, contoso_admin, contoso_mpn, subscription, dynamics_sales):
    login(client, contoso_admin)
    data = claim_form_data(subscription, contoso_mpn, dynamics_sales, action="save")
    data["poe"] = [upload("empty.pdf", b"")]
    response = client.post(reverse("claims:new"), data)
    assert response.status_code == 200
    assert "empty.pdf" in str(response.context["form"].errors["poe"])
    assert not Claim.objects.exists()


def test_too_many_files_through_the_form(settings, client, contoso_admin, draft):
    settings.POE_MAX_FILES_PER_CLAIM = 2  # the draft has one
    login(client, contoso_admin)
    files = [upload("a.pdf", pdf_bytes()), upload("b.pdf", pdf_bytes())]
    response = client.post(
        reverse("claims:poe_add", args=[draft.pk]), {"version": current_version(draft), "poe": files}
    )
    assert response.status_code == 200
    assert "at most 2" in str(response.context["poe_form"].errors["poe"])
    assert PoeFile.objects.filter(claim=draft).count() == 1


def test_accepted_upload_is_stored_with_sha256_and_clean_name(client, contoso_admin, draft):
    login(client, contoso_admin)
    response = client.post(
        reverse("claims:poe_add", args=[draft.pk]),
        {"version": current_version(draft), "poe": [upload("..\\evil\u202e.png", png_bytes(), "text/html")]},
    )
    assert response.status_code == 302
    poe = PoeFile.objects.filter(claim=draft).first()
    assert poe.original_name == "evil.png"
    assert poe.content_type == "image/png"
    assert poe.sha256 == hashlib.sha256(png_bytes()).hexdigest()
    assert "evil" not in poe.file.name  # stored under a random name
    assert poe.file.name.endswith(".png")
