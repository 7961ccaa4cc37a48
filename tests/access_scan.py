"""Which URL names the access-table tests cover, read from the test sources.

Used by `tests/test_url_coverage.py`; see its docstring for why this is a static scan.

A URL name counts as covered when it can reach the `url=` argument of a call to
`digiward.core.testing.assert_view_access` made by a test that pytest runs. The scan
follows the value through a small evaluator over the syntax tree:

- `reverse("ns:name", ...)` (also `reverse(...) + "?query"`), f-strings such as
  `f"donations:{name}"`;
- a local variable (its last assignment before the call, tuple unpacking, a `for` target
  over a literal list), a module constant, a constant imported from another test module;
- a test parameter from `@pytest.mark.parametrize` (every row; `pytest.param(...)` rows
  marked skip or xfail do not count), the parameter of a helper through its call sites,
  a module-level fixture through its `return`;
- a call of a module-level function through its `return` (a dict of URLs keyed by name,
  subscripted with a parameter).

What does not count: a name in a comment or docstring, a string anywhere else (another
function, a call of something else, a dead branch of the same table), a test marked skip,
skipif or xfail (or a module whose `pytestmark` is), a helper no test calls. A call whose
URL the evaluator cannot follow covers nothing and is listed as unresolved, so the
failure message tells its author why.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TESTING_MODULE = "digiward.core.testing"
HELPER = "assert_view_access"
_REVERSERS = {("django.urls", "reverse"), ("django.urls", "reverse_lazy")}
_SKIP_MARKS = {"skip", "skipif", "xfail"}
_MAX_OPTIONS = 2000
_MAX_DEPTH = 25


# --- Abstract values -----------------------------------------------------------------
class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Url:
    """What `reverse(...)` returns: a URL of one of these names."""

    names: frozenset[str]


@dataclass(frozen=True)
class Seq:
    items: tuple[Any, ...]


@dataclass(frozen=True)
class Dict:
    items: tuple[tuple[Any, Any], ...]


@dataclass(frozen=True)
class OneOf:
    options: tuple[Any, ...]


@dataclass(frozen=True)
class Row:
    """A `pytest.param(...)` row of a parametrize table."""

    values: tuple[Any, ...]
    skipped: bool


def options(value: Any) -> list[Any]:
    if isinstance(value, OneOf):
        out: list[Any] = []
        for option in value.options:
            out.extend(options(option))
        return out
    return [value]


def one_of(values: Iterable[Any]) -> Any:
    flat: list[Any] = []
    for value in values:
        flat.extend(options(value))
        if len(flat) > _MAX_OPTIONS:
            return UNKNOWN
    if not flat:
        return UNKNOWN
    return flat[0] if len(flat) == 1 else OneOf(tuple(flat))


def _item(value: Any, index: int) -> Any:
    out = []
    for option in options(value):
        if isinstance(option, Row):
            option = Seq(option.values)
        if isinstance(option, Seq) and -len(option.items) <= index < len(option.items):
            out.append(option.items[index])
        else:
            out.append(UNKNOWN)
    return one_of(out)


def _elements(value: Any) -> Any:
    """Every element of a sequence value (the values a `for` target takes)."""
    out = []
    for option in options(value):
        if isinstance(option, Seq):
            out.extend(item for item in option.items if not _skipped_row(item))
        elif isinstance(option, Dict):
            out.extend(key for key, _ in option.items)
        else:
            out.append(UNKNOWN)
    return one_of(out)


def _skipped_row(value: Any) -> bool:
    return isinstance(value, Row) and value.skipped


# --- Sources -------------------------------------------------------------------------
@dataclass
class Function:
    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: Module
    cls: ast.ClassDef | None = None

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def is_test(self) -> bool:
        if not self.name.startswith("test"):
            return False
        return self.cls is None or self.cls.name.startswith("Test")

    @property
    def is_fixture(self) -> bool:
        return any(_mark_name(d) == "fixture" for d in self.node.decorator_list)

    @property
    def skipped(self) -> bool:
        decorators = list(self.node.decorator_list)
        if self.cls is not None:
            decorators += self.cls.decorator_list
        return self.module.skipped or any(_mark_name(d) in _SKIP_MARKS for d in decorators)


def _mark_name(node: ast.expr) -> str | None:
    """`pytest.mark.skip(...)` → "skip"; `pytest.fixture` → "fixture"."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


