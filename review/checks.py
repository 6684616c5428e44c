"""A fresh run of the submission rules against the directory, as a reviewer's check list.

``claims.validation.validate_claim`` returns only the issues it found and stops at the first
stage that fails, so the list groups its error codes by rule, in the order the rules run:
a rule after a failed stage is shown as *not checked* rather than as passed.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from claims.validation import ClaimInput, validate_claim
from directory.models import SolutionArea

OK, BAD, WARN, SKIPPED = "ok", "bad", "warn", "skipped"

# (stage, label, codes). validate_claim returns after a stage with errors.
RULES = [
    (1, _("Required fields and proof of execution"), {"required", "poe_required"}),
    (1, _("MPN belongs to the partner and is enrolled"), {"mpn_not_own", "mpn_not_enrolled"}),
    (1, _("Activity is offered for the solution area"), {"activity_not_offered"}),
    (
        1,
        _("Customer tenant ID and domain match the directory"),
        {"tenant_id_not_guid", "tenant_not_found", "domain_tenant_mismatch"},
    ),
    (1, _("Products belong to the solution area"), {"product_wrong_area"}),
    (2, _("Products exist on the customer's tenant"), {"single_product_required", "product_not_on_tenant"}),
    (
        3,
        _("Subscription is eligible (Dynamics 365, not CSP, active, provisioned)"),
        {
            "subscription_choose",
            "subscription_id_invalid",
            "subscription_id_is_tenant",
            "subscription_not_found",
            "subscription_other_tenant",
            "subscription_not_dynamics",
            "subscription_is_csp",
            "subscription_not_provisioned",
            "subscription_not_active",
            "product_not_on_subscription",
        },
    ),
    (4, _("No other active claim of this partner for the same association"), {"already_claimed"}),
]
SUBSCRIPTION_STAGE = 3


@dataclass
class CheckRow:
    label: str
    state: str
    messages: list = field(default_factory=list)

    @property
    def state_label(self):
        return {OK: _("Passed"), BAD: _("Failed"), WARN: _("Warning"), SKIPPED: _("Not checked")}[self.state]


@dataclass
class CheckReport:
    rows: list
    competing: bool
    key: str

    @property
    def ok(self) -> bool:
        return all(row.state in (OK, WARN) for row in self.rows)


def run_checks(claim) -> CheckReport:
    """Re-run every rule for ``claim`` now. The claim does not conflict with itself
    (``claim_id``), so *already claimed* only appears for another claim of the partner."""
    result = validate_claim(ClaimInput.from_claim(claim), partner=claim.partner, claim_id=claim.pk)
    failed_stage = None
    rows = []
    for stage, label, codes in RULES:
        if stage == SUBSCRIPTION_STAGE and claim.solution_area != SolutionArea.BUSINESS_APPLICATIONS:
            continue
        issues = [i for i in result.issues if i.code in codes]
        errors = [i for i in issues if not i.warning]
        if failed_stage is not None and stage > failed_stage and not issues:
            rows.append(CheckRow(str(label), SKIPPED))
            continue
        state = BAD if errors else (WARN if issues else OK)
        rows.append(CheckRow(str(label), state, [i.message for i in issues]))
        if errors and failed_stage is None:
            failed_stage = stage
    return CheckReport(rows=rows, competing=result.competing, key=result.key)
