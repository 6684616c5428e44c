"""Render deploy/nginx.conf.template for this machine (docs/operations.md, "Serving").

    manage.py nginx_config --listen 127.0.0.1:8000 --upstream 127.0.0.1:8001 --output var/nginx/nginx.conf

The request body limit comes from the PoE settings, so nginx refuses exactly what the portal
would refuse anyway, before it reaches gunicorn."""

import os
import shutil
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

TEMPLATE = Path(settings.BASE_DIR) / "deploy" / "nginx.conf.template"
TEMP_DIRS = ("body", "proxy", "fastcgi", "uwsgi", "scgi")
MULTIPART_SLACK = 1024 * 1024  # boundaries and part headers of a form with many files


def body_limit() -> int:
    """Bytes: the most PoE files one claim may hold, each at the size limit, plus the form."""
    files = settings.POE_MAX_FILE_BYTES * settings.POE_MAX_FILES_PER_CLAIM
    return files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + MULTIPART_SLACK


class Command(BaseCommand):
    help = "Write the nginx configuration for this machine (deploy/nginx.conf.template)."

    def add_arguments(self, parser):
        parser.add_argument("--listen", default="127.0.0.1:8000", help="where nginx listens (host:port)")
        parser.add_argument("--upstream", default="127.0.0.1:8001", help="gunicorn's address (host:port)")
        parser.add_argument("--run-dir", default=str(settings.VAR_DIR / "nginx"), help="pid, logs and buffers")
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, listen, upstream, run_dir, output, **options):
        run = Path(run_dir).resolve()
        as_root = hasattr(os, "geteuid") and os.geteuid() == 0
        for name in TEMP_DIRS:
            (run / name).mkdir(parents=True, exist_ok=True)
            if as_root:  # nginx's workers drop to nobody and must write their buffers
                shutil.chown(run / name, user="nobody", group="nogroup")
        values = {
            "RUN_DIR": str(run),
            "LISTEN": listen,
            "UPSTREAM": upstream,
            "BODY_LIMIT": str(body_limit()),
            "USER": "user nobody nogroup;" if as_root else "",
        }
        text = TEMPLATE.read_text()
        for key, value in values.items():
            text = text.replace(f"@@{key}@@", value)
        if output:
            Path(output).write_text(text)
        else:
            self.stdout.write(text, ending="")
