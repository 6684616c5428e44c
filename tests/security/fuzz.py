"""The parameter fuzzer's parts: the corpus, how each route's parameters are found, and how a
request is made of them (``tests/security/test_fuzz.py`` plans and sends the requests).

How the parameters of a route are found — read from the pages, not from a hand list per route:

1. **Crawl** (``test_fuzz.discover``). Every page of the access matrix that takes GET
   (``matrix.ROUTES`` on its "own" object), every admin URL the matrix builds, and the pages of
   Contoso's claims and cases in each state an action applies to, are fetched by the actors
   that draw different forms: anonymous, a partner admin (the claim form and the partner's
   action forms), a review lead (the reviewer's and the lead's forms) and the superuser (the
   admin's). The links of each page are followed (same site, a route of the resolver, a few
   pages per route and actor).
2. **Parse** (``PageParser``, Python's HTML parser, and ``Surfaces.add_page``):
   - every ``<form>`` gives the route its ``action`` resolves to the names of its inputs,
     selects, textareas and buttons, and the values a browser would send for it as drawn (the
     *baseline*: hidden values, checked boxes, selected options, the first submit button; empty
     text filled in, a choice with nothing chosen set to its first option, so a hostile value in
     one field meets valid values in the others and reaches the service). A POST route keeps
     the form drawn for the most privileged actor, with its URL (e.g. the withdraw form of a
     submitted claim, the award form of an open case, the reopen form of a decided one);
   - every ``href``/``action``/``formaction``/``src`` with a query string gives its route the
     query's keys;
   - an element with ``hx-get``/``hx-post`` gives its target its own ``name``, the names its
     ``hx-include`` selects (``#id``, ``[name=…]``) with their drawn values (a live check's other
     field), the keys of its ``hx-vals`` and, for a non-GET request inside a form, that form's
     names (what htmx sends);
   - a GET route also takes the names of the forms on its own page (a page reads what it draws).
3. **Floor** (``FLOOR``). Every route also gets the names the project's views and forms read,
   so a parameter no page draws in this world (a page number with one page of rows, an action
   whose form is not drawn) is still sent; a route that no page links or posts to gets the
   matrix's URL, body and the most privileged actor it lets through.

Names whose drawn values are ASCII numbers (ids, versions, ``pk:version`` pairs, the options of a
select) or that are known to carry numbers (``NUMERIC``) are "numeric-looking": they are also
fuzzed one at a time.
"""

import json
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.urls import Resolver404, resolve

# --- the corpus ------------------------------------------------------------------------------

MAX_ID = 2**63 - 1
CORPUS = (
    # digits that str.isdigit() accepts and int() refuses, and digits of other scripts
    "²",
    "①",
    "٣",
    "५",
    "໓",
    "１２３",
    # letters of several scripts
    "ж",
    "中",
    "ا",
    "Ω",
    # numbers beyond any database integer, and at its edge
    str(MAX_ID + 1),
    str(MAX_ID),
    "1" + "0" * 30,
    "-1",
    str(-(MAX_ID + 2)),
    # empty, NUL, long
    "",
    "\x00",
    "a\x00b",
    "9" * 10_240,
    "ж" * 5_120,  # 10 kB in UTF-8
    # almost numbers
    "1e3",
    " 1",
    "1.0",
    # pk:version pairs gone wrong
    "2:²",
    f"2:{MAX_ID + 1}",
    # lists where one value is expected (the same key twice, different values)
    ("1", "2"),
    ("²", str(MAX_ID + 1)),
)


