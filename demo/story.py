"""The machinery of the demo's claim stories (``demo.stories``): a ``Story`` files claims for
the demo partners, and each ``StoryClaim`` step calls the service a person would, as of a
past moment (``demo.clock.as_of``), so every claim carries the audit events, system comments,
notifications and deadlines a real one has.
"""

import datetime as dt
import unicodedata

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from claims import services
from claims.models import Claim, EndReason
from demo.clock import as_of, business_day_before
from demo.files import demo_pdf, demo_png
from demo.reference import (
    PARTNER_WRITERS,
    PARTNERS,
    TENANTS,
    USERS,
    claim_description,
    claim_name,
    subscription_uuid,
    tenant_uuid,
)
from directory.models import Product, Subscription
from lib.actors import SYSTEM
from partners.models import Mpn


class Story:
    """The demo's claims, told through the services at past moments."""

    def __init__(self):
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()
        users = User.objects.filter(username__in=[u.username for u in USERS])
        self.users = {u.username: u for u in users}
        self.partner_user = {key: self.users[username] for key, username in PARTNER_WRITERS.items()}
        self.mpns = {
            key: list(Mpn.objects.filter(number__in=[m.number for m in mpns]).order_by("pk"))
            for key, (_, _, mpns) in PARTNERS.items()
        }
        self.products = {p.code: p for p in Product.objects.all()}
        self.contacts = {slug: (contact, title) for slug, _, contact, title in TENANTS}
        self.customers = {slug: name for slug, name, _, _ in TENANTS}
        self.files = 0

    def ago(self, days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
        """``days`` business days before today at ``hour``:``minute`` local time, never in the future."""
        day = business_day_before(timezone.localdate(self.now), days)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)
        return min(moment, self.now - dt.timedelta(minutes=30))

    def mpn(self, partner: str, number: str | None = None) -> Mpn:
        mpns = self.mpns[partner]
        if number:
            return next(m for m in mpns if m.number == number)
        return next(m for m in mpns if m.incentive_enrolled)

    def file(self, partner, when, tenant="", kind=None, product="", sub="", *, mpn=None, reclaimed_from=None, **extra):
        """A draft for ``partner`` (``kind`` is a (solution area, activity) pair); empty arguments
        leave the field empty, as a partner might."""
        user = self.partner_user[partner]
        data = {"mpn": self.mpn(partner, mpn)}
        if tenant:
            contact, title = self.contacts[tenant]
            first, last = contact.split(" ", 1)
            data |= {
                "customer_tenant_id": str(tenant_uuid(tenant)),
                "customer_domain": f"{tenant}.example",
                "customer_contact_name": contact,
                "customer_contact_title": title,
                "customer_contact_email": ascii_text(f"{first}.{last.replace(' ', '')}@{tenant}.example").lower(),
                "partner_contact_name": user.get_full_name(),
                "partner_contact_email": user.email,
            }
        if kind:
            data["solution_area"], data["activity"] = kind
        if product:
            data["products"] = [self.products[product]]
            data["description"] = claim_description(kind[0], kind[1], self.products[product].name)
        if sub:
            data["subscription_ref"] = str(subscription_uuid(sub))
        # Named as a partner would name it; a draft without a customer yet has a working title.
        area, activity = kind or ("", "")
        data["name"] = claim_name(
            self.customers.get(tenant, ""),
            area,
            activity,
            self.products[product].name if product else "",
            n=len(tenant) + len(product),
            year=timezone.localdate(when).year,
        )
        data |= extra
        with as_of(when):
            claim = services.claim_create(user=user, data=data, reclaimed_from=reclaimed_from)
        return StoryClaim(self, claim, user)


def ascii_text(text: str) -> str:
    """Tomás Ruiz → Tomas Ruiz: e-mail addresses keep to ASCII."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


class StoryClaim:
    """One claim of a story; each step returns the claim again, so a story reads as a chain."""

    def __init__(self, story: Story, claim: Claim, user):
        self.story, self.claim, self.user = story, claim, user

    def _refresh(self):
        self.claim = Claim.objects.get(pk=self.claim.pk)
        return self

    def poe(self, when, name="customer-acknowledgement.pdf", content: bytes | None = None):
        self.story.files += 1
        if content is None:
            if name.endswith(".png"):
                content = demo_png(self.claim.pk * 100 + self.story.files)
            else:
                # Its own partner's name only: a demo file never names another partner.
                partner = self.claim.partner.name
                content = demo_pdf(
                    f"{partner} - proof of execution {self.claim.reference} - {name} - {self.story.files}"
                )
        content_type = "image/png" if name.endswith(".png") else "application/pdf"
        with as_of(when):
            services.poe_attach(
                claim=self.claim, user=self.user, name=name, file=ContentFile(content), content_type=content_type
            )
        return self._refresh()

    def submit(self, when):
        with as_of(when):
            self.claim, _warnings = services.claim_submit(claim=self.claim, user=self.user)
        return self

    def review(self, reviewer, when):
        with as_of(when):
            self.claim = services.claim_start_review(claim=self.claim, user=self.story.users[reviewer])
        return self

    def assign(self, lead, assignee, when):
        users = self.story.users
        with as_of(when):
            self.claim = services.claim_assign(claim=self.claim, user=users[lead], assignee=users[assignee])
        return self

    def request_info(self, reviewer, when, reasons, message):
        with as_of(when):
            self.claim = services.claim_request_info(
                claim=self.claim, user=self.story.users[reviewer], reasons=reasons, message=message
            )
        return self

    def resubmit(self, when, message):
        with as_of(when):
            self.claim = services.claim_resubmit(claim=self.claim, user=self.user, message=message)
        return self

    def approve(self, reviewer, when, message=""):
        with as_of(when):
            self.claim = services.claim_approve(claim=self.claim, user=self.story.users[reviewer], message=message)
        return self

    def reject(self, reviewer, when, reason, message=""):
        # No reviewer: the automatic rejection for no partner response.
        user = self.story.users[reviewer] if reviewer else SYSTEM
        with as_of(when):
            self.claim = services.claim_reject(claim=self.claim, user=user, reason=reason, message=message)
        return self

    def withdraw(self, when, reason=""):
        with as_of(when):
            self.claim = services.claim_withdraw(claim=self.claim, user=self.user, reason=reason)
        return self

    def dispute(self, when, justification):
        with as_of(when):
            self.claim = services.claim_dispute(claim=self.claim, user=self.user, justification=justification)
        return self

    def end(self, when, reason, message=""):
        # Only the partner ends an association itself; the subscription re-check ends the others.
        user = self.user if reason == EndReason.PARTNER_DISASSOCIATED else SYSTEM
        with as_of(when):
            self.claim = services.claim_end(claim=self.claim, user=user, reason=reason, message=message)
        return self

    def revert(self, lead, when, reason):
        with as_of(when):
            self.claim = services.claim_revert(claim=self.claim, user=self.story.users[lead], reason=reason)
        return self

    def comment(self, when, body, *, by=None, internal=False):
        author = self.story.users[by] if by else self.user
        with as_of(when):
            services.comment_add(claim=self.claim, user=author, body=body, internal=internal)
        return self._refresh()


def set_subscription_status(label: str, status: str) -> None:
    """Set a demo subscription's status in the directory (a story replays a claim approved
    while the subscription was still active)."""
    Subscription.objects.filter(subscription_id=subscription_uuid(label)).update(status=status)