@dataclass
class Module:
    path: str
    tree: ast.Module
    scanner: Scanner
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    functions: dict[str, Function] = field(default_factory=dict)
    all_functions: list[Function] = field(default_factory=list)
    enclosing: dict[int, Function] = field(default_factory=dict)
    skipped: bool = False

    def __post_init__(self) -> None:
        for node in self.tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = (alias.name, None)
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = (top, None)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self._add(Function(node, self))
                self.functions[node.name] = self.all_functions[-1]
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                        self._add(Function(item, self, cls=node))
            elif isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
            ):
                marks = node.value.elts if isinstance(node.value, ast.List) else [node.value]
                self.skipped = any(_mark_name(m) in _SKIP_MARKS for m in marks)

    def _add(self, function: Function) -> None:
        # Only the body: decorators (parametrize tables) and defaults belong to the module.
        self.all_functions.append(function)
        for statement in function.node.body:
            for inner in ast.walk(statement):
                self.enclosing.setdefault(id(inner), function)

    def qualified(self, name: str) -> tuple[str, str | None] | None:
        return self.imports.get(name)

    def is_call_of(self, call: ast.Call, targets: set[tuple[str, str]]) -> bool:
        func = call.func
        if isinstance(func, ast.Name):
            bound = self.qualified(func.id)
            return bound is not None and bound[1] is not None and (bound[0], bound[1]) in targets
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            bound = self.qualified(func.value.id)
            if bound is None:
                return False
            module = bound[0] if bound[1] is None else f"{bound[0]}.{bound[1]}"
            return (module, func.attr) in targets
        return False


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    test: str
    names: frozenset[str]
    resolved: bool