def label(value) -> str:
    """A short, printable name for a corpus value (for failure messages)."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}…({len(str(value))} chars)"


def shape_values(baseline_value: str) -> list[str]:
    """Extra values for a field whose drawn value is a ``pk:version[,pk:version]`` list: each
    number in turn made hostile, the rest kept (so the form's own decoder meets them)."""
    if not re.fullmatch(r"[0-9]+(:[0-9]+)?(,[0-9]+(:[0-9]+)?)*", baseline_value or "") or ":" not in baseline_value:
        return []
    numbers = list(re.finditer(r"[0-9]+", baseline_value))
    out = []
    for match in numbers:
        for bad in ("²", str(MAX_ID + 1)):
            out.append(baseline_value[: match.start()] + bad + baseline_value[match.end() :])
    out.append(baseline_value + ",")  # a trailing empty pair
    out.append(baseline_value.replace(":", "::", 1))
    return out


# Names the views and forms read (``request.GET``/``POST`` and form fields), and the admin's
# changelist names: sent to every route with the drawn ones, whether or not a page draws them.
FLOOR = (
    "version",
    "products",
    "mpn",
    "claim_versions",
    "claims",
    "claim",
    "ask",
    "before",
    "page",
    "cursor",
    "per",
    "status",
    "q",
    "partner",
    "assignee",
    "winner",
    "reason",
    "reasons",
    "message",
    "body",
    "justification",
    "internal",
    "visibility",
    "action",
    "to_me",
    "confirm",
    "next",
    "language",
    "tenant_id",
    "domain",
    "subscription_id",
    "subscription",
    "subscription_ref",
    "customer_tenant_id",
    "customer_domain",
    "solution_area",
    "activity",
    "sort",
    "order",
    "all",
    "username",
    "password",
    "o",
    "p",
    "_selected_action",
    "index",
    "select_across",
)
# Names that carry numbers wherever they appear (also fuzzed one at a time).
NUMERIC = frozenset(
    {
        "version",
        "products",
        "mpn",
        "claim_versions",
        "claims",
        "claim",
        "ask",
        "before",
        "page",
        "cursor",
        "per",
        "partner",
        "assignee",
        "winner",
        "p",
        "_selected_action",
        "index",
        "id",
        "pk",
        "subscription",
        "object_id",
    }
)
NEVER_FUZZED = frozenset({"csrfmiddlewaretoken"})
_NUMBERISH = re.compile(r"[0-9]+(:[0-9]+)?(,[0-9]+(:[0-9]+)?)*")
TEXT_TYPES = frozenset({"text", "search", "password", "tel", "url", ""})
FILLER = {"email": "fuzz@example.com", "text": "Fuzz text"}


# --- reading a page ---------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list = field(default_factory=list)  # (name, kind, value, checked)
    hx: bool = False  # hx-post/hx-get on the form itself (its action then)


@dataclass
class Link:
    url: str
    method: str  # get | post (hx-post)
    names: set = field(default_factory=set)  # names htmx sends with it besides the query
    includes: list = field(default_factory=list)  # hx-include selectors to resolve
    form: int | None = None  # index of the enclosing form (non-GET htmx sends it)


class PageParser(HTMLParser):
    """Forms (with the values a browser sends), links and htmx requests of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[Link] = []
        self.ids: dict[str, str] = {}  # element id → name
        self._form: int | None = None
        self._select = None  # [name, options [(value, selected)], multiple]
        self._option = None
        self._textarea = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in ("form", "select", "textarea", "option"):
            self.handle_endtag(tag)

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        name = a.get("name")
        if "id" in a and name:
            self.ids[a["id"]] = name
        if tag == "form":
            method = (a.get("method") or "get").lower()
            action = a.get("action", "")
            hx = False
            for verb in ("post", "get"):
                if f"hx-{verb}" in a:
                    action, method, hx = a[f"hx-{verb}"], verb, True
            self.forms.append(Form(action=action, method=method, hx=hx))
            self._form = len(self.forms) - 1
        elif tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            self._field(name, kind, a.get("value", "on" if kind in ("checkbox", "radio") else ""), "checked" in a)
        elif tag == "button" and name:
            self._field(name, (a.get("type") or "submit").lower(), a.get("value", ""), False)
        elif tag == "select" and name:
            self._select = [name, [], "multiple" in a]
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "selected" in a, ""]
            self._select[1].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, []]
        for attr in ("href", "action", "formaction", "src"):
            if a.get(attr) and "?" in a[attr] and tag != "form":
                self.links.append(Link(url=a[attr], method="get"))
        for verb in ("get", "post", "put", "patch", "delete"):
            url = a.get(f"hx-{verb}")
            if url is None or tag == "form":
                continue
            link = Link(url=url or "", method="get" if verb == "get" else "post", form=self._form)
            if name:
                link.names.add(name)
            if a.get("hx-include"):
                link.includes = [s.strip() for s in a["hx-include"].split(",") if s.strip()]
            vals = (a.get("hx-vals") or "").strip()
            if vals and not vals.startswith(("js:", "javascript:")):
                try:
                    link.names |= set(json.loads(vals))
                except (ValueError, TypeError):
                    pass
            self.links.append(link)

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            name, options, multiple = self._select
            values = [(v if v is not None else t.strip(), selected) for v, selected, t in options]
            self._field(name, "select-multiple" if multiple else "select", values, False)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self._field(name, "textarea", "".join(text).lstrip("\n"), False)
            self._textarea = None

    def _field(self, name, kind, value, checked):
        if self._form is not None:
            self.forms[self._form].fields.append((name, kind, value, checked))

    def names_of(self, selector: str) -> set[str]:
        """The names an ``hx-include`` selector picks (``#id``, ``[name=x]``, ``closest form``)."""
        if selector.startswith("#"):
            found = self.ids.get(selector[1:])
            return {found} if found else set()
        m = re.fullmatch(r"\[name=['\"]?([^'\"\]]+)['\"]?\]", selector)
        return {m[1]} if m else set()


def baseline(form: Form) -> list[tuple[str, str]]:
    """What a browser sends for the form as drawn, with blanks filled so it would pass: empty
    text gets text, a select or radio group with nothing chosen its first real option, a box
    group with nothing ticked its first box; the first submit button; no files."""
    pairs, groups, submitted = [], {}, False
    for name, kind, value, checked in form.fields:
        if name in NEVER_FUZZED or kind == "file":
            continue
        if kind in ("checkbox", "radio"):
            groups.setdefault(name, []).append((value, checked))
        elif kind in ("submit", "image"):
            if not submitted:
                pairs.append((name, value))
                submitted = True
        elif kind == "button" or kind == "reset":
            continue
        elif kind in ("select", "select-multiple"):
            chosen = [v for v, s in value if s] or [v for v, _s in value if v][:1]
            pairs += [(name, v) for v in chosen]
        elif kind == "textarea" or kind in TEXT_TYPES or kind == "email":
            pairs.append((name, value or FILLER.get(kind, FILLER["text"])))
        else:  # hidden, number, date, …: as drawn
            pairs.append((name, value))
    for name, boxes in groups.items():
        chosen = [v for v, c in boxes if c] or [boxes[0][0]]
        pairs += [(name, v) for v in chosen]
    return pairs


# --- what the pages say about each route ------------------------------------------------------


def route_key(path: str) -> str | None:
    """The matrix's key for a path: ``ns:name``, or the full pattern when unnamed."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name if match.url_name else match.route


@dataclass
class Surface:
    """What one route takes by one method, and where to send it."""

    key: str
    method: str
    url: str = ""
    actor: str = ""  # the most privileged actor that was shown the form or link
    drawn: set = field(default_factory=set)  # the names its forms and links send (each also fuzzed alone)
    names: set = field(default_factory=set)  # all it is sent in the batched requests (drawn + page + floor)
    numeric: set = field(default_factory=set)
    base: list = field(default_factory=list)  # the form as drawn (POST), the values htmx includes (GET)
    seen: int = 0  # forms/links found for it
    shapes: dict = field(default_factory=dict)  # name → extra values (pk:version fields)


RANK = ("superuser", "lead", "reviewer", "contoso.admin", "contoso.viewer", "fabrikam.admin", "anonymous")


class Surfaces(dict):
    """(route key, method) → Surface, built from the pages of the crawl."""

    def get_or_add(self, key, method) -> Surface:
        return self.setdefault((key, method), Surface(key=key, method=method))

    def add_page(self, page_url: str, html: str, actor: str) -> list[str]:
        """Read one page (``actor`` was shown it); returns the same-site URLs it links to."""
        parser = PageParser()
        parser.feed(html)
        parser.close()
        parts = urlsplit(page_url)
        page_key = route_key(parts.path)
        if page_key is not None:
            page = self.get_or_add(page_key, "get")
            if not page.actor or RANK.index(actor) < RANK.index(page.actor):
                page.url, page.actor = parts.path, actor
        drawn, page_names = {}, set()  # name → value as drawn (what htmx includes)
        for form in parser.forms:
            names = {n for n, kind, _v, _c in form.fields if n not in NEVER_FUZZED and kind != "file"}
            page_names |= names
            self._note(urljoin(page_url, form.action or page_url), form.method, names, actor, form=form)
            for k, v in baseline(form):
                drawn.setdefault(k, v)
        follow = []
        for link in parser.links:
            target = urljoin(page_url, link.url)
            names = set(link.names)
            for selector in link.includes:
                names |= parser.names_of(selector)
            if link.method == "post" and link.form is not None:
                names |= {n for n, kind, _v, _c in parser.forms[link.form].fields if kind != "file"}
            names -= NEVER_FUZZED
            included = [(n, drawn[n]) for n in sorted(names) if n in drawn]
            self._note(target, link.method, names, actor, included=included)
            if link.method == "get":
                follow.append(target)
        if page_key is not None:
            self[(page_key, "get")].names |= page_names  # sent batched only: a page reads what it draws
        return follow

    def _note(self, target: str, method: str, names: set, actor: str, form: Form | None = None, included=()):
        """A form or link to ``target`` seen by ``actor``: its names, and for a POST form the
        baseline, URL and actor (the most privileged actor's form wins)."""
        parts = urlsplit(target)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            return
        key = route_key(parts.path)
        if key is None:
            return
        query = parse_qsl(parts.query, keep_blank_values=True)
        surface = self.get_or_add(key, "post" if method == "post" else "get")
        surface.drawn |= names | {k for k, _v in query}
        surface.seen += 1
        pairs = baseline(form) if form is not None else list(included)
        values = [*query, *pairs]
        if form is not None:  # every option of a select or box group, not only the chosen one
            for name, kind, value, _c in form.fields:
                values += [(name, v) for v, _s in value] if kind.startswith("select") else [(name, value)]
        for k, v in values:
            if _NUMBERISH.fullmatch(v or ""):
                surface.numeric.add(k)
            if shapes := shape_values(v):
                surface.shapes[k] = shapes
        if surface.method == "post":
            better = not surface.actor or RANK.index(actor) < RANK.index(surface.actor)
            if (form is not None and (not surface.base or better)) or not surface.url:
                surface.base, surface.url, surface.actor = pairs, parts.path, actor
        elif pairs and not surface.base:
            surface.base = pairs  # what htmx includes with the request (a live check's other field)

    def finish(self, floor=FLOOR, numeric=NUMERIC):
        for surface in self.values():
            surface.names |= surface.drawn | set(floor)
            surface.numeric |= surface.names & numeric
            surface.names -= NEVER_FUZZED
            surface.drawn -= NEVER_FUZZED
        return self


def with_value(base: list, names, value) -> list[tuple[str, str]]:
    """The baseline with each of ``names`` replaced by ``value`` (a str, or a tuple: the key
    repeated with each of its values)."""
    names = set(names)
    pairs = [(k, v) for k, v in base if k not in names]
    values = value if isinstance(value, tuple) else (value,)
    for name in sorted(names):
        pairs += [(name, v) for v in values]
    return pairs


# The corpus without its 10 kB values: what the actors refused before any parameter is read
# meet (a 10 kB value in each of 50 parameters makes a login redirect longer than Django allows,
# a 400 before the refusal that is the point).
SHORT = tuple(v for v in CORPUS if len(v) < 100)


def rotated(base: list, names, k: int, spread: int, values=CORPUS) -> list[tuple[str, str]]:
    """The corpus spread over the parameters: name ``i`` (sorted) takes value ``i*spread + k``,
    so ``spread`` such requests give every name ``spread`` values and every value appears (with
    at least ``len(values) / spread`` names)."""
    names = sorted(names)
    pairs = [(n, v) for n, v in base if n not in set(names)]
    for i, name in enumerate(names):
        value = values[(i * spread + k) % len(values)]
        pairs += [(name, v) for v in (value if isinstance(value, tuple) else (value,))]
    return pairs
