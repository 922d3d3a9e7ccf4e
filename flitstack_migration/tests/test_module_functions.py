# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The pytest-style test functions, run as Odoo test cases by Odoo's own runner.

Some test modules (pure-Python parts: parsers, tabular files, matching) hold
plain ``test_*`` functions, which pytest-odoo runs but Odoo's test runner
(``odoo-bin --test-enable``) does not see: it only loads ``TestCase`` classes.
This module turns each of those functions, with its ``pytest.mark.parametrize``
cases and the fixtures it asks for, into a method of an Odoo test class, one
class per module. The fixtures: pytest's ``tmp_path`` and ``monkeypatch``, and
the module's own ``@pytest.fixture`` functions that take no fixture themselves
(plain or generator: what follows the ``yield`` runs after the test). The
classes say ``__test__ = False``, so pytest does not collect them a second
time. Every ``test_*`` module of this folder is looked at, so a new
function-style test module needs nothing here.

Odoo's ``BaseCase`` patches ``requests`` for the duration of each class: a
request to another host than 127.0.0.1 is refused, and a timeout under 10 s is
raised to 10 s, which fails on the ``(connect, read)`` tuple timeouts of the API
clients. The API clients' tests talk to emulators on 127.0.0.1, with a short
read timeout on purpose: the classes let requests to 127.0.0.1 go out as sent
(through ``odoo.tests.common._super_send``, the ``Session.send`` of requests
before Odoo's patch), and leave any other request to Odoo, which refuses it.
"""

import contextlib
import functools
import importlib
import inspect
import itertools
import pathlib
import pkgutil
import tempfile
import urllib.parse

import pytest

from odoo.tests import BaseCase
from odoo.tests.common import _super_send

#: pytest's own fixtures the functions may ask for (besides the module's own).
FIXTURES = {"tmp_path", "monkeypatch"}
#: Hosts whose requests go out untouched: the emulators of the API clients' tests.
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


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


def _fixture_function(obj):
    """The function under a ``@pytest.fixture`` (pytest 8.4 and later, then
    earlier), or None when ``obj`` is no fixture."""
    getter = getattr(obj, "_get_wrapped_function", None)
    if getter is not None:
        return getter()
    wrapped = getattr(obj, "__pytest_wrapped__", None)
    return getattr(wrapped, "obj", None)


def _module_fixtures(module):
    """{name: function} of the module's own fixtures that take no fixture."""
    fixtures = {}
    for name, obj in vars(module).items():
        func = _fixture_function(obj)
        if func is not None and not inspect.signature(func).parameters:
            fixtures[name] = func
    return fixtures


@contextlib.contextmanager
def _fixture_value(func):
    """The value of a fixture function, its teardown (after ``yield``) run after."""
    if not inspect.isgeneratorfunction(func):
        yield func()
        return
    generator = func()
    value = next(generator)
    try:
        yield value
    finally:
        next(generator, None)  # the teardown, which must not yield again


def _method(func, kwargs, module_fixtures):
    fixtures = [
        name for name in inspect.signature(func).parameters if name not in kwargs
    ]
    unknown = set(fixtures) - FIXTURES - set(module_fixtures)

    @functools.wraps(func)
    def test(self):
        if unknown:
            raise NotImplementedError(f"pytest fixtures {sorted(unknown)}")
        call_kwargs = dict(kwargs)
        with contextlib.ExitStack() as stack:
            for name in fixtures:
                if name == "tmp_path":
                    folder = stack.enter_context(tempfile.TemporaryDirectory())
                    call_kwargs[name] = pathlib.Path(folder)
                elif name == "monkeypatch":
                    patcher = pytest.MonkeyPatch.context()
                    call_kwargs[name] = stack.enter_context(patcher)
                else:
                    value = _fixture_value(module_fixtures[name])
                    call_kwargs[name] = stack.enter_context(value)
            func(**call_kwargs)

    del test.__wrapped__  # inspect must not see the function's parameters
    return test


@classmethod
def _request_handler(cls, session, request, /, **kw):
    """Requests to 127.0.0.1 go out as sent; Odoo's handler has the others."""
    if urllib.parse.urlsplit(request.url).hostname in LOCAL_HOSTS:
        return _super_send(session, request, **kw)
    return BaseCase._request_handler(session, request, **kw)


def _odoo_case(module):
    attrs = {
        "__module__": __name__,
        "__test__": False,
        "__doc__": module.__doc__,
        "_request_handler": _request_handler,
    }
    module_fixtures = _module_fixtures(module)
    for name, func in vars(module).items():
        if not (name.startswith("test_") and inspect.isfunction(func)):
            continue
        if func.__module__ != module.__name__:
            continue
        for case_id, kwargs in _parametrize_cases(func):
            method_name = f"{name}_{case_id}" if case_id else name
            attrs[method_name] = _method(func, kwargs, module_fixtures)
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
