"""Models whose rows are never deleted: business evidence and history are kept.

``delete()`` on an instance or a queryset raises; rows are ended by a state change instead.
The database protects the relations too (``on_delete=PROTECT`` everywhere).
"""

from django.db import models


class DeletionForbidden(Exception):
    pass


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise DeletionForbidden(f"{self.model.__name__} rows are never deleted")


class NoDeleteModel(models.Model):
    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise DeletionForbidden(f"{type(self).__name__} rows are never deleted")
