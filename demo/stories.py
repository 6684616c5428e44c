"""The demo's claim stories, told through the services at past moments (``demo.story``): claims
in every status for the three demo partners, with histories, deadlines (some passed, some not),
comments, PoE files and two arbitration cases. They are told in a fixed order (claim numbers
and timelines depend on it), theme by theme; ``tell_stories`` is the whole of it.
"""

from arbitration.models import ArbitrationCase, CaseStatus
from arbitration.services import arbitration_award
from claims.models import EndReason, RejectionReason
from demo.clock import as_of
from demo.files import demo_pdf
from demo.reference import BA, M365_USAGE, PRESALES, REVENUE, USAGE, tenant_uuid
from demo.story import Story, StoryClaim, set_subscription_status
from directory.models import SubscriptionStatus

INSUFFICIENT_POE, CUSTOMER_DECLINED = RejectionReason.INSUFFICIENT_POE, RejectionReason.CUSTOMER_DECLINED
# The customer's signed acknowledgement that both Contoso and Fabrikam file for Tailwind Traders:
# the same bytes (the arbitration case flags the shared file), so it names no partner.
TAILWIND_ACKNOWLEDGEMENT = demo_pdf("Tailwind Traders - presales acknowledgement, signed by the customer")


def tell_stories(s: Story) -> None:
    """Every story, in order."""
    tailwind = tell_approved(s)
    tell_rejected(s)
    tell_disputed(s)
    coho = tell_ended(s)
    tell_withdrawn(s)
    tell_drafts(s)
    tell_submitted(s, coho)
    tell_under_review(s)
    tell_action_required(s)
    tell_arbitration(s, tailwind)


def tell_approved(s: Story) -> StoryClaim:
    """Approved claims. Contoso's Proseware presales is what the already_claimed case runs into;
    returns Contoso's Tailwind Traders presales, which a competitor challenges later."""
    ago = s.ago
    (
        s.file("contoso", ago(64), "proseware", PRESALES, "d365-sales", "pw-sales")
        .poe(ago(64, 11))
        .submit(ago(63))
        .review("reviewer1", ago(60))
        .approve("reviewer1", ago(58), "Signed acknowledgement on file.")
    )
    tailwind = (
        s.file("contoso", ago(45), "tailwindtraders", PRESALES, "d365-sales", "tw-sales")
        .poe(ago(45, 11), "signed-acknowledgement.pdf", TAILWIND_ACKNOWLEDGEMENT)
        .submit(ago(44))
        .review("reviewer2", ago(41))
        .approve("reviewer2", ago(40))
    )
    (
        s.file("fabrikam", ago(30), "treyresearch", USAGE, "d365-customer-service", "tr-sales")
        .poe(ago(30, 14), "go-live-report.pdf")
        .submit(ago(29))
        .review("reviewer1", ago(27))
        .request_info(
            "reviewer1",
            ago(26),
            ["dates", "no_customer_ack"],
            "The report is undated and not acknowledged by Trey Research. Please add the customer's signed "
            "go-live acceptance.",
        )
        .comment(ago(25, 9), "Uploading the signed acceptance from their IT manager now.")
        .poe(ago(25, 9, 5), "signed-go-live-acceptance.pdf")
        .resubmit(ago(25, 10), "Signed and dated go-live acceptance attached.")
        .approve("reviewer1", ago(23), "Thanks, the acceptance covers it.")
    )
    (
        s.file("litware", ago(38), "lucernepublishing", REVENUE, "d365-business-central")
        .poe(ago(38, 13))
        .submit(ago(37))
        .review("reviewer2", ago(35))
        .approve("reviewer2", ago(34))
    )
    (
        s.file("contoso", ago(20), "treyresearch", M365_USAGE, "teams")
        .poe(ago(20, 11), "teams-usage-report.png")
        .submit(ago(20, 12))
        .review("reviewer1", ago(18))
        .approve("reviewer1", ago(17))
    )
    (
        s.file("fabrikam", ago(55), "bellowscollege", M365_USAGE, "exchange-online")
        .poe(ago(55, 11), "mailbox-migration-report.pdf")
        .submit(ago(54))
        .review("reviewer2", ago(50))
        .approve("reviewer2", ago(49))
    )
    (
        s.file("litware", ago(70), "humongousinsurance", PRESALES, "d365-sales", "hi-sales")
        .poe(ago(70, 15))
        .submit(ago(69))
        .review("reviewer1", ago(66))
        .approve("reviewer1", ago(65))
    )
    return tailwind


