"""SciPy's statistics and interpolation wait until something reads them (engine/deferred.py): the
ranking, learning and review import without them, and code that does read them gets the real module.
Run in fresh interpreters, so that whether the module is loaded is this test's alone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import beta

from engine.insights.refine import INTERVAL, reply_rate_table

ROOT = Path(__file__).resolve().parents[1]


def _run(program: str) -> str:
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


LOADED = "'scipy.stats._continuous_distns' in sys.modules"


def test_the_engine_imports_without_scipys_statistics():
    out = _run(f"""
import sys
import engine.ranking, engine.outreach.opportunities, engine.outreach.learning, engine.outreach.feedback
import engine.outreach.learning_backtest, engine.insights.review, engine.insights.refine, engine.cli
import sklearn.linear_model, sklearn.metrics
print({LOADED})
""")
    assert out == "False"


def test_what_reads_the_statistics_gets_the_real_module():
    out = _run(f"""
import sys
import engine, sklearn.metrics
from scipy.stats import rankdata  # a name asked at import time: a stand-in until called
print({LOADED}, rankdata([30, 10, 20]).tolist())
print({LOADED})
import scipy.stats
print(scipy.stats.norm.cdf(0.0), type(sys.modules["scipy.stats"]).__name__, scipy.stats is sys.modules["scipy.stats"])
from sklearn.metrics import label_ranking_average_precision_score as lrap  # calls rankdata
import numpy as np
print(round(lrap(np.array([[1, 0, 0], [0, 0, 1]]), np.array([[0.75, 0.5, 1], [1, 0.2, 0.1]])), 6))
""")
    lines = out.splitlines()
    assert lines[0] == "False [3.0, 1.0, 2.0]"  # the stand-in's call imports the module, after this line's check
    assert lines[1] == "True"
    assert lines[2] == "0.5 module True"
    assert lines[3] == "0.416667"  # scikit-learn's documented example


def test_a_module_imported_already_is_left_alone():
    out = _run("""
import sys
import scipy.stats
real = sys.modules["scipy.stats"]
from engine.deferred import defer_unused_scipy
print(defer_unused_scipy(), sys.modules["scipy.stats"] is real)
""")
    assert out == "[] True"  # the statistics imported already, and with them the interpolation: nothing deferred


def test_reply_rate_intervals_are_the_beta_distributions_quantiles():
    rows = pd.DataFrame({
        "kind": "outreach", "channel": ["email"] * 7 + ["linkedin"] * 3,
        "outcome": ["replied", "no_reply", "replied", "no_reply", "no_reply", "meeting", "no_reply",
                    "no_reply", "no_reply", "replied"],
    })
    table = reply_rate_table(rows, ["channel"]).set_index("channel")
    hits, misses = 1 + table["replies"], 1 + table["attempts"] - table["replies"]
    assert np.array_equal(table["low"], beta.ppf((1 - INTERVAL) / 2, hits, misses))
    assert np.array_equal(table["high"], beta.ppf(1 - (1 - INTERVAL) / 2, hits, misses))
    assert table.loc["email", "replies"] == 3 and (table["low"] < table["mean"]).all()


def test_submodules_import_beside_the_stand_in_and_scipy_waits_for_the_first_import():
    out = _run("""
import sys
import engine
print(sorted(m for m in sys.modules if m.split('.')[0] == 'scipy'))  # nothing of SciPy yet
from scipy.stats.mstats import mquantiles  # a submodule, as scikit-learn's inspection imports it
print(mquantiles([1, 2, 3, 4]).tolist())
import scipy.stats
print(scipy.stats.norm.cdf(0.0), type(sys.modules['scipy.stats']).__name__)
""")
    lines = out.splitlines()
    assert lines[0] == "[]"
    assert lines[1] == "[1.45, 2.5, 3.55]"
    assert lines[2] == "0.5 module"  # the real module, once its names are read


def test_threads_that_read_the_statistics_at_once_each_get_them():
    out = _run("""
import sys, threading
import engine, sklearn.metrics
import scipy.stats
from scipy.stats import rankdata
got = []
def read(k):
    if k % 2:
        got.append(float(scipy.stats.norm.cdf(0.0)))
    else:
        got.append(float(rankdata([2, 1])[0]))
threads = [threading.Thread(target=read, args=(k,)) for k in range(8)]
for t in threads: t.start()
for t in threads: t.join(60)
print(sorted(got), type(sys.modules['scipy.stats']).__name__)
""")
    assert out == "[0.5, 0.5, 0.5, 0.5, 2.0, 2.0, 2.0, 2.0] module"


def test_the_ranking_and_a_kept_response_model_score_without_scipys_interpolation():
    out = _run("""
import sys
import engine.ranking, engine.outreach.learning_model, engine.outreach.opportunities, engine.outreach.feedback
print('scipy.interpolate._bsplines' in sys.modules, 'scipy.optimize._minimize' in sys.modules)
import sklearn.linear_model  # what fitting a response model imports: SciPy's optimizers, as before
print('scipy.optimize._minimize' in sys.modules, 'scipy.interpolate._bsplines' in sys.modules)
""")
    assert out.splitlines() == ["False False", "True False"]


def test_spline_features_get_the_real_bspline_when_they_use_it():
    out = _run("""
import sys
import numpy as np
import engine, sklearn.preprocessing
from sklearn.preprocessing._polynomial import BSpline
print(type(BSpline).__name__, 'scipy.interpolate._bsplines' in sys.modules)
X = np.linspace(0, 1, 7)[:, None]
spline = sklearn.preprocessing.SplineTransformer(n_knots=3, degree=2).fit(X)  # BSpline.construct_fast
dense = spline.transform(X)
sparse = sklearn.preprocessing.SplineTransformer(n_knots=3, degree=2, sparse_output=True).fit(X).transform(X)
import scipy.interpolate
real = type(sys.modules['scipy.interpolate']).__name__
print(real, np.allclose(dense.sum(axis=1), 1.0), np.allclose(sparse.toarray(), dense))
""")
    lines = out.splitlines()
    assert lines[0] == "_HandedOver False"  # named at import time, imported at first use
    assert lines[1] == "module True True"  # B-splines sum to one on their interval; sparse (design_matrix) agrees
