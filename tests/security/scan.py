"""Looking at HTML the way a browser would: what in it could run script.

``problems(html)`` parses the markup (Python's HTML parser, which decodes character
references in attribute values as a browser does) and lists every element that could run
script or that the Content-Security-Policy would block:

- a ``<script>`` without ``src``, or with a ``src`` on another origin;
- an event-handler attribute (``onerror=``, ``onload=`` …) or ``hx-on*``;
- a ``javascript:``/``vbscript:``/``data:text/html`` URL in a URL-carrying attribute
  (after the decoding and whitespace a browser ignores, so ``javascript&#58;``,
  `` javascript:`` and ``java\\tscript:`` count);
- a ``style=`` attribute, a ``<style>`` element, ``<meta http-equiv=refresh>``,
  ``<base>``, ``<object>``/``<embed>``, or an ``<iframe>`` whose ``src`` is not our own.

Text that merely *shows* a payload (``&lt;script&gt;``) is not a problem: it is what escaping
is for.
"""

import re
from html.parser import HTMLParser

URL_ATTRS = {
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "data",
    "poster",
    "background",
    "srcdoc",
    "hx-get",
    "hx-post",
    "hx-put",
    "hx-patch",
    "hx-delete",
    "ping",
    "cite",
}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


def _scheme_text(value: str) -> str:
    return _IGNORED_IN_SCHEME.sub("", value or "").lower()


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.tags = 0

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_starttag(self, tag, attrs):
        self.tags += 1
        where = f"<{tag} {' '.join(f'{k}={v!r}' for k, v in attrs)[:160]}>"
        names = {k for k, _v in attrs}
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"event handler {name}= in {where}")
            if name == "style":
                self.found.append(f"inline style= in {where}")
            if name in URL_ATTRS and _scheme_text(value).startswith(DANGEROUS_SCHEMES):
                self.found.append(f"script URL in {name}= of {where}")
            if name == "hx-vals" and (value or "").lstrip().startswith(("js:", "javascript:")):
                self.found.append(f"hx-vals evaluates script in {where}")
        if tag == "script":
            src = values.get("src") or ""
            if "src" not in names:
                self.found.append(f"inline <script> in {where}")
            elif not src.startswith("/") or src.startswith("//"):
                self.found.append(f"<script> from another origin: {where}")
        elif tag == "style":
            self.found.append("inline <style> element")
        elif tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.found.append(f"meta refresh: {where}")
        elif tag in ("base", "object", "embed", "applet"):
            self.found.append(f"<{tag}> element: {where}")
        elif tag in ("iframe", "frame"):
            src = values.get("src") or ""
            if not src.startswith("/") or src.startswith("//"):
                self.found.append(f"frame from elsewhere: {where}")


def problems(html: str) -> list[str]:
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    return scanner.found


TEMPLATE_LEAKS = ("WSGIRequest", "<WSGIRequest", "sql_queries", "{&#x27;True&#x27;: True", "{'True': True")


def evaluated_template_syntax(html: str) -> list[str]:
    """Signs that ``{{ request }}`` or ``{% debug %}`` typed by a user was evaluated."""
    return [leak for leak in TEMPLATE_LEAKS if leak in html]
