# Copyright 2026 FlitStack
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
# Every module of this package is imported: a platform's module registers itself
# (readers by their ``platform`` attribute, presets through ``register``), so adding a
# platform is adding its files, with no list to edit.
import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
