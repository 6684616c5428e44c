"""``manage.py import_directory``: CSV and JSON, upserts, every bad row reported with its line,
and nothing changed when any row is bad."""

import json

import pytest
from django.core.management import CommandError, call_command

from directory.models import CustomerTenant, Product, Subscription, TenantDomain

TENANT = "c0e8a64d-ddb2-54ba-8739-c1c8dac13432"
SUB = "61362d0d-3e2f-5d0a-8edb-bf25db6a11b9"
SUB2 = "7a1e4c90-0000-4000-8000-000000000002"

HEADER = (
    "record,code,name,solution_area,is_dynamics,tenant_id,domains,subscription_id,channel,status,provisioned,products"
)
GOOD_CSV = f"""{HEADER}
product,d365-sales,Dynamics 365 Sales,business_applications,true,,,,,,,
product,teams,Microsoft Teams,microsoft_365,,,,,,,,
tenant,,Northwind Traders,,,{TENANT},northwind.onmicrosoft.com;Northwind.example,,,,,
subscription,,,,,{TENANT},,{SUB},volume_licensing,active,true,d365-sales
subscription,,,,,{TENANT},,{SUB2},csp,in_grace,no,teams
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def run(path, *args):
    from io import StringIO

    out, err = StringIO(), StringIO()
    call_command("import_directory", path, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_good_csv(tmp_path):
    out, _err = run(write(tmp_path, "dir.csv", GOOD_CSV))
    assert "products: 2 created" in out
    tenant = CustomerTenant.objects.get(tenant_id=TENANT)
    assert tenant.name == "Northwind Traders"
    assert set(tenant.domains.values_list("domain", "is_initial")) == {
        ("northwind.onmicrosoft.com", True),
        ("northwind.example", False),
    }
    sales = Subscription.objects.get(subscription_id=SUB)
    assert [p.code for p in sales.products.all()] == ["d365-sales"]
    assert sales.channel == "volume_licensing"
    assert sales.provisioned and sales.provisioned_at is not None
    other = Subscription.objects.get(subscription_id=SUB2)
    assert (other.channel, other.status, other.provisioned) == ("csp", "in_grace", False)
    assert Product.objects.get(code="d365-sales").is_dynamics
    assert not Product.objects.get(code="teams").is_dynamics


@pytest.mark.django_db
def test_reimport_upserts(tmp_path):
    run(write(tmp_path, "dir.csv", GOOD_CSV))
    changed = GOOD_CSV.replace("Northwind Traders", "Northwind Traders AB").replace(
        "csp,in_grace,no", "csp,expired,yes"
    )
    out, _err = run(write(tmp_path, "dir2.csv", changed))
    assert "tenants: 0 created, 1 updated" in out
    assert CustomerTenant.objects.get().name == "Northwind Traders AB"
    sub = Subscription.objects.get(subscription_id=SUB2)
    assert sub.status == "expired"
    assert sub.provisioned and sub.provisioned_at is not None
    assert TenantDomain.objects.count() == 2
    assert Subscription.objects.count() == 2


@pytest.mark.django_db
def test_bad_csv_reports_every_row_and_changes_nothing(tmp_path):
    Product.objects.create(code="existing", name="Existing", solution_area="business_applications")
    bad = f"""{HEADER}
product,new-one,New,business_applications,,,,,,,,
product,bad code,X,business_applications,,,,,,,,
tenant,,T,,,not-a-guid,,,,,,
subscription,,,,,{TENANT},,{SUB},volume_licensing,activ,true,existing
subscription,,,,,{TENANT},,{SUB2},csp,active,maybe,existing
subscription,,,,,{TENANT},,{SUB},web_direct,active,true,nope
widget,,,,,,,,,,,
"""
    path = write(tmp_path, "bad.csv", bad)
    with pytest.raises(CommandError) as info:
        run(path)
    assert "Nothing was imported" in str(info.value)
    from io import StringIO

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", path, stderr=err)
    lines = err.getvalue().splitlines()
    assert any("line 3:" in line and "bad code" in line for line in lines)
    assert any("line 4:" in line and "not a GUID" in line for line in lines)
    assert any("line 5:" in line and "status" in line for line in lines)
    assert any("line 6:" in line and "provisioned" in line for line in lines)
    assert any("line 7:" in line and "nope" in line for line in lines)
    assert any("line 7:" in line and "tenant" in line for line in lines)
    assert any("line 8:" in line and "record must be one of" in line for line in lines)
    assert not Product.objects.filter(code="new-one").exists()
    assert Product.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_and_foreign_domain(tmp_path):
    other = CustomerTenant.objects.create(tenant_id="11111111-1111-4111-8111-111111111111", name="Other")
    TenantDomain.objects.create(tenant=other, domain="taken.example")
    text = f"""record,name,tenant_id,domains
tenant,Northwind,{TENANT},taken.example
tenant,Northwind again,{TENANT},
"""
    err = __import__("io").StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", write(tmp_path, "d.csv", text), stderr=err)
    assert "line 2: domain taken.example already belongs to tenant" in err.getvalue()
    assert "line 3: tenant" in err.getvalue() and "appears twice (first on line 2)" in err.getvalue()
    assert not CustomerTenant.objects.filter(tenant_id=TENANT).exists()


@pytest.mark.django_db
def test_unknown_column_is_refused(tmp_path):
    with pytest.raises(CommandError, match="unknown CSV columns: colour"):
        run(write(tmp_path, "d.csv", "record,colour\nproduct,red\n"))


GOOD_JSON = [
    {"record": "product", "code": "d365-sales", "name": "Dynamics 365 Sales", "solution_area": "business_applications"},
    {"record": "tenant", "tenant_id": TENANT, "name": "Northwind", "domains": ["northwind.example"]},
    {
        "record": "subscription",
        "subscription_id": SUB,
        "tenant_id": TENANT,
        "channel": "web_direct",
        "status": "active",
        "provisioned": True,
        "products": ["d365-sales"],
    },
]


@pytest.mark.django_db
def test_good_json(tmp_path):
    out, _err = run(write(tmp_path, "dir.json", json.dumps(GOOD_JSON, indent=2)))
    assert "Imported 3 records" in out
    assert Subscription.objects.get(subscription_id=SUB).channel == "web_direct"
    assert TenantDomain.objects.get().domain == "northwind.example"


@pytest.mark.django_db
def test_bad_json_reports_the_line_of_each_object(tmp_path):
    records = [*GOOD_JSON, {"record": "subscription", "subscription_id": "x", "tenant_id": TENANT}, "not an object"]
    text = json.dumps(records, indent=2)
    err = __import__("io").StringIO()
    with pytest.raises(CommandError):
        call_command("import_directory", write(tmp_path, "dir.json", text), stderr=err)
    object_starts = [number for number, line in enumerate(text.splitlines(), 1) if line == "  {"]
    bad_line = object_starts[3]  # the fourth object (the bad subscription)
    assert f"line {bad_line}: subscription_id 'x' is not a GUID" in err.getvalue()
    assert "a record must be an object" in err.getvalue()
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_json_syntax_error(tmp_path):
    with pytest.raises(CommandError, match="line 2: not valid JSON"):
        run(write(tmp_path, "dir.json", '[\n {"record": }\n]'))


@pytest.mark.django_db
def test_format_option_and_dry_run(tmp_path):
    path = write(tmp_path, "export.txt", json.dumps(GOOD_JSON))
    out, _err = run(path, "--format", "json", "--dry-run")
    assert "3 records are valid" in out
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.csv"))
