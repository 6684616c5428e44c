"""Kept uploads: the accepted PoE files of the claim form, held for the form until it saves.

Every file the claim form accepts is received here first (``PendingUpload``, stored in the PoE
storage with a random name, as PoE is). When the form comes back with errors the file stays,
listed on the form as "kept", and the corrected form attaches it without a re-upload; when the
form saves at once it is attached in the same request. Attaching records the stored file as the
claim's PoE where it is, so nothing is written twice (docs/claim-form.md).

Each kept file belongs to one user and one form: the form carries a random ``form_key``, and
only the user who uploaded the file, posting that key, sees or uses it. A kept file ends
attached (its file is then the claim's PoE), removed by the user, or expired by the sweep
(``settings.PENDING_UPLOAD_TTL``; its file is then deleted after the commit); its row stays as
the record. Kept files count towards the company's PoE storage quota while they are kept.
"""

import re
import secrets

from django.conf import settings
from django.db import transaction

from audit.services import audit_record
from claims.access import require_partner_writer
from claims.errors import ClaimError
from claims.models import Claim, PendingUpload, PendingUploadState
from claims.services import partner_lock, poe_attach_many, poe_quota_check
from claims.uploads import CheckedUpload, too_many_files
from lib import clock

_FORM_KEY = re.compile(r"[0-9a-f]{32}")
EXPIRY_BATCH = 500


def form_key(value) -> str:
    """The posted form key when it is well-formed, else a new one (a new form)."""
    text = str(value or "").strip()
    return text if _FORM_KEY.fullmatch(text) else secrets.token_hex(16)


def pending_kept(*, user, form_key: str) -> list[PendingUpload]:
    """The files kept for this user's form, oldest first (one query)."""
    if not getattr(user, "is_authenticated", False) or not _FORM_KEY.fullmatch(form_key or ""):
        return []
    return list(
        PendingUpload.objects.filter(
            user=user, form_key=form_key, state=PendingUploadState.KEPT, expires_at__gt=clock.now()
        ).order_by("created_at", "id")
    )


def _delete_files_on_commit(names: list[str]) -> None:
    storage = PendingUpload._meta.get_field("file").storage

    def delete():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def pending_keep(*, user, form_key: str, uploads, existing_count: int = 0) -> list[PendingUpload]:
    """Keep checked uploads (``claims.uploads.check_uploads``) for the user's form: all or none.
    Refused with ``ClaimError`` when the form's claim would get more files than allowed
    (``too_many``) or the company's storage quota would be exceeded (``quota``)."""
    membership = require_partner_writer(user)
    uploads = list(uploads)
    if not uploads:
        return []
    partner_lock(membership.partner_id)  # the quota and this form's count, one request at a time
    kept = PendingUpload.objects.filter(user=user, form_key=form_key, state=PendingUploadState.KEPT).count()
    too_many = too_many_files(existing_count + kept, len(uploads))
    if too_many is not None:
        raise ClaimError(too_many, code="too_many")
    poe_quota_check(partner_id=membership.partner_id, adding=sum(upload.size for upload in uploads))
    now = clock.now()
    created = []
    try:
        for upload in uploads:
            row = PendingUpload(
                user=user,
                partner_id=membership.partner_id,
                form_key=form_key,
                name=upload.name,
                kind=upload.kind,
                content_type=upload.content_type,
                size=upload.size,
                sha256=upload.sha256,
                created_at=now,
                expires_at=now + settings.PENDING_UPLOAD_TTL,
            )
            row.file.save(upload.name, upload.file, save=False)
            created.append(row)
            row.save()
        audit_record(
            action="claims.upload.received",
            actor=user,
            data={"form": form_key, "files": [{"id": r.pk, "sha256": r.sha256, "size": r.size} for r in created]},
        )
    except BaseException:
        for row in created:  # no stored file without its row
            row.file.storage.delete(row.file.name)
        raise
    return created


@transaction.atomic
def pending_remove(*, user, form_key: str, upload_id: int) -> bool:
    """The user takes a kept file off their form. False when there is no such kept file."""
    row = (
        PendingUpload.objects.select_for_update()
        .filter(pk=upload_id, user=user, form_key=form_key, state=PendingUploadState.KEPT)
        .first()
    )
    if row is None:
        return False
    row.state, row.closed_at = PendingUploadState.REMOVED, clock.now()
    row.save(update_fields=["state", "closed_at"])
    audit_record(action="claims.upload.removed", actor=user, data={"form": form_key, "upload": row.pk})
    _delete_files_on_commit([row.file.name])
    return True


@transaction.atomic
def pending_attach(*, claim: Claim, user, form_key: str) -> list:
    """Attach the form's kept files to ``claim`` (``poe_attach_many``: all or none, under the
    claim's lock, with its file count and the quota checked). Each file is already in the PoE
    storage, so it is recorded where it is: nothing is copied. Returns the ``PoeFile`` rows.
    When an enclosing transaction rolls back, the kept rows roll back to ``kept`` with it and
    still own their files: nothing is lost and nothing needs deleting."""
    rows = list(
        PendingUpload.objects.select_for_update()
        .filter(user=user, form_key=form_key, state=PendingUploadState.KEPT, expires_at__gt=clock.now())
        .order_by("created_at", "id")
    )
    if not rows:
        return []
    # Closed first: the quota then counts these bytes once, as the claim's PoE.
    PendingUpload.objects.filter(pk__in=[r.pk for r in rows]).update(
        state=PendingUploadState.ATTACHED, claim=claim, closed_at=clock.now()
    )
    uploads = [
        CheckedUpload(
            name=row.name,
            file=None,
            size=row.size,
            sha256=row.sha256,
            kind=row.kind,
            content_type=row.content_type,
            stored_name=row.file.name,
        )
        for row in rows
    ]
    return poe_attach_many(claim=claim, user=user, uploads=uploads)


def pending_expire(*, batch: int = EXPIRY_BATCH) -> int:
    """The sweep: kept files past their expiry become ``expired`` and their files are deleted.
    Set-based, a batch at a time (the partial index on ``expires_at`` finds them). Returns how
    many expired."""
    now = clock.now()
    with transaction.atomic():
        rows = list(
            PendingUpload.objects.select_for_update(skip_locked=True)
            .filter(state=PendingUploadState.KEPT, expires_at__lte=now)
            .order_by("expires_at")
            .values_list("pk", "file")[:batch]
        )
        if not rows:
            return 0
        PendingUpload.objects.filter(pk__in=[pk for pk, _name in rows]).update(
            state=PendingUploadState.EXPIRED, closed_at=now
        )
        audit_record(action="claims.upload.expired", data={"count": len(rows)})
        _delete_files_on_commit([name for _pk, name in rows])
    return len(rows)