def tell_rejected(s: Story) -> None:
    """Rejected: one that can still be disputed, one whose window closed, one the partner asked
    to reject, one rejected automatically for no partner response."""
    ago = s.ago
    (
        s.file("fabrikam", ago(9), "margiestravel", PRESALES, "d365-sales", "mt-sales")
        .poe(ago(9, 11), "meeting-notes.pdf")
        .submit(ago(8))
        .review("reviewer2", ago(6))
        .comment(ago(6, 11), "Notes only, no customer signature, no dates.", by="reviewer2", internal=True)
        .reject("reviewer2", ago(5), INSUFFICIENT_POE, "The PoE does not show work before the purchase.")
    )
    (
        s.file("litware", ago(50), "wingtiptoys", USAGE, "d365-commerce", "wt-commerce")
        .poe(ago(50, 12))
        .submit(ago(49))
        .review("reviewer1", ago(46))
        .reject("reviewer1", ago(45), CUSTOMER_DECLINED, "Wingtip Toys did not confirm Litware's involvement.")
    )
    (
        s.file("contoso", ago(16), "adatum", PRESALES, "d365-finance", "ad-finance")
        .poe(ago(16, 11))
        .submit(ago(15))
        .comment(ago(14), "We filed this with the wrong MPN, please reject it so we can file it again.")
        .review("reviewer2", ago(13))
        .reject("reviewer2", ago(13, 14), RejectionReason.PARTNER_REQUEST_WRONG_MPN, "Rejected at Contoso's request.")
    )
    (
        s.file("contoso", ago(22), "lamnahealthcare", M365_USAGE, "sharepoint-online")
        .poe(ago(22, 11), "intranet-launch.png")
        .submit(ago(21))
        .review("reviewer1", ago(19))
        .request_info("reviewer1", ago(18), ["work_not_described"], "Please describe what Contoso did in the rollout.")
        .reject(None, ago(12, 0, 5), RejectionReason.NO_PARTNER_RESPONSE)
    )


def tell_disputed(s: Story) -> None:
    """Disputed rejections."""
    ago = s.ago
    (
        s.file("contoso", ago(14), "consolidatedmessenger", USAGE, "d365-sales", "cm-sales")
        .poe(ago(14, 11), "usage-dashboard.png")
        .submit(ago(13))
        .review("reviewer1", ago(10))
        .reject("reviewer1", ago(8), INSUFFICIENT_POE, "The dashboard does not show who did the work.")
        .poe(ago(6, 9), "statement-of-work-signed.pdf")
        .dispute(ago(6, 10), "The signed statement of work names Contoso as the implementation partner.")
    )
    (
        s.file("fabrikam", ago(19), "lamnahealthcare", REVENUE, "d365-field-service")
        .poe(ago(19, 10))
        .submit(ago(18))
        .review("reviewer2", ago(16))
        .reject("reviewer2", ago(15), CUSTOMER_DECLINED)
        .dispute(ago(3), "Lamna's service director confirmed by e-mail (attached earlier) that we advise them.")
    )
    (
        s.file("litware", ago(12), "southridgevideo", M365_USAGE, "teams")
        .poe(ago(12, 13), "teams-adoption.pdf")
        .submit(ago(11))
        .review("reviewer1", ago(9))
        .reject("reviewer1", ago(7), INSUFFICIENT_POE)
        .comment(ago(7, 15), "Adding the champions programme report.")
        .poe(ago(7, 15, 30), "champions-programme.pdf")
        .dispute(ago(1, 9), "The champions programme report shows our adoption work from pilot to rollout.")
    )


def tell_ended(s: Story) -> StoryClaim:
    """Ended: by the partner, and by the subscription re-check when a subscription expired or
    was disabled (the directory says so now; it was active when the claims were approved).
    Returns Fabrikam's Coho Winery claim, which is reclaimed on the renewed subscription."""
    ago = s.ago
    (
        s.file("contoso", ago(120), "wideworldimporters", PRESALES, "d365-finance", "wwi-finance")
        .poe(ago(120, 11))
        .submit(ago(119))
        .review("reviewer2", ago(116))
        .approve("reviewer2", ago(115))
        .end(ago(30), EndReason.PARTNER_DISASSOCIATED, "Wide World Importers moved to another advisor.")
    )
    set_subscription_status("cw-scm-2023", SubscriptionStatus.ACTIVE)
    coho = (
        s.file("fabrikam", ago(200), "cohowinery", USAGE, "d365-supply-chain", "cw-scm-2023")
        .poe(ago(200, 11))
        .submit(ago(199))
        .review("reviewer1", ago(196))
        .approve("reviewer1", ago(195))
    )
    set_subscription_status("cw-scm-2023", SubscriptionStatus.EXPIRED)
    coho.end(ago(20, 3, 15), EndReason.SUBSCRIPTION_EXPIRED)
    (
        s.file("litware", ago(90), "vanarsdel", PRESALES, "d365-project-operations", "va-po")
        .poe(ago(90, 11))
        .submit(ago(89))
        .review("reviewer2", ago(86))
        .approve("reviewer2", ago(85))
        .end(ago(10), EndReason.PARTNER_DISASSOCIATED, "Project handed over to the customer's own team.")
    )
    (
        s.file("contoso", ago(80), "graphicdesigninstitute", M365_USAGE, "onedrive")
        .poe(ago(80, 11), "onedrive-migration.png")
        .submit(ago(79))
        .review("reviewer1", ago(77))
        .approve("reviewer1", ago(76))
        .end(ago(4), EndReason.PARTNER_DISASSOCIATED, "Contract ended.")
    )
    set_subscription_status("mp-bc", SubscriptionStatus.ACTIVE)
    munson = (
        s.file("contoso", ago(150), "munsonspickles", USAGE, "d365-business-central", "mp-bc")
        .poe(ago(150, 11))
        .submit(ago(149))
        .review("reviewer2", ago(147))
        .approve("reviewer2", ago(146))
    )
    set_subscription_status("mp-bc", SubscriptionStatus.DISABLED)
    munson.end(ago(6, 3, 15), EndReason.SUBSCRIPTION_DISABLED)
    return coho


