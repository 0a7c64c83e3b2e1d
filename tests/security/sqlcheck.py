"""A static check that every SQL statement in a package is fixed text, with values bound.

``unbound_sql(modules)`` finds each call of ``execute``, ``executemany``,
``execute_fetchall``, ``executescript`` (and the store's own ``_execute`` / ``_insert``
wrappers) and proves its first argument is built only from:

- string constants, and ``+`` of such strings;
- names bound to such a string: module constants (also imported from a sibling module, or as
  ``module.NAME``), local variables whose every assignment is such a string, loop variables
  over a module tuple of such strings (or over ``split_statements(<such a string>)``);
- f-strings whose interpolations are such strings, or integers: ``int(...)``, an int
  constant, or a comprehension variable over ``range(...)``;
- ``<such a string>.join/replace/strip(...)`` of such strings;
- a function parameter, when every call of that function in the package passes such a string.

Anything else (``%``, ``.format``, a parameter the package passes something else to, a value
read at run time) is reported with its file and line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

SQL_CALLS = frozenset(
    {"execute", "executemany", "execute_fetchall", "executescript", "_execute", "_insert"}
)
STRING_METHODS = frozenset({"join", "replace", "strip", "lstrip", "rstrip"})
#: Functions that return pieces of the constant script they are given.
PIECES = frozenset({"split_statements"})

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Finding:
    module: str
    line: int
    source: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: {self.source}"


@dataclass
class _Module:
    name: str
    tree: ast.Module
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        assigned: dict[str, list[ast.expr]] = {}
        for node in self.tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1:
                target = node.targets[0]
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(node.value)
            elif (
                isinstance(node, ast.AnnAssign)
                and isinstance(node.target, ast.Name)
                and node.value is not None
            ):
                assigned.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, ast.ImportFrom) and node.level == 1:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module is None:  # from . import writes
                        self.imports[local] = (alias.name, None)
                    else:  # from .writes import INSERT_ANSWER
                        self.imports[local] = (node.module, alias.name)
        self.constants = {name: values[0] for name, values in assigned.items() if len(values) == 1}


class SqlChecker:
    def __init__(self, sources: Mapping[str, str]) -> None:
        self.modules = {name: _Module(name, ast.parse(text)) for name, text in sources.items()}
        self._parents: dict[ast.AST, ast.AST] = {}
        for module in self.modules.values():
            for parent in ast.walk(module.tree):
                for child in ast.iter_child_nodes(parent):
                    self._parents[child] = parent

    # -- finding the calls ----------------------------------------------------------------

    def sql_calls(self) -> Iterator[tuple[_Module, Function | None, ast.Call]]:
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in SQL_CALLS
                    and node.args
                ):
                    yield module, self._function_of(node), node

    def unbound(self) -> list[Finding]:
        found = []
        for module, function, call in self.sql_calls():
            if not self.is_static(call.args[0], module, function, frozenset()):
                found.append(Finding(module.name, call.lineno, ast.unparse(call)[:200]))
        return found

    def _function_of(self, node: ast.AST) -> Function | None:
        while node in self._parents:
            node = self._parents[node]
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                return node
        return None

    # -- what counts as fixed text ---------------------------------------------------------

    def is_static(
        self, expr: ast.expr, module: _Module, function: Function | None, seen: frozenset[object]
    ) -> bool:
        def static(e: ast.expr) -> bool:
            return self.is_static(e, module, function, seen)

        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, str)
        if isinstance(expr, ast.JoinedStr):
            return all(
                not isinstance(part, ast.FormattedValue)
                or static(part.value)
                or self._is_int(part.value, module, function)
                for part in expr.values
            )
        if isinstance(expr, ast.BinOp):
            return isinstance(expr.op, ast.Add) and static(expr.left) and static(expr.right)
        if isinstance(expr, ast.IfExp):
            return static(expr.body) and static(expr.orelse)
        if isinstance(expr, ast.Name):
            return self._name_is_static(expr.id, module, function, seen)
        if isinstance(expr, ast.Attribute):
            resolved = self._module_attribute(expr, module)
            return resolved is not None and self.is_static(
                resolved[1], resolved[0], None, seen | {(resolved[0].name, expr.attr)}
            )
        if isinstance(expr, ast.Subscript):
            return self._is_static_sequence(expr.value, module, function, seen)
        if isinstance(expr, ast.Call):
            return self._call_is_static(expr, module, function, seen)
        return False

    def _call_is_static(
        self, call: ast.Call, module: _Module, function: Function | None, seen: frozenset[object]
    ) -> bool:
        if call.keywords:
            return False
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in STRING_METHODS:
            if not self.is_static(func.value, module, function, seen):
                return False
            for arg in call.args:
                if isinstance(arg, ast.GeneratorExp | ast.ListComp):
                    if not self._comprehension_is_static(arg, module, function, seen):
                        return False
                elif not self.is_static(arg, module, function, seen):
                    return False
            return True
        return False

    def _comprehension_is_static(
        self,
        comp: ast.GeneratorExp | ast.ListComp,
        module: _Module,
        function: Function | None,
        seen: frozenset[object],
    ) -> bool:
        # The element may use the loop variables only as integers (see _is_int).
        return all(not g.ifs for g in comp.generators) and self.is_static(
            comp.elt, module, function, seen
        )

    def _is_static_sequence(
        self, expr: ast.expr, module: _Module, function: Function | None, seen: frozenset[object]
    ) -> bool:
        """A tuple or list of fixed texts, or the pieces of a fixed script."""
        if isinstance(expr, ast.Tuple | ast.List):
            return all(self.is_static(e, module, function, seen) for e in expr.elts)
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            return (
                expr.func.id in PIECES
                and len(expr.args) == 1
                and not expr.keywords
                and self.is_static(expr.args[0], module, function, seen)
            )
        if isinstance(expr, ast.Name):
            target = self._module_constant(expr.id, module)
            key = (module.name, expr.id, "sequence")
            if target is None or key in seen:
                return False
            return self._is_static_sequence(target[1], target[0], None, seen | {key})
        return False

    def _is_int(self, expr: ast.expr, module: _Module, function: Function | None) -> bool:
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
            return expr.func.id == "int" and not expr.keywords
        if isinstance(expr, ast.Constant):
            return isinstance(expr.value, int)
        if isinstance(expr, ast.Name):
            if self._is_range_variable(expr):
                return True
            if function is not None and (
                self._local_bindings(expr.id, function) or self._is_parameter(expr.id, function)
            ):
                return False
            target = self._module_constant(expr.id, module)
            return (
                target is not None
                and isinstance(target[1], ast.Constant)
                and type(target[1].value) is int
            )
        return False

    def _is_range_variable(self, name: ast.Name) -> bool:
        node: ast.AST = name
        while node in self._parents:
            node = self._parents[node]
            if isinstance(node, ast.GeneratorExp | ast.ListComp):
                for g in node.generators:
                    if (
                        isinstance(g.target, ast.Name)
                        and g.target.id == name.id
                        and isinstance(g.iter, ast.Call)
                        and isinstance(g.iter.func, ast.Name)
                        and g.iter.func.id == "range"
                    ):
                        return True
        return False

    # -- names ------------------------------------------------------------------------------

    def _name_is_static(
        self, name: str, module: _Module, function: Function | None, seen: frozenset[object]
    ) -> bool:
        key = (module.name, function.name if function else None, name)
        if key in seen:
            return False
        seen = seen | {key}
        if function is not None:
            bindings = self._local_bindings(name, function)
            if bindings:
                return all(
                    self._is_static_sequence(value, module, function, seen)
                    if loop
                    else self.is_static(value, module, function, seen)
                    for value, loop in bindings
                )
            if self._is_parameter(name, function):
                return self._every_caller_passes_static(name, function, seen)
        target = self._module_constant(name, module)
        return target is not None and self.is_static(target[1], target[0], None, seen)

    @staticmethod
    def _local_bindings(name: str, function: Function) -> list[tuple[ast.expr, bool]]:
        """(value, is_a_loop) for each assignment to ``name`` in ``function``; a binding of
        another kind (augmented assignment, unpacking, ``with ... as``) counts as unknown."""
        unknown = ast.Constant(None)

        def binds(target: ast.AST | None) -> bool:
            return target is not None and any(
                isinstance(n, ast.Name) and n.id == name for n in ast.walk(target)
            )

        found: list[tuple[ast.expr, bool]] = []
        for node in ast.walk(function):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        found.append((node.value, False))
                    elif binds(target):
                        found.append((unknown, False))
            elif isinstance(node, ast.AnnAssign) and binds(node.target):
                found.append((node.value or unknown, False))
            elif isinstance(node, ast.AugAssign) and binds(node.target):
                found.append((unknown, False))
            elif isinstance(node, ast.For | ast.AsyncFor) and binds(node.target):
                simple = isinstance(node.target, ast.Name)
                found.append((node.iter, True) if simple else (unknown, False))
            elif isinstance(node, ast.withitem) and binds(node.optional_vars):
                found.append((unknown, False))
        return found

    @staticmethod
    def _parameters(function: Function) -> list[str]:
        args = function.args
        return [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]

    def _is_parameter(self, name: str, function: Function) -> bool:
        return name in self._parameters(function)

    def _every_caller_passes_static(
        self, name: str, function: Function, seen: frozenset[object]
    ) -> bool:
        params = self._parameters(function)
        offset = 1 if params and params[0] in ("self", "cls") else 0
        position = params.index(name) - offset
        callers = 0
        for module in self.modules.values():
            for node in ast.walk(module.tree):
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                called = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
                if called != function.name:
                    continue
                callers += 1
                if any(isinstance(a, ast.Starred) for a in node.args) or any(
                    k.arg is None for k in node.keywords
                ):
                    return False
                given = [k.value for k in node.keywords if k.arg == name]
                if not given and 0 <= position < len(node.args):
                    given = [node.args[position]]
                if not given:
                    continue  # the default is used
                caller = self._function_of(node)
                if not self.is_static(given[0], module, caller, seen):
                    return False
        return callers > 0

    def _module_constant(self, name: str, module: _Module) -> tuple[_Module, ast.expr] | None:
        if name in module.constants:
            return module, module.constants[name]
        if name in module.imports:
            source, attr = module.imports[name]
            other = self.modules.get(source)
            if other is not None and attr is not None:
                return self._module_constant(attr, other)
        return None

    def _module_attribute(
        self, expr: ast.Attribute, module: _Module
    ) -> tuple[_Module, ast.expr] | None:
        """``writes.INSERT_ANSWER`` where ``writes`` is a sibling module."""
        if not isinstance(expr.value, ast.Name):
            return None
        imported = module.imports.get(expr.value.id)
        if imported is None or imported[1] is not None:
            return None
        other = self.modules.get(imported[0])
        return None if other is None else self._module_constant(expr.attr, other)


def unbound_sql(sources: Mapping[str, str]) -> list[Finding]:
    """Every SQL call in ``sources`` (module name -> text) whose SQL is not fixed text."""
    return SqlChecker(sources).unbound()


def sql_call_count(sources: Mapping[str, str]) -> int:
    return sum(1 for _ in SqlChecker(sources).sql_calls())
