"""Pruebas de los gráficos (sin pantalla, con el backend Agg)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

from genai_utils.plotting import (  # noqa: E402
    DecimalCommaFormatter,
    plot_density_2d,
    plot_losses,
    plot_samples_2d,
    show_images,
    use_decimal_comma,
)
from genai_utils.training import History  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize("shape", [(10, 1, 8, 8), (10, 8, 8), (10, 64)])
def test_show_images_formas_admitidas(shape: tuple[int, ...]) -> None:
    ax = show_images(torch.rand(shape) * 2 - 0.5, nrow=4, title="Dígitos")
    assert isinstance(ax, Axes)
    (image,) = ax.get_images()
    grid = image.get_array()
    assert grid.shape == (3 * 9 + 1, 4 * 9 + 1)
    assert grid.min() >= 0 and grid.max() <= 1
    assert ax.get_title() == "Dígitos"


def test_show_images_con_rotulos_y_numpy() -> None:
    fig, ax = plt.subplots()
    images = np.random.default_rng(0).random((3, 8, 8))
    out = show_images(images, titles=["a", "b", "c"], ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.texts] == ["a", "b", "c"]


def test_show_images_errores() -> None:
    with pytest.raises(ValueError, match="`images`"):
        show_images(torch.rand(4, 3, 8, 8))
    with pytest.raises(ValueError, match="`images`.*cuadrado"):
        show_images(torch.rand(4, 63))
    with pytest.raises(TypeError, match="`images`"):
        show_images([[0.0]])
    with pytest.raises(ValueError, match="`titles`"):
        show_images(torch.rand(4, 8, 8), titles=["a"])
    with pytest.raises(ValueError, match="`nrow`"):
        show_images(torch.rand(4, 8, 8), nrow=0)


def test_plot_samples_2d() -> None:
    ax = plot_samples_2d(torch.randn(50, 2), np.zeros((20, 2)), labels=["datos", "modelo"],
                         title="Muestras")
    assert len(ax.collections) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["datos", "modelo"]
    assert ax.get_aspect() == 1.0
    single = plot_samples_2d(torch.randn(5, 2))
    assert single.get_legend() is None
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        plot_samples_2d(torch.randn(5, 3))
    with pytest.raises(ValueError, match="`labels`"):
        plot_samples_2d(torch.randn(5, 2), labels=["a", "b"])


def test_plot_density_2d() -> None:
    def log_prob(x: torch.Tensor) -> torch.Tensor:
        return -0.5 * (x**2).sum(dim=1)

    ax = plot_density_2d(log_prob, resolution=30, title="Gaussiana")
    (image,) = ax.get_images()
    density = np.asarray(image.get_array())
    assert density.shape == (30, 30)
    assert density.max() == pytest.approx(np.exp(-0.5 * 2 * (4 / 29) ** 2), rel=1e-3)
    with pytest.raises(ValueError, match="log_prob"):
        plot_density_2d(lambda x: x, resolution=10)
    with pytest.raises(ValueError, match="`xlim`"):
        plot_density_2d(log_prob, xlim=(1, -1))


def test_plot_losses() -> None:
    ax = plot_losses(History({"loss": [3.0, 2.0, 1.0], "val_loss": [3.5, 2.5, 2.0]}), logy=True)
    assert [line.get_label() for line in ax.get_lines()] == ["entrenamiento", "validación"]
    assert ax.get_yscale() == "log"
    assert ax.get_title() == "Curva de aprendizaje"
    assert list(ax.get_lines()[0].get_xdata()) == [1, 2, 3]
    ax = plot_losses(History({"d_loss": [1.4, 1.3], "g_loss": [0.7, 0.8]}), xlabel="paso")
    assert [line.get_label() for line in ax.get_lines()] == ["discriminador", "generador"]
    ax = plot_losses({"a": [1.0, 0.5]}, xlabel="paso")
    assert len(ax.get_lines()) == 1 and ax.get_xlabel() == "paso"
    with pytest.raises(TypeError, match="`history`"):
        plot_losses([1.0, 2.0])
    with pytest.raises(ValueError, match="`history`"):
        plot_losses(History())


def _etiquetas(ax: Axes) -> list[str]:
    ax.figure.canvas.draw()
    return [t.get_text() for t in ax.get_yticklabels() if t.get_text()]


def test_coma_decimal_en_las_marcas_de_los_ejes() -> None:
    use_decimal_comma()
    try:
        _, ax = plt.subplots()
        ax.plot([0, 1], [-0.5, 1.5])
        etiquetas = _etiquetas(ax)
        assert "0,50" in etiquetas and "−0,50" in etiquetas
        assert not any("." in t for t in etiquetas)
        fig, ax = plt.subplots()  # también las barras de color
        barra = fig.colorbar(ax.imshow(np.linspace(0, 1, 16).reshape(4, 4)))
        assert "0,2" in _etiquetas(barra.ax)
    finally:
        use_decimal_comma(False)
    _, ax = plt.subplots()
    ax.plot([0, 1], [-0.5, 1.5])
    assert "0.50" in _etiquetas(ax)  # desactivada, matplotlib vuelve a su punto decimal


def test_formateador_con_mathtext_y_errores() -> None:
    with plt.rc_context({"axes.formatter.use_mathtext": True}):
        _, ax = plt.subplots()
        ax.plot([0, 1], [0, 0.5])
        ax.yaxis.set_major_formatter(DecimalCommaFormatter())
        assert any("0{,}5" in t for t in _etiquetas(ax))
    with pytest.raises(TypeError, match="enabled"):
        use_decimal_comma("sí")  # type: ignore[arg-type]