def tell_withdrawn(s: Story) -> None:
    """Withdrawn: a draft, a submitted claim, one under review."""
    ago = s.ago
    s.file("contoso", ago(11), "margiestravel", M365_USAGE, "teams").withdraw(ago(10), "Duplicate of another draft.")
    (
        s.file("fabrikam", ago(17), "adventureworks", M365_USAGE, "intune")
        .poe(ago(17, 11))
        .submit(ago(16))
        .withdraw(ago(15), "The customer has not rolled Intune out yet.")
    )
    (
        s.file("litware", ago(13), "blueyonderairlines", USAGE, "d365-customer-service", "by-cs")
        .poe(ago(13, 10))
        .submit(ago(12))
        .review("reviewer2", ago(10))
        .withdraw(ago(9), "Wrong activity: we will file Presales instead.")
    )


def tell_drafts(s: Story) -> None:
    """Drafts, some incomplete; one waits for the customer to provision Finance."""
    ago = s.ago
    s.file("contoso", ago(2), "blueyonderairlines", PRESALES, "d365-field-service", "by-fs", description="")
    # A draft has no conversation yet (reviewers cannot see it): the partner's note is in the description.
    s.file(
        "contoso",
        ago(3),
        "woodgrovebank",
        PRESALES,
        "d365-finance",
        "wg-finance",
        description="Proof of concept done. Waiting for Woodgrove to provision Finance before we submit.",
    ).poe(ago(3, 11), "finance-poc-summary.pdf")
    s.file("fabrikam", ago(1), "humongousinsurance", M365_USAGE, "teams")
    s.file("litware", ago(0, 8), customer_tenant_id=str(tenant_uuid("tailspintoys")), solution_area=BA)


def tell_submitted(s: Story, coho: StoryClaim) -> None:
    """Submitted, waiting for review to start: one overdue, one the lead assigned, one filed with
    an MPN not enrolled in an incentive program (a warning, not an error), one a reclaim of a
    renewed subscription (of ``coho``, the ended claim)."""
    ago = s.ago
    (
        s.file("contoso", ago(2), "relecloud", PRESALES, "d365-sales", "rc-sales")
        .poe(ago(2, 11))
        .poe(ago(2, 11, 5), "workshop-photos.png")
        .submit(ago(1, 9))
        .assign("lead", "reviewer2", ago(1, 14))
    )
    s.file("litware", ago(8), "adatum", M365_USAGE, "exchange-online").poe(ago(8, 11), "mail-migration.pdf").submit(
        ago(7)
    )
    (
        s.file("fabrikam", ago(5), "cohowinery", USAGE, "d365-supply-chain", "cw-scm", reclaimed_from=coho.claim)
        .poe(ago(5, 11))
        .submit(ago(4))
    )
    (
        s.file("contoso", ago(3), "lucernepublishing", M365_USAGE, "teams", mpn="4649121")
        .poe(ago(3, 14), "teams-rollout.png")
        .submit(ago(3, 15))
    )
    (
        s.file("contoso", ago(4), "fourthcoffee", USAGE, "d365-sales", "fc-sales", mpn="603548712")
        .poe(ago(4, 11))
        .submit(ago(3, 9))
    )


