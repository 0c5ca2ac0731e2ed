"""SciPy's statistics, imported when something first reads them rather than when scikit-learn loads.

Why: every import of scikit-learn imports ``scipy.stats`` (``sklearn.utils.fixes``, for a mode and a
few distributions that estimators Rapport does not use call). SciPy's statistics load some thousand
distribution objects: 37 MB of memory and a quarter of the imports a first ranking waits for (the
ranking's and learning's imports took 1.4-2.0 s with them, 1.0-1.4 s without, after Streamlit's and
pandas'), on every start of the dashboard and every command, for nothing the ranking reads. At the
dashboard's peak at 100,000 contacts (its target is 400 MB) the saving is about 16 MB: the logistic
regression that learning fits imports much of SciPy that the statistics would have imported.

``defer_scipy_stats()`` (run by ``engine/__init__.py``, before anything imports scikit-learn) has the
first import of ``scipy.stats`` answered with a stand-in module, SciPy itself being imported only then.
The stand-in imports the real module the first time one of its names is read
(``scipy.stats.mode``) and hands that name over: code that uses the statistics gets them as before, a
little later. Two functions are named at import time by modules Rapport loads (scikit-learn's
metrics, which its logistic regression imports: ``from scipy.stats import rankdata, gmean``); for
those the stand-in hands over a function that imports the module when it is first called.

Python's own ``importlib.util.LazyLoader`` cannot do this on 3.11: the ``import`` statement itself
reads the module's ``__spec__``, which loads it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
import types

NAME = "scipy.stats"
FUNCTIONS = frozenset({"rankdata", "gmean"})  # named by scikit-learn's metrics when they are imported
_lock = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not yet imported; any name read imports it. It has the
    real package's ``__path__``, so that a submodule imported meanwhile is found where it is."""

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):  # the import system's questions (__file__, ...)
            raise AttributeError(name)
        if name in FUNCTIONS:
            return _on_call(self, name)
        if importlib.machinery.PathFinder.find_spec(f"{self.__name__}.{name}", self.__path__) is not None:
            raise AttributeError(name)  # a submodule (``from scipy.stats import mstats``): the import system imports it
        return getattr(_imported(self), name)

    def __dir__(self):
        return dir(_imported(self))


class _StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers the first import of ``NAME`` with a ``_Deferred`` module (SciPy itself is imported
    only then, by the import system, as the module's package), until the real one is asked for."""

    def find_spec(self, fullname, path, target=None):
        if fullname != NAME:
            return None
        real = importlib.machinery.PathFinder.find_spec(fullname, path)
        if real is None or real.submodule_search_locations is None:
            return None  # not where a package would be: imported as it is
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        spec.submodule_search_locations = list(real.submodule_search_locations)
        return spec

    def create_module(self, spec):
        return _Deferred(spec.name)

    def exec_module(self, module) -> None:
        module.__path__ = list(module.__spec__.submodule_search_locations)


_finder = _StandIn()


def _on_call(stand_in: _Deferred, name: str):
    """A function that calls the real module's ``name``, importing the module on its first call."""

    def call(*args, **kwargs):
        return getattr(_imported(stand_in), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__module__ = stand_in.__name__
    return call


def _imported(stand_in: _Deferred) -> types.ModuleType:
    """The real module, imported now if need be, in place of ``stand_in`` everywhere it is looked up.
    The import itself runs outside ``_lock``, under the import system's own locks, which see a thread
    importing a submodule meanwhile (this lock around the import could wait for it forever)."""
    with _lock:
        if _finder in sys.meta_path:
            sys.meta_path.remove(_finder)
        if sys.modules.get(stand_in.__name__) is stand_in:
            del sys.modules[stand_in.__name__]
    return importlib.import_module(stand_in.__name__)  # also sets it on its package, as usual


def defer_scipy_stats() -> bool:
    """Answer the first import of ``scipy.stats`` with the stand-in, unless the module is imported
    already. Nothing of SciPy is imported here. True when the stand-in is (or will be) used."""
    with _lock:
        if NAME in sys.modules:
            return isinstance(sys.modules[NAME], _Deferred)
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
    return True