# --- The evaluator -------------------------------------------------------------------
class Scanner:
    def __init__(self, sources: Mapping[str, str], module_paths: Mapping[str, str]) -> None:
        """`sources`: path → text of each test file; `module_paths`: dotted module name
        → path, to follow `from <module> import CONSTANT` between them."""
        self.modules = {
            path: Module(path, ast.parse(text, filename=path), self)
            for path, text in sources.items()
        }
        self.module_paths = dict(module_paths)
        self._active: set[tuple[int, str]] = set()

    # Values of names --------------------------------------------------------------
    def lookup(self, name: str, at: ast.AST, module: Module, depth: int) -> Any:
        function = module.enclosing.get(id(at))
        if function is not None:
            binding = _last_binding(function.node, name, at)
            if binding is not None:
                return self._binding_value(binding, module, depth)
            if name in _parameters(function.node):
                return self.parameter(function, name, depth)
        return self.global_value(module, name, depth)

    def global_value(self, module: Module, name: str, depth: int) -> Any:
        key = (id(module), name)
        if key in self._active or depth > _MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        try:
            binding = _last_binding(module.tree, name, None)
            if binding is not None:
                return self._binding_value(binding, module, depth + 1)
            bound = module.qualified(name)
            if bound is not None and bound[1] is not None:
                other = self.module_paths.get(bound[0])
                if other is not None and other in self.modules:
                    return self.global_value(self.modules[other], bound[1], depth + 1)
            return UNKNOWN
        finally:
            self._active.discard(key)

    def _binding_value(self, binding: Binding, module: Module, depth: int) -> Any:
        statement, value_node, path = binding
        if value_node is None:
            return UNKNOWN  # rebound by something the scan does not follow
        if isinstance(statement, ast.For | ast.AsyncFor):
            value = _elements(self.evaluate(value_node, module, depth + 1))
        else:
            value = self.evaluate(value_node, module, depth + 1)
        for index in path:
            value = _item(value, index)
        return value

    def parameter(self, function: Function, name: str, depth: int) -> Any:
        key = (id(function.node), name)
        if key in self._active or depth > _MAX_DEPTH:
            return UNKNOWN
        self._active.add(key)
        try:
            return one_of(self._parameter_sources(function, name, depth + 1))
        finally:
            self._active.discard(key)

    def _parameter_sources(self, function: Function, name: str, depth: int) -> Iterator[Any]:
        module = function.module
        found = False
        for decorator in function.node.decorator_list:
            if _mark_name(decorator) != "parametrize" or not isinstance(decorator, ast.Call):
                continue
            names = _parametrize_names(decorator)
            if name not in names or len(decorator.args) < 2:
                continue
            found = True
            index = names.index(name)
            rows = self.evaluate(decorator.args[1], module, depth)
            for row in options(_elements(rows)):
                if isinstance(row, Row):
                    yield row.values[index] if index < len(row.values) else UNKNOWN
                elif len(names) == 1:
                    yield row
                else:
                    yield _item(row, index)
        if found:
            return
        if function.is_test:
            fixture = module.functions.get(name)
            if fixture is not None and fixture.is_fixture:
                yield from self._returns(fixture, depth)
            else:
                yield UNKNOWN
            return
        # A helper: whatever its callers pass (callers that run, in this module).
        arguments = list(function.node.args.posonlyargs) + list(function.node.args.args)
        position = next((i for i, a in enumerate(arguments) if a.arg == name), None)
        if function.cls is not None and position is not None:
            position -= 1  # self
        for call, caller in self._call_sites(function):
            if not self.reachable(caller):
                continue
            passed = next((k.value for k in call.keywords if k.arg == name), None)
            if (
                passed is None
                and position is not None
                and 0 <= position < len(call.args)
                and not any(isinstance(a, ast.Starred) for a in call.args[: position + 1])
            ):
                passed = call.args[position]
            if passed is None:
                default = _default(function.node, name)
                yield UNKNOWN if default is None else self.evaluate(default, module, depth)
            else:
                yield self.evaluate(passed, module, depth)

    def _call_sites(self, function: Function) -> Iterator[tuple[ast.Call, Function]]:
        module = function.module
        for node in ast.walk(module.tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == function.name
                and function.cls is None
            ):
                caller = module.enclosing.get(id(node))
                if caller is not None and caller is not function:
                    yield node, caller

    def reachable(self, function: Function, seen: frozenset[int] = frozenset()) -> bool:
        """A test that runs, or a helper that such a test calls (directly or not)."""
        if function.is_test:
            return not function.skipped
        if id(function.node) in seen:
            return False
        return any(
            self.reachable(caller, seen | {id(function.node)})
            for _call, caller in self._call_sites(function)
        )

    def _returns(self, function: Function, depth: int) -> Iterator[Any]:
        found = False
        for node in _own_nodes(function.node):
            if isinstance(node, ast.Return) and node.value is not None:
                found = True
                yield self.evaluate(node.value, function.module, depth)
        if not found:
            yield UNKNOWN

    # Expressions -------------------------------------------------------------------
    def evaluate(self, node: ast.expr, module: Module, depth: int = 0) -> Any:
        if depth > _MAX_DEPTH:
            return UNKNOWN
        depth += 1
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            return self.lookup(node.id, node, module, depth)
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            items: list[Any] = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    spliced = self.evaluate(element.value, module, depth)
                    if isinstance(spliced, Seq):
                        items.extend(spliced.items)
                    else:
                        return UNKNOWN
                else:
                    items.append(self.evaluate(element, module, depth))
            return Seq(tuple(items))
        if isinstance(node, ast.Dict):
            pairs: list[tuple[Any, Any]] = []
            for key, value in zip(node.keys, node.values, strict=True):
                if key is None:
                    spliced = self.evaluate(value, module, depth)
                    if not isinstance(spliced, Dict):
                        return UNKNOWN
                    pairs.extend(spliced.items)
                else:
                    pairs.append(
                        (self.evaluate(key, module, depth), self.evaluate(value, module, depth))
                    )
            return Dict(tuple(pairs))
        if isinstance(node, ast.JoinedStr):
            return self._fstring(node, module, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left = self.evaluate(node.left, module, depth)
            right = self.evaluate(node.right, module, depth)
            return one_of(_add(a, b) for a in options(left) for b in options(right))
        if isinstance(node, ast.IfExp):
            return one_of(
                [self.evaluate(node.body, module, depth), self.evaluate(node.orelse, module, depth)]
            )
        if isinstance(node, ast.Subscript):
            return self._subscript(node, module, depth)
        if isinstance(node, ast.Call):
            return self._call(node, module, depth)
        return UNKNOWN

    def _fstring(self, node: ast.JoinedStr, module: Module, depth: int) -> Any:
        parts: list[list[str]] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append([value.value])
            elif isinstance(value, ast.FormattedValue) and value.format_spec is None:
                found = options(self.evaluate(value.value, module, depth))
                if not all(isinstance(f, str | int) and not isinstance(f, bool) for f in found):
                    return UNKNOWN
                parts.append([str(f) for f in found])
            else:
                return UNKNOWN
        combined = ["".join(p) for p in itertools.islice(itertools.product(*parts), _MAX_OPTIONS)]
        return one_of(combined)

    def _subscript(self, node: ast.Subscript, module: Module, depth: int) -> Any:
        container = self.evaluate(node.value, module, depth)
        keys = options(self.evaluate(node.slice, module, depth))
        if any(key is UNKNOWN or isinstance(key, Seq | Dict | Url) for key in keys):
            return UNKNOWN
        out = []
        for option in options(container):
            if isinstance(option, Dict):
                for key in keys:
                    matches = [v for k, v in option.items if k == key]
                    out.append(matches[-1] if matches else UNKNOWN)
            elif isinstance(option, Seq):
                for key in keys:
                    out.append(_item(option, key) if isinstance(key, int) else UNKNOWN)
            else:
                out.append(UNKNOWN)
        return one_of(out)

    def _call(self, node: ast.Call, module: Module, depth: int) -> Any:
        if module.is_call_of(node, _REVERSERS):
            target = node.args[0] if node.args else None
            target = next((k.value for k in node.keywords if k.arg == "viewname"), target)
            if target is None:
                return UNKNOWN
            names = options(self.evaluate(target, module, depth))
            if not all(isinstance(n, str) for n in names):
                return UNKNOWN
            return Url(frozenset(names))
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "param" and _is_pytest(func.value):
            marks = next((k.value for k in node.keywords if k.arg == "marks"), None)
            skipped = marks is not None and any(
                _mark_name(m) in _SKIP_MARKS
                for m in (marks.elts if isinstance(marks, ast.Tuple | ast.List) else [marks])
            )
            return Row(tuple(self.evaluate(a, module, depth) for a in node.args), skipped)
        if isinstance(func, ast.Name) and func.id in module.functions:
            callee = module.functions[func.id]
            if not callee.is_fixture:
                return one_of(self._returns(callee, depth))
        return UNKNOWN

    # Findings ----------------------------------------------------------------------
    def findings(self) -> Iterator[Finding]:
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if not (isinstance(node, ast.Call) and self._is_helper_call(module, node)):
                    continue
                function = module.enclosing.get(id(node))
                if function is None or not self.reachable(function):
                    continue
                url = next((k.value for k in node.keywords if k.arg == "url"), None)
                found = options(self.evaluate(url, module)) if url is not None else [UNKNOWN]
                names = frozenset(n for f in found if isinstance(f, Url) for n in f.names)
                yield Finding(
                    path=module.path,
                    line=node.lineno,
                    test=function.name,
                    names=names,
                    resolved=all(isinstance(f, Url) for f in found),
                )

    @staticmethod
    def _is_helper_call(module: Module, node: ast.Call) -> bool:
        return module.is_call_of(node, {(TESTING_MODULE, HELPER)})


def _is_pytest(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "pytest"


def _add(left: Any, right: Any) -> Any:
    if isinstance(left, Url):
        return left  # reverse(...) + "?query": still that URL
    if isinstance(left, str) and isinstance(right, str):
        return left + right
    if isinstance(left, Seq) and isinstance(right, Seq):
        return Seq(left.items + right.items)
    return UNKNOWN


def _parametrize_names(decorator: ast.Call) -> list[str]:
    if not decorator.args:
        return []
    first = decorator.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return [n.strip() for n in first.value.split(",") if n.strip()]
    if isinstance(first, ast.Tuple | ast.List):
        return [e.value for e in first.elts if isinstance(e, ast.Constant)]
    return []


def _parameters(node: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = node.args
    every = args.posonlyargs + args.args + args.kwonlyargs
    return {a.arg for a in every}


def _default(node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    args = node.args
    positional = args.posonlyargs + args.args
    for arg, default in zip(
        positional[len(positional) - len(args.defaults) :], args.defaults, strict=True
    ):
        if arg.arg == name:
            return default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        if arg.arg == name:
            return kw_default
    return None


def _own_nodes(root: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function or module body, not of the functions or classes inside."""
    stack = list(ast.iter_child_nodes(root))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda):
            continue
        stack.extend(ast.iter_child_nodes(node))


def _target_paths(target: ast.expr, path: list[int]) -> Iterator[tuple[str, list[int]]]:
    if isinstance(target, ast.Name):
        yield target.id, path
    elif isinstance(target, ast.Tuple | ast.List):
        for index, element in enumerate(target.elts):
            if isinstance(element, ast.Starred):
                return  # `a, *rest = ...`: positions after it are unknowable here
            yield from _target_paths(element, [*path, index])


Binding = tuple[ast.AST, ast.expr | None, list[int]]


def _last_binding(scope: ast.AST, name: str, use: ast.AST | None) -> Binding | None:
    """The binding of `name` in `scope` that is in force at `use` (the last one before it;
    for a module-level lookup from a function, the last one in the module)."""
    best: tuple[tuple[int, int], Binding] | None = None
    for node in _own_nodes(scope):
        candidates: list[tuple[ast.expr, ast.expr | None]] = []
        if isinstance(node, ast.Assign):
            candidates = [(t, node.value) for t in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            candidates = [(node.target, node.value)]
        elif isinstance(node, ast.For | ast.AsyncFor):
            candidates = [(node.target, node.iter)]
        elif isinstance(node, ast.AugAssign | ast.NamedExpr | ast.With | ast.AsyncWith):
            candidates = [(t, None) for t in _opaque_targets(node)]
        for target, value in candidates:
            for bound_name, path in _target_paths(target, []):
                if bound_name != name:
                    continue
                if not _before(node, use):
                    continue
                position = (node.lineno, node.col_offset)
                if best is None or position > best[0]:
                    best = (position, (node, value, path))
    return best[1] if best else None


def _opaque_targets(node: ast.AST) -> list[ast.expr]:
    """Targets bound by something the scan does not evaluate (`+=`, `:=`, `with ... as`)."""
    if isinstance(node, ast.AugAssign | ast.NamedExpr):
        return [node.target]
    if isinstance(node, ast.With | ast.AsyncWith):
        return [item.optional_vars for item in node.items if item.optional_vars is not None]
    return []


def _before(statement: ast.AST, use: ast.AST | None) -> bool:
    """Is `statement` in force at `use`: it ends before it, or it is a loop around it."""
    if use is None:
        return True
    if isinstance(statement, ast.For | ast.AsyncFor) and any(
        inner is use for body in statement.body for inner in ast.walk(body)
    ):
        return True
    end = (getattr(statement, "end_lineno", 0), getattr(statement, "end_col_offset", 0))
    return end <= (getattr(use, "lineno", 0), getattr(use, "col_offset", 0))


# --- Entry points --------------------------------------------------------------------
def collect_test_sources(root: Path = ROOT) -> tuple[dict[str, str], dict[str, str]]:
    """Every file pytest collects (test_*.py under digiward/ and tests/), and module names."""
    sources: dict[str, str] = {}
    module_paths: dict[str, str] = {}
    for top in ("digiward", "tests"):
        for path in sorted((root / top).rglob("test_*.py")):
            relative = path.relative_to(root).as_posix()
            sources[relative] = path.read_text(encoding="utf-8")
            module_paths[relative.removesuffix(".py").replace("/", ".")] = relative
    return sources, module_paths


def scan(
    sources: Mapping[str, str], module_paths: Mapping[str, str] | None = None
) -> list[Finding]:
    return list(Scanner(sources, module_paths or {}).findings())


def covered_names(findings: Iterable[Finding]) -> set[str]:
    return {name for finding in findings for name in finding.names}
