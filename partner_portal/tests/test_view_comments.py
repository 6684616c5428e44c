"""Posting a comment: HTMX returns the updated thread, without JavaScript it is PRG; text is
shown escaped and never rendered as a template; comment_add enforces the roles."""

import pytest
from django.urls import reverse

from claims.models import Comment
from claims.services import claim_submit
from tests.helpers import login


@pytest.fixture
def submitted(draft, contoso_admin):
    claim_submit(claim=draft, user=contoso_admin)
    return draft


def url(claim):
    return reverse("claims:comment", args=[claim.pk])


def test_htmx_post_returns_the_thread(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(url(submitted), {"body": "Here is the signed PoE."}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "Here is the signed PoE." in html
    assert 'class="thread"' in html
    assert "HX-Request" in response["Vary"]
    comment = Comment.objects.get(claim=submitted, kind="comment")
    assert comment.author == contoso_admin
    assert not comment.internal


def test_post_without_javascript_redirects(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(url(submitted), {"body": "Plain post"})
    assert response.status_code == 302
    assert response["Location"] == reverse("claims:detail", args=[submitted.pk]) + "#comments"
    assert Comment.objects.filter(claim=submitted, body="Plain post").count() == 1


def test_text_is_escaped_and_never_a_template(client, contoso_admin, submitted):
    login(client, contoso_admin)
    body = "<script>alert(1)</script> {{ request.user.password }} {% now 'Y' %}\nsecond line"
    client.post(url(submitted), {"body": body})
    html = client.get(reverse("claims:detail", args=[submitted.pk])).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "{{ request.user.password }}" in html
    assert "{% now &#x27;Y&#x27; %}" in html
    assert "second line" in html


def test_empty_comment_keeps_the_form(client, contoso_admin, submitted):
    login(client, contoso_admin)
    response = client.post(url(submitted), {"body": "   "}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "field-error" in response.content.decode()
    assert not Comment.objects.filter(claim=submitted, kind="comment").exists()


def test_viewer_403(client, contoso_viewer, submitted):
    login(client, contoso_viewer)
    assert client.post(url(submitted), {"body": "x"}).status_code == 403


def test_foreign_404(client, fabrikam_admin, submitted):
    login(client, fabrikam_admin)
    assert client.post(url(submitted), {"body": "x"}, headers={"HX-Request": "true"}).status_code == 404


def test_get_is_405(client, contoso_admin, submitted):
    login(client, contoso_admin)
    assert client.get(url(submitted)).status_code == 405


def test_csrf_required(csrf_client, contoso_admin, submitted):
    login(csrf_client, contoso_admin)
    assert csrf_client.post(url(submitted), {"body": "x"}).status_code == 403
