"""The import graph keeps its layers (docs/architecture.md, "Layers").

Read from the source with ``ast`` (nothing is imported), over every non-test, non-migration
module of the project, imports inside function bodies included:

- no import cycle among the project's modules;
- no module imports another module's ``_private`` name;
- no function-level import of a project module (a function-level import is allowed only for
  an optional heavy package, such as ``psycopg`` on PostgreSQL);
- every module sits in a layer, and imports only from its own layer or a lower one:
  interface → use cases → primitives → leaves → models → lib;
- ``notifications`` (a leaf every writer calls) imports nothing of ``claims`` or ``arbitration``
  but their models and the lifecycle vocabulary.

The checks are functions of a source tree, so the tests at the end run them on small trees
with a planted cycle, private import and upward import, and see each one caught.
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".venv", "venv", "node_modules", "migrations", "tests", "static", "var", "locale", "templates", "docs"}

# (layer, module patterns), lowest first; a module's layer is its first match from the top
# of this list downwards, so specific patterns come before general ones within the list.
LAYERS = [
    (
        "lib",
        [
            "lib",
            "lib.*",
            "cpor_portal",
            "cpor_portal.settings",
            "cpor_portal.settings_test",
            "cpor_portal.celery",
            "cpor_portal.formats",
            "cpor_portal.formats.*",
        ],
    ),
    (
        "models",
        [
            "*.models",
            "*.apps",
            "accounts.roles",
            "claims.states",
            "claims.errors",
            "claims.cache",
            "claims.references",
            "review.params",
            "consent.errors",
        ],
    ),
    (
        "leaves",
        [
            "accounts.lockout",
            "claims.filetypes",
            "audit.services",
            "notifications.services",
            "notifications.texts",
            "notifications.sending",
            "partners.selectors",
            "directory.lookup",
            "directory.importer",
            "claims.sla",
            "claims.messages",
            "claims.guidance",
            "claims.keys",
            "claims.poe_template_pdf",
            "consent.tokens",
            "consent.sending",
            "consent.requests",
        ],
    ),
    (
        "primitives",
        [
            "claims.transitions",
            "arbitration.membership",
            "claims.access",
            "claims.validation",
            "claims.uploads",
            "*.selectors",
            "*.filters",
            "review.cursor",
            "review.checks",
            "review.dashboard",
        ],
    ),
    (
        "use cases",
        [
            "claims.services",
            "claims.pending",
            "arbitration.services",
            "claims.jobs",
            "claims.jobs.*",
            "consent.services",
            "consent.jobs",
        ],
    ),
    (
        "interface",
        [
            "*.views",
            "*.urls",
            "*.tasks",
            "*.admin",
            "*.forms",
            "*.rows",
            "*.middleware",
            "*.context_processors",
            "*.templatetags",
            "*.templatetags.*",
            "*.management",
            "*.management.*",
            "cpor_portal.wsgi",
            "deploy.*",  # process configuration (gunicorn's)
            "partner_portal",
            "partner_portal.*",
            "demo",
            "demo.*",
            "bench",
            "bench.*",
            "manage",
            "accounts",
            "partners",
            "directory",
            "claims",
            "arbitration",
            "audit",
            "notifications",
            "review",
            "consent",
        ],
    ),
]
RANK = {name: rank for rank, (name, _patterns) in enumerate(LAYERS)}
# What notifications may import of the apps that call it.
NOTIFICATIONS_MAY_IMPORT = {"claims.models", "claims.states", "claims.sla", "claims.references", "arbitration.models"}
# The benchmark harness runs as a script (``python -m bench.run``, and a fresh process per case)
# that configures Django itself: it can import the project's models only after django.setup().
FUNCTION_IMPORTS_ALLOWED_IN = ("bench.",)


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    name: str  # the imported name, for ``from module import name``
    line: int
    in_function: bool


def project_modules(root: Path) -> dict[str, Path]:
    modules = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS or part.startswith(".") for part in rel.parts[:-1]):
            continue
        if path.name.startswith("test_") or path.name == "conftest.py":
            continue
        name = ".".join(rel.with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _resolve(name: str, modules) -> str | None:
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _walk(tree: ast.AST, in_function: bool = False):
    for node in ast.iter_child_nodes(tree):
        inside = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node, in_function
        yield from _walk(node, inside)


def project_imports(root: Path) -> tuple[dict[str, Path], list[Import]]:
    modules = project_modules(root)
    found = []
    for source, path in modules.items():
        package = source if path.name == "__init__.py" else source.rpartition(".")[0]
        for node, in_function in _walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    target = _resolve(alias.name, modules)
                    if target and target != source:
                        found.append(Import(source, target, "", node.lineno, in_function))
                continue
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in modules:  # ``from package import module``
                    target, name = full, ""
                else:
                    target, name = _resolve(base, modules), alias.name
                if target and target != source:
                    found.append(Import(source, target, name, node.lineno, in_function))
    return modules, found


def layer_of(module: str) -> str | None:
    for name, patterns in LAYERS:
        if any(fnmatchcase(module, pattern) for pattern in patterns):
            return name
    return None


def cycles(modules, imports: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    edges = defaultdict(set)
    for imp in imports:
        edges[imp.source].add(imp.target)
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(modules):
        if v not in index:
            visit(v)
    return found


def private_imports(imports: list[Import]) -> list[str]:
    return [
        f"{imp.source}:{imp.line} imports {imp.target}.{imp.name}"
        for imp in imports
        if imp.name.startswith("_") and not imp.name.startswith("__")
    ]


def function_level_imports(imports: list[Import], allowed_in=()) -> list[str]:
    found = {
        f"{imp.source}:{imp.line} imports {imp.target} inside a function"
        for imp in imports
        if imp.in_function and not imp.source.startswith(allowed_in)
    }
    return sorted(found)


def unplaced(modules) -> list[str]:
    return [m for m in sorted(modules) if layer_of(m) is None]


def upward_imports(imports: list[Import]) -> list[str]:
    wrong = {}
    for imp in imports:
        src, dst = layer_of(imp.source), layer_of(imp.target)
        if src and dst and RANK[dst] > RANK[src]:
            wrong[f"{imp.source} ({src}) imports {imp.target} ({dst}) at line {imp.line}"] = None
    return list(wrong)


def notifications_reaching_up(imports: list[Import]) -> list[str]:
    found = {
        f"{imp.source}:{imp.line} imports {imp.target}": None
        for imp in imports
        if imp.source.split(".")[0] == "notifications"
        and imp.target.split(".")[0] in {"claims", "arbitration"}
        and imp.target not in NOTIFICATIONS_MAY_IMPORT
    }
    return list(found)


# --- the project ------------------------------------------------------------------------------

MODULES, IMPORTS = project_imports(ROOT)


def test_the_project_is_read():
    assert {"claims.services", "claims.transitions", "notifications.services", "lib.env"} <= MODULES.keys()
    assert len(IMPORTS) > 300


def test_no_import_cycle():
    assert cycles(MODULES, IMPORTS) == []


def test_no_private_name_from_another_module():
    assert private_imports(IMPORTS) == []


def test_no_function_level_import_of_a_project_module():
    assert function_level_imports(IMPORTS, allowed_in=FUNCTION_IMPORTS_ALLOWED_IN) == []


def test_every_module_has_a_layer():
    assert unplaced(MODULES) == []


def test_imports_go_down_the_layers():
    assert upward_imports(IMPORTS) == []


def test_notifications_is_a_leaf():
    assert notifications_reaching_up(IMPORTS) == []


# --- the checks catch what they are for --------------------------------------------------------


def _tree(tmp_path: Path, files: dict[str, str]) -> tuple[dict[str, Path], list[Import]]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return project_imports(tmp_path)


def test_a_cycle_through_a_function_level_import_is_caught(tmp_path):
    modules, imports = _tree(
        tmp_path,
        {
            "claims/__init__.py": "",
            "claims/services.py": "from arbitration.services import award\n",
            "arbitration/__init__.py": "",
            "arbitration/services.py": "def award():\n    from claims.services import x\n",
        },
    )
    assert cycles(modules, imports) == [["arbitration.services", "claims.services"]]
    assert function_level_imports(imports) == ["arbitration.services:2 imports claims.services inside a function"]


def test_a_private_cross_module_import_is_caught(tmp_path):
    _modules, imports = _tree(
        tmp_path,
        {
            "claims/__init__.py": "",
            "claims/services.py": "def _save():\n    pass\n",
            "claims/jobs.py": "from claims.services import _save, claim_end\nfrom .services import _save as s\n",
        },
    )
    assert private_imports(imports) == [
        "claims.jobs:1 imports claims.services._save",
        "claims.jobs:2 imports claims.services._save",
    ]


def test_an_upward_import_and_a_notifications_reaching_up_are_caught(tmp_path):
    _modules, imports = _tree(
        tmp_path,
        {
            "claims/__init__.py": "",
            "claims/models.py": "from claims import services\n",
            "claims/services.py": "",
            "notifications/__init__.py": "",
            "notifications/services.py": "from claims.services import claim_end\nfrom claims.models import Claim\n",
        },
    )
    assert upward_imports(imports) == [
        "claims.models (models) imports claims.services (use cases) at line 1",
        "notifications.services (leaves) imports claims.services (use cases) at line 1",
    ]
    assert notifications_reaching_up(imports) == ["notifications.services:1 imports claims.services"]