def tell_under_review(s: Story) -> None:
    """Under review: one on time, one overdue, one a lead reverted, one answered after a request."""
    ago = s.ago
    (
        s.file("contoso", ago(6), "relecloud", USAGE, "d365-finance", "rc-finance")
        .poe(ago(6, 11))
        .submit(ago(5))
        .review("reviewer1", ago(2))
        .comment(ago(2, 11), "PoE looks fine; checking the dates against the order.", by="reviewer1", internal=True)
    )
    (
        s.file("fabrikam", ago(17), "blueyonderairlines", USAGE, "d365-field-service", "by-fs")
        .poe(ago(17, 11), "field-service-usage.png")
        .submit(ago(15))
        .review("reviewer2", ago(8))
        .comment(ago(7), "Could you confirm the number of technicians using the mobile app?", by="reviewer2")
        .comment(ago(7, 15), "About 140 technicians, see page 2 of the report.")
    )
    (
        s.file("litware", ago(25), "treyresearch", PRESALES, "d365-sales", "tr-sales")
        .poe(ago(25, 11))
        .submit(ago(24))
        .review("reviewer1", ago(22))
        .approve("reviewer1", ago(21))
        .revert("lead", ago(2, 15), "Approved on a PoE dated after the purchase; needs a second look.")
    )
    (
        s.file("contoso", ago(12), "lamnahealthcare", USAGE, "d365-customer-service", "lh-cs")
        .poe(ago(12, 11))
        .submit(ago(11))
        .review("reviewer2", ago(9))
        .request_info(
            "reviewer2", ago(8), ["product_not_in_poe"], "The PoE covers Field Service; show the Customer Service work."
        )
        .poe(ago(4, 10), "customer-service-go-live.pdf")
        .resubmit(ago(4, 11), "Added the Customer Service go-live report.")
    )


def tell_action_required(s: Story) -> None:
    """Partner action required: fresh, nearly due, and on a presales claim."""
    ago = s.ago
    (
        s.file("contoso", ago(7), "vanarsdel", M365_USAGE, "teams")
        .poe(ago(7, 11), "teams-usage.png")
        .submit(ago(6))
        .review("reviewer1", ago(3))
        .request_info(
            "reviewer1", ago(1), ["poe_missing", "dates"], "The usage report image is unreadable; upload a dated PDF."
        )
        .comment(ago(1, 13), "Asked VanArsdel's admin for a clearer export.", by="reviewer1", internal=True)
    )
    (
        s.file("fabrikam", ago(12), "wingtiptoys", M365_USAGE, "sharepoint-online")
        .poe(ago(12, 11))
        .submit(ago(11))
        .review("reviewer2", ago(7))
        .request_info(
            "reviewer2",
            ago(4),
            ["no_customer_ack"],
            "Please add Wingtip Toys' acknowledgement of your SharePoint work.",
        )
    )
    (
        s.file("litware", ago(10), "consolidatedmessenger", PRESALES, "d365-sales", "cm-sales")
        .poe(ago(10, 11))
        .submit(ago(9))
        .review("reviewer1", ago(6))
        .request_info(
            "reviewer1", ago(2), ["product_not_in_poe", "work_not_described"], "Which Sales modules did you cover?"
        )
    )


def tell_arbitration(s: Story, tailwind: StoryClaim) -> None:
    """Arbitration, open: Fabrikam challenges Contoso's approved Tailwind Traders presales
    (``tailwind``) with the same acknowledgement file (flagged to reviewers); Contoso adds PoE
    to defend it. Arbitration, decided: Litware and Fabrikam both claimed City Power & Light
    presales."""
    ago = s.ago
    challenger = (
        s.file("fabrikam", ago(3), "tailwindtraders", PRESALES, "d365-sales", "tw-sales")
        .poe(ago(3, 11), "tailwind-ack.pdf", TAILWIND_ACKNOWLEDGEMENT)
        .poe(ago(3, 11, 10), "proposal.pdf")
        .submit(ago(2, 9))
    )
    tailwind.poe(ago(1, 10), "discovery-workshop-minutes.pdf")
    challenger.comment(
        ago(1, 11), "Same acknowledgement file as the incumbent's; ask both for dates.", by="lead", internal=True
    )

    # Arbitration, decided: Litware and Fabrikam both claimed City Power & Light presales.
    winner = (
        s.file("litware", ago(16), "citypowerlight", PRESALES, "d365-field-service", "cp-fs")
        .poe(ago(16, 11))
        .submit(ago(15))
        .review("reviewer1", ago(12))
    )
    loser = (
        s.file("fabrikam", ago(15), "citypowerlight", PRESALES, "d365-field-service", "cp-fs")
        .poe(ago(15, 11))
        .submit(ago(14))
        .review("reviewer1", ago(12, 11))
    )
    case = ArbitrationCase.objects.get(claims=loser.claim, status=CaseStatus.OPEN)
    with as_of(ago(10)):
        arbitration_award(
            case=case,
            user=s.users["reviewer1"],
            winner=winner.claim,
            reason="Litware's workshop minutes predate the purchase and are signed by the customer.",
        )
