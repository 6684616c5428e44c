"""Driving the partner's claim form in the browser, the way a person does it: the solution
area first (HTMX brings its activities and products), then the rest."""

from dataclasses import dataclass, field

from playwright.sync_api import expect

from demo.cases import demo_cases
from directory.models import Product
from partners.models import Mpn
from tests.e2e.conftest import settle

ENROLLED_CONTOSO_MPN = "4649120"


@dataclass
class Entry:
    """What the partner types for one claim (the demo case's values plus contacts)."""

    case: str
    tenant_id: str
    domain: str
    solution_area: str
    activity: str
    product: str
    subscription_id: str
    expected: str
    mpn: str = ENROLLED_CONTOSO_MPN
    contact_name: str = "Astrid Lindqvist"
    contact_title: str = "CIO"
    contact_email: str = "astrid.lindqvist@customer.example"
    partner_name: str = "Karin Holm"
    partner_email: str = "karin.holm@contoso.example"
    description: str = "Discovery workshops and a two-week proof of concept before the purchase."
    files: list = field(default_factory=list)


def cases() -> dict[str, dict]:
    """``seed_demo --cases --json``, by case name."""
    return {row["case"]: row for row in demo_cases()}


def entry(case: str, **overrides) -> Entry:
    row = {k: v for k, v in cases()[case].items() if k != "note"}
    return Entry(**{**row, **overrides})


def fill_claim_form(page, e: Entry) -> None:
    """Fill the new-claim (or draft) form from ``e``; HTMX updates are waited for."""
    mpn = Mpn.objects.get(number=e.mpn)
    page.locator("#id_name").fill(f"Browser claim – {e.case.replace('_', ' ')}")
    page.locator("#id_mpn").select_option(str(mpn.pk))
    page.locator("#id_customer_tenant_id").fill(e.tenant_id)
    page.locator("#id_customer_domain").fill(e.domain)
    if e.case == "activity_not_offered":
        # What a partner does to end up there: the activity chosen under another solution
        # area, then the area changed. The stale choice stays, marked "not offered".
        choose_area(page, "business_applications")
        page.locator("#id_activity").select_option(e.activity)
        choose_area(page, e.solution_area)
        expect(page.locator("#id_activity")).to_have_value(e.activity)
    else:
        choose_area(page, e.solution_area)
        page.locator("#id_activity").select_option(e.activity)
    product = Product.objects.get(code=e.product)
    page.locator(f"#field-products input[value='{product.pk}']").check()
    if e.solution_area == "business_applications":
        page.locator("#id_subscription_ref").fill(e.subscription_id)
    page.locator("#id_customer_contact_name").fill(e.contact_name)
    page.locator("#id_customer_contact_title").fill(e.contact_title)
    page.locator("#id_customer_contact_email").fill(e.contact_email)
    page.locator("#id_partner_contact_name").fill(e.partner_name)
    page.locator("#id_partner_contact_email").fill(e.partner_email)
    page.locator("#id_description").fill(e.description)
    if e.files:
        page.locator("#id_poe").set_input_files([str(f) for f in e.files])
    settle(page)


def choose_area(page, area: str) -> None:
    select = page.locator("#id_solution_area")
    if select.input_value() == area:
        return
    with page.expect_response(lambda r: "/claims/new/fields/" in r.url):
        select.select_option(area)
    settle(page)
    expect(page.locator("#id_activity option").nth(1)).to_be_attached()


def submit_claim(page) -> None:
    with page.expect_navigation():
        page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state("domcontentloaded")


def expect_values_kept(page, e: Entry) -> None:
    """After a refused submission the form shows everything that was typed."""
    expect(page.locator("#id_name")).to_have_value(f"Browser claim – {e.case.replace('_', ' ')}")
    expect(page.locator("#id_customer_tenant_id")).to_have_value(e.tenant_id)
    expect(page.locator("#id_customer_domain")).to_have_value(e.domain)
    expect(page.locator("#id_solution_area")).to_have_value(e.solution_area)
    expect(page.locator("#id_activity")).to_have_value(e.activity)
    product = Product.objects.get(code=e.product)
    expect(page.locator(f"#field-products input[value='{product.pk}']")).to_be_checked()
    if e.solution_area == "business_applications":
        expect(page.locator("#id_subscription_ref")).to_have_value(e.subscription_id)
    expect(page.locator("#id_customer_contact_name")).to_have_value(e.contact_name)
    expect(page.locator("#id_customer_contact_title")).to_have_value(e.contact_title)
    expect(page.locator("#id_customer_contact_email")).to_have_value(e.contact_email)
    expect(page.locator("#id_partner_contact_name")).to_have_value(e.partner_name)
    expect(page.locator("#id_partner_contact_email")).to_have_value(e.partner_email)
    expect(page.locator("#id_description")).to_have_value(e.description)
