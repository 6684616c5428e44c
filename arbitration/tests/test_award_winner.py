"""The winner of an award is told: a system comment in its claim's thread and a notification
(in the portal and by e-mail) to its own partner's users, naming nobody else."""

import pytest
from django.core import mail
from django.urls import reverse

from arbitration.services import arbitration_award
from claims.models import Comment
from claims.states import Status
from notifications.models import Notification
from notifications.sending import send_pending
from notifications.texts import notification_sentence
from tests.helpers import login


def other_side(claim) -> list[str]:
    """What the winner must not read of the other partner: its name, its claim's reference."""
    return [claim.partner.name, claim.reference]


@pytest.mark.parametrize("winner_side", ["incumbent", "challenger"])
def test_the_winner_gets_a_comment_and_a_notification(
    client, contested, reviewer1, contoso_admin, fabrikam_admin, winner_side
):
    case, incumbent, challenger = contested
    winner, loser = (incumbent, challenger) if winner_side == "incumbent" else (challenger, incumbent)
    winner_user = contoso_admin if winner_side == "incumbent" else fabrikam_admin
    version = winner.version
    before = set(Notification.objects.values_list("pk", flat=True))
    send_pending()  # what the case's opening sent
    mail.outbox.clear()
    arbitration_award(case=case, user=reviewer1, winner=winner, reason="MARKR the reviewer's reason")
    winner.refresh_from_db()
    assert winner.status == Status.APPROVED and winner.version > version

    code = "case_won_incumbent" if winner_side == "incumbent" else "case_won"
    comments = Comment.objects.filter(claim=winner, kind="system").order_by("-id")
    assert comments[0].code == code and not comments[0].internal
    assert not Comment.objects.filter(claim=winner, code="approved", created_at__gte=comments[0].created_at).exists()

    new = Notification.objects.exclude(pk__in=before)
    (told,) = new.filter(claim=winner)
    assert told.recipient == winner_user and told.kind == "decision"
    assert told.data == {"status": "approved", "case_won": True, "incumbent": winner_side == "incumbent"}
    sentence = notification_sentence(told)
    assert winner.reference in sentence and "decided the competing claims" in sentence
    for secret in [*other_side(loser), "MARKR"]:
        assert secret not in sentence
    # the loser hears only about its own claim
    loser_user = fabrikam_admin if winner_side == "incumbent" else contoso_admin
    assert {n.recipient_id for n in new.filter(claim=loser)} == {loser_user.pk}

    send_pending()
    (email,) = [m for m in mail.outbox if winner_user.email in m.to]
    text = " ".join([email.subject, email.body, *(alt[0] for alt in email.alternatives)])
    assert winner.reference in text
    for secret in [*other_side(loser), "MARKR"]:
        assert secret not in text

    login(client, winner_user)
    html = client.get(reverse("claims:detail", args=[winner.pk])).content.decode()
    assert "decided the competing claims for this customer and product in favour of this claim" in html
    for secret in [*other_side(loser), "MARKR"]:
        assert secret not in html
