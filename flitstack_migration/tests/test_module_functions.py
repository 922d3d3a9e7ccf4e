# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pytest-style test functions, run as Odoo test cases by Odoo's own runner.

Some test modules (pure-Python parts: parsers, tabular files, matching) hold
plain ``test_*`` functions, which pytest-odoo runs but Odoo's test runner
(``odoo-bin --test-enable``) does not see: it only loads ``TestCase`` classes.
This module turns each of those functions, with its ``pytest.mark.parametrize``
cases and the ``tmp_path`` fixture, into a method of an Odoo test class, one
class per module. The classes say ``__test__ = False``, so pytest does not
collect them a second time. Every ``test_*`` module of this folder is looked
at, so a new function-style test module needs nothing here.
"""

import functools
import importlib
import inspect
import itertools
import pathlib
import pkgutil
import tempfile

from odoo.tests import BaseCase

#: pytest fixtures the functions may ask for, and how to make each.
FIXTURES = {"tmp_path"}


def _parametrize_cases(func):
    """[(id, {argname: value})] from the parametrize marks of ``func``."""
    axes = []
    for mark in getattr(func, "pytestmark", ()):
        if mark.name != "parametrize":
            raise NotImplementedError(f"{func.__name__}: pytest mark {mark.name}")
        names, values = mark.args[:2]
        if isinstance(names, str):
            names = [n.strip() for n in names.split(",") if n.strip()]
        ids = mark.kwargs.get("ids")
        axis = []
        for index, value in enumerate(values):
            value = getattr(value, "values", value)  # pytest.param(...)
            if len(names) == 1 and not hasattr(values[index], "values"):
                value = (value,)
            case_id = ids[index] if ids else str(index)
            axis.append((case_id, dict(zip(names, value, strict=True))))
        axes.append(axis)
    if not axes:
        return [("", {})]
    cases = []
    for combination in itertools.product(*axes):
        kwargs = {}
        for _case_id, values in combination:
            kwargs.update(values)
        cases.append(("_".join(case_id for case_id, _ in combination), kwargs))
    return cases


def _method(func, kwargs):
    fixtures = [
        name for name in inspect.signature(func).parameters if name not in kwargs
    ]
    unknown = set(fixtures) - FIXTURES

    @functools.wraps(func)
    def test(self):
        if unknown:
            raise NotImplementedError(f"pytest fixtures {sorted(unknown)}")
        call_kwargs = dict(kwargs)
        with tempfile.TemporaryDirectory() as folder:
            if "tmp_path" in fixtures:
                call_kwargs["tmp_path"] = pathlib.Path(folder)
            func(**call_kwargs)

    del test.__wrapped__  # inspect must not see the function's parameters
    return test


def _odoo_case(module):
    attrs = {"__module__": __name__, "__test__": False, "__doc__": module.__doc__}
    for name, func in vars(module).items():
        if not (name.startswith("test_") and inspect.isfunction(func)):
            continue
        if func.__module__ != module.__name__:
            continue
        for case_id, kwargs in _parametrize_cases(func):
            method_name = f"{name}_{case_id}" if case_id else name
            attrs[method_name] = _method(func, kwargs)
    short = module.__name__.rsplit(".", 1)[-1]
    class_name = "Test" + "".join(part.title() for part in short.split("_")[1:])
    return type(f"{class_name}Functions", (BaseCase,), attrs)


def _function_modules():
    own = __name__.rsplit(".", 1)[-1]
    for info in pkgutil.iter_modules(_package_path()):
        if info.name.startswith("test_") and info.name != own:
            module = importlib.import_module(f"{__package__}.{info.name}")
            if any(
                name.startswith("test_")
                and inspect.isfunction(obj)
                and obj.__module__ == module.__name__
                for name, obj in vars(module).items()
            ):
                yield module


def _package_path():
    return [str(pathlib.Path(__file__).parent)]


for _module in _function_modules():
    _case = _odoo_case(_module)
    globals()[_case.__name__] = _case
