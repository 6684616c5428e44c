"""factory_boy factories for the domain. Shared by every app's tests."""

import uuid

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.roles import REVIEW_LEADS_GROUP, REVIEWERS_GROUP
from claims.models import Activity, Claim
from directory.models import (
    Channel,
    CustomerTenant,
    Product,
    SolutionArea,
    Subscription,
    SubscriptionStatus,
    TenantDomain,
)
from partners.models import Membership, Mpn, Partner, Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")


def reviewer(username="reviewer", lead=False) -> User:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=REVIEW_LEADS_GROUP if lead else REVIEWERS_GROUP)[0])
    return User.objects.get(pk=user.pk)  # fresh instance: role properties are cached


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Partner {n}")


class MpnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mpn

    partner = factory.SubFactory(PartnerFactory)
    number = factory.Sequence(lambda n: f"{4000000 + n}")
    location = "Stockholm"
    incentive_enrolled = True


def member(partner, username, role=Role.INCENTIVES_ADMIN) -> User:
    user = UserFactory(username=username)
    Membership.objects.get_or_create(user=user, defaults={"partner": partner, "role": role})
    return User.objects.get(pk=user.pk)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"product-{n}")
    name = factory.LazyAttribute(lambda p: p.code.replace("-", " ").title())
    solution_area = SolutionArea.BUSINESS_APPLICATIONS
    is_dynamics = True


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerTenant
        skip_postgeneration_save = True

    tenant_id = factory.LazyFunction(uuid.uuid4)
    name = factory.Sequence(lambda n: f"Customer {n}")

    @factory.post_generation
    def domain(self, create, extracted, **kwargs):
        name = extracted or f"customer{self.pk}.onmicrosoft.com"
        TenantDomain.objects.create(tenant=self, domain=name, is_initial=True)


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription
        skip_postgeneration_save = True

    subscription_id = factory.LazyFunction(uuid.uuid4)
    tenant = factory.SubFactory(TenantFactory)
    channel = Channel.VOLUME_LICENSING
    status = SubscriptionStatus.ACTIVE
    provisioned = True

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if extracted:
            self.products.set(extracted)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A complete draft (editing) for Business Applications presales on a valid subscription."""

    class Meta:
        model = Claim
        skip_postgeneration_save = True

    mpn = factory.SubFactory(MpnFactory)
    partner = factory.LazyAttribute(lambda c: c.mpn.partner)
    created_by = factory.LazyAttribute(lambda c: member(c.mpn.partner, f"admin-{c.mpn.partner.pk}"))
    solution_area = SolutionArea.BUSINESS_APPLICATIONS
    activity = Activity.PRESALES
    customer_contact_name = "Ada Customer"
    customer_contact_title = "CIO"
    customer_contact_email = "ada@customer.example"
    partner_contact_name = "Per Partner"
    partner_contact_email = "per@partner.example"
    description = "Ran the Dynamics 365 Sales pilot and the go-live workshop."
    subscription = None

    class Params:
        sub = None

    customer_tenant_id = factory.LazyAttribute(lambda c: str(c.sub.tenant.tenant_id) if c.sub else "")
    customer_domain = factory.LazyAttribute(
        lambda c: c.sub.tenant.domains.values_list("domain", flat=True).first() if c.sub else ""
    )
    subscription_ref = factory.LazyAttribute(lambda c: str(c.sub.subscription_id) if c.sub else "")
    # What a partner would call it: the customer and the project ("Customer7 Sales pilot 12").
    name = factory.LazyAttributeSequence(
        lambda c, n: (
            f"{c.customer_domain.split('.')[0].title() if c.customer_domain else 'New customer'} Sales pilot {n}"
        )
    )

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if extracted:
            self.products.set(extracted)
