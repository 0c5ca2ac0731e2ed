"""Parts of SciPy that scikit-learn imports for estimators Rapport never uses, imported when
something first reads them rather than when scikit-learn loads.

Why: every import of scikit-learn imports ``scipy.stats`` (``sklearn.utils.fixes``, for a mode and a
few distributions that estimators Rapport does not use call), and every import of its text features
imports ``scipy.interpolate`` (``sklearn.preprocessing``, for its spline features), which imports
SciPy's optimizers and spatial structures. SciPy's statistics load some thousand distribution
objects: 37 MB and a quarter of the imports a first ranking waits for (the ranking's and learning's
imports took 1.4-2.0 s with them, 1.0-1.4 s without). The interpolation's tree is 19 MB more of the
ranking's imports (56 -> 37 MB), which a dashboard that loads its kept response model never reads:
the model scores with its own coefficients (engine/outreach/learning_model.py); only fitting one
imports SciPy's optimizers, for the logistic regression.

``defer_unused_scipy()`` (run by ``engine/__init__.py``, before anything imports scikit-learn) has the
first import of each module in ``DEFERRED`` answered with a stand-in module, SciPy itself being
imported only then. The stand-in imports the real module the first time one of its names is read
(``scipy.stats.mode``) and hands that name over: code that uses it gets it as before, a little later.
A few names are read at import time by modules Rapport loads (``from scipy.stats import rankdata,
gmean`` in scikit-learn's metrics, ``from scipy.interpolate import BSpline`` in its preprocessing);
for those the stand-in hands over an object that imports the module when it is first called or one
of its attributes is read (``BSpline.design_matrix``). Such an object is not the class itself:
``isinstance(x, BSpline)`` would be False, which none of those modules asks.

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

# The modules deferred, each with the names that modules Rapport loads read from it at import time.
DEFERRED = {
    "scipy.stats": frozenset({"rankdata", "gmean"}),  # scikit-learn's metrics
    "scipy.interpolate": frozenset({"BSpline"}),  # scikit-learn's preprocessing (its spline features)
}
_lock = threading.Lock()
_pending: set[str] = set()  # deferred and not yet imported for real


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module not yet imported; any name read imports it. It has the
    real package's ``__path__``, so that a submodule imported meanwhile is found where it is."""

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):  # the import system's questions (__file__, ...)
            raise AttributeError(name)
        if name in DEFERRED.get(self.__name__, ()):
            return _HandedOver(self, name)
        if importlib.machinery.PathFinder.find_spec(f"{self.__name__}.{name}", self.__path__) is not None:
            raise AttributeError(name)  # a submodule (``from scipy.stats import mstats``): the import system imports it
        return getattr(_imported(self), name)

    def __dir__(self):
        return dir(_imported(self))


class _StandIn(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Answers the first import of a pending module with a ``_Deferred`` one (SciPy itself is
    imported only then, by the import system, as the module's package), until the real one is asked for."""

    def find_spec(self, fullname, path, target=None):
        if fullname not in _pending:
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


class _HandedOver:
    """A name of a deferred module read at import time: calling it, or reading one of its attributes,
    imports the module and uses the real name."""

    def __init__(self, stand_in: _Deferred, name: str):
        self._stand_in, self._name = stand_in, name

    def _real(self):
        return getattr(_imported(self._stand_in), self._name)

    def __call__(self, *args, **kwargs):
        return self._real()(*args, **kwargs)

    def __getattr__(self, attr: str):
        return getattr(self._real(), attr)

    def __repr__(self) -> str:
        return f"<{self._stand_in.__name__}.{self._name}, imported when first used>"


def _imported(stand_in: _Deferred) -> types.ModuleType:
    """The real module, imported now if need be, in place of ``stand_in`` everywhere it is looked up.
    The import itself runs outside ``_lock``, under the import system's own locks, which see a thread
    importing a submodule meanwhile (this lock around the import could wait for it forever)."""
    name = stand_in.__name__
    with _lock:
        _pending.discard(name)
        if not _pending and _finder in sys.meta_path:
            sys.meta_path.remove(_finder)
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
    return importlib.import_module(name)  # also sets it on its package, as usual


def defer_unused_scipy() -> list[str]:
    """Answer the first import of each module in ``DEFERRED`` with a stand-in, unless the module is
    imported already. Nothing of SciPy is imported here. Returns the modules whose stand-in is (or
    will be) used."""
    deferred = []
    with _lock:
        for name in DEFERRED:
            if name in sys.modules:
                if isinstance(sys.modules[name], _Deferred):
                    deferred.append(name)
                continue
            _pending.add(name)
            deferred.append(name)
        if _pending and _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
    return deferred
