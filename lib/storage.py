"""File storage that never leaves a partial file behind.

Django's ``FileSystemStorage`` writes straight to the final name: when the write fails half-way
(the disk fills, the process is stopped, an I/O error) a truncated file stays under a name
that looks complete. Here the content goes to a temporary name in the same directory first
and is linked into place only when it is complete; a failed write removes what it wrote.

An upload already streamed to a temporary file (``temporary_file_path``) is moved to that
temporary name — a rename on the same filesystem, a chunked copy from another one (where a
failed copy would otherwise leave a truncated file under the final name) — and linked from
there in the same way, so the final name never shows a partial file and is never overwritten.
"""

import os
import secrets

from django.core.files.storage import FileSystemStorage


class AtomicFileSystemStorage(FileSystemStorage):
    def _save(self, name, content):
        directory, _sep, base = name.rpartition("/")
        # Random and ours alone; never a name ``get_available_name`` hands out for a real file.
        partial = f"{directory}/.{secrets.token_hex(8)}.part" if directory else f".{secrets.token_hex(8)}.part"
        try:
            partial = super()._save(partial, content)
        except BaseException:
            self._discard(partial)
            raise
        try:
            while True:
                try:
                    os.link(self.path(partial), self.path(name))  # fails if the name is taken
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                except OSError:  # a filesystem without hard links: rename (the name was free just now)
                    os.rename(self.path(partial), self.path(name))
                    break
        finally:
            self._discard(partial)
        return name

    def _discard(self, name) -> None:
        try:
            os.remove(self.path(name))
        except FileNotFoundError:
            pass
