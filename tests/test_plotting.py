"""mvcalc_helpers.plotting: pyplot-free figures, broadcasting lambdify, function grids, and the
surface / contour helpers (checked on the artists they create and on a rendered PNG)."""
import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
import sympy as sp
from mpl_toolkits.mplot3d import Axes3D

from mvcalc_helpers.plotting import function_grid, lambdify, new_figure, plot_contours, plot_surface

x, y, z = sp.symbols("x y z")


def test_new_figure_is_agg_and_not_registered_with_pyplot():
    before = plt.get_fignums()
    fig, ax = new_figure()
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"
    assert plt.get_fignums() == before                    # a notebook will not show it twice
    fig, axes = new_figure(1, 2, figsize=(8, 3))
    assert axes.shape == (2,) and tuple(fig.get_size_inches()) == (8, 3)
    fig, ax3 = new_figure(projection="3d")
    assert isinstance(ax3, Axes3D)


def test_lambdify_matches_numpy_and_broadcasts():
    f = lambdify(sp.exp(x) * sp.sin(y) + x * y**2, [x, y])
    X, Y = np.meshgrid(np.linspace(-1, 1, 5), np.linspace(0, 2, 4))
    assert np.allclose(f(X, Y), np.exp(X) * np.sin(Y) + X * Y**2, rtol=1e-15)
    assert f(X, Y).shape == (4, 5)
    assert lambdify(sp.Integer(2), [x, y])(X, Y).shape == (4, 5)      # constant
    assert np.array_equal(lambdify(y, [x, y])(X, Y), Y)                 # one variable missing
    assert lambdify(x, [x, y])(np.arange(5.0), Y).shape == (4, 5)       # broadcast to both inputs


def test_function_grid_sympy_and_callable_agree():
    Xs, Ys, Zs = function_grid(x**2 - 3 * x * y, [x, y], xlim=(-1, 2), ylim=(0, 1), n=7)
    Xc, Yc, Zc = function_grid(lambda X, Y: X**2 - 3 * X * Y, None, xlim=(-1, 2), ylim=(0, 1), n=7)
    assert Xs.shape == Ys.shape == Zs.shape == (7, 7)
    assert np.array_equal(Xs[0], np.linspace(-1, 2, 7)) and np.array_equal(Ys[:, 0], np.linspace(0, 1, 7))
    assert np.allclose(Zs, Zc) and np.allclose(Zs, Xs**2 - 3 * Xs * Ys)
    _, _, Zk = function_grid(sp.Integer(4), [x, y], n=3)
    assert np.array_equal(Zk, np.full((3, 3), 4.0))


def test_function_grid_bad_input():
    with pytest.raises(ValueError, match=r"symbols \['z'\] that are not in vars"):
        function_grid(x * z, [x, y])
    with pytest.raises(TypeError, match="vars must be the two sympy symbols"):
        function_grid(x * y, None)
    with pytest.raises(TypeError, match="vars must be the two sympy symbols"):
        function_grid(x * y, [x, y, z])


def test_plot_surface_and_contours_label_and_render(tmp_path):
    fig, default_ax = new_figure(figsize=(9, 4))
    default_ax.remove()
    ax1 = fig.add_subplot(1, 2, 1, projection="3d")
    ax2 = fig.add_subplot(1, 2, 2)
    X, Y, Z = function_grid(x**2 - y**2, [x, y], n=31)
    surf = plot_surface(ax1, X, Y, Z, labels=("x", "y", "f"), title="saddle x² − y²")
    cs = plot_contours(ax2, X, Y, Z, levels=12, colorbar=True, title="level sets")
    assert surf in ax1.collections
    assert (ax1.get_xlabel(), ax1.get_ylabel(), ax1.get_zlabel()) == ("x", "y", "f")
    assert ax2.get_aspect() == 1.0 and ax2.get_title() == "level sets"
    assert len(cs.levels) >= 10 and cs.levels.min() <= Z.min() and cs.levels.max() >= Z.max()
    assert len(fig.axes) == 3                             # 3-D, contour and the colorbar
    assert plot_contours(new_figure()[1], X, Y, Z, filled=False) is None
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    (tmp_path / "plotting.png").write_bytes(buf.getvalue())
    img = plt.imread(io.BytesIO(buf.getvalue()))
    assert img.shape[:2] == (400, 900) and img[..., :3].std() > 0.1     # not a blank image
