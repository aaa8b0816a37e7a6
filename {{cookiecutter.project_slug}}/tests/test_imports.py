"""Guards of the code's layout: every import resolves and no modules import each other in a circle.

Read statically from the source (no module is imported), except the notebooks' names, which are
imported as the notebooks import them. Imports inside functions count: they fail as late as a cell.
"""

import ast
import importlib
import importlib.util
import json
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SRC = PROJECT / "src"


def _module_files():
    """Dotted module name -> (file, is_package) for every package under src/."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, package)
    return found


MODULES = _module_files()


def _defined_names(tree):
    """Names a module defines at its top level: functions, classes, assignments and imports."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.If | ast.Try):
            names |= _defined_names(ast.Module(body=[*node.body, *getattr(node, "orelse", [])], type_ignores=[]))
    return names


def _relative_imports():
    """(importing module, line, target module, imported names) of every relative import, nested ones too."""
    for name, (path, package) in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        here = name.split(".") if package else name.split(".")[:-1]
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                target = ".".join(base + ([node.module] if node.module else []))
                yield name, node.lineno, target, [alias.name for alias in node.names]


def test_every_relative_import_resolves():
    trees = {name: ast.parse(path.read_text(encoding="utf-8")) for name, (path, _) in MODULES.items()}
    broken = []
    for importer, line, target, names in _relative_imports():
        if target not in MODULES:
            broken.append(f"{importer}:{line} imports from {target}, which does not exist")
            continue
        defined = _defined_names(trees[target])
        for imported in names:
            if imported != "*" and imported not in defined and f"{target}.{imported}" not in MODULES:
                broken.append(f"{importer}:{line} imports {imported} from {target}, which does not define it")
    assert not broken, "\n".join(broken)


def _import_graph():
    graph = {name: set() for name in MODULES}
    for importer, _, target, names in _relative_imports():
        for imported in names:
            full = f"{target}.{imported}"
            graph[importer].add(full if full in MODULES else target)
    for name, (path, _) in MODULES.items():  # absolute imports of the project's own packages
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                graph[name] |= {alias.name for alias in node.names if alias.name in MODULES}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module in MODULES:
                graph[name].add(node.module)
    # importing a module runs its packages' __init__ first, but that is not an edge of the module's own
    return {name: {d for d in deps if d != name and not name.startswith(d + ".")} for name, deps in graph.items()}


def _cycles(graph):
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found, counter = {}, {}, [], set(), [], [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other_in_a_circle():
    circles = _cycles(_import_graph())
    assert not circles, "import circles: " + "; ".join(" -> ".join(c) for c in circles)


def test_the_cycle_finder_finds_a_planted_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]


def _notebook_imports():
    """(notebook, module, name) of every `from <project package> import name` in the notebooks' code cells."""
    packages = {name.split(".")[0] for name in MODULES}
    for path in sorted((PROJECT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] != "code":
                continue
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in packages:
                    for alias in node.names:
                        yield path.name, node.module, alias.name


NOTEBOOK_IMPORTS = sorted(set(_notebook_imports()))


def test_notebooks_import_the_project_code():
    assert len(NOTEBOOK_IMPORTS) > 10


@pytest.mark.parametrize("notebook, module, name", NOTEBOOK_IMPORTS)
def test_every_name_a_notebook_imports_resolves(notebook, module, name):
    imported = importlib.import_module(module)
    assert hasattr(imported, name) or importlib.util.find_spec(f"{module}.{name}") is not None, (
        f"{notebook} imports {name} from {module}, which does not define it")
