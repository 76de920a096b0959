"""Gráficos del libro con rótulos en español: rejillas de imágenes, nubes de puntos en 2-D,
densidades y curvas de aprendizaje.

Cada función dibuja en unos ejes (``ax``) que se le pasan o que crea, y los devuelve para que el
lector pueda retocarlos. Se usa el *backend* de matplotlib que esté activo.

:func:`use_decimal_comma` hace que las marcas de los ejes lineales de todas las figuras que se
creen después lleven coma decimal («0,5»), como la prosa del libro; cada cuaderno la llama una vez.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence

import matplotlib.pyplot as plt
import matplotlib.scale as mscale
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.ticker import ScalarFormatter

from genai_utils.history import History
from genai_utils.validation import check_positive_float, check_positive_int

ArrayLike = torch.Tensor | np.ndarray


class DecimalCommaFormatter(ScalarFormatter):
    """Las marcas de un eje lineal de matplotlib con coma decimal: «0,5», «−1,5», «1e−3».

    Se usa como cualquier formateador (``ax.yaxis.set_major_formatter(DecimalCommaFormatter())``),
    aunque lo normal es activarlo en todas las figuras con :func:`use_decimal_comma`.
    """

    def _comma(self, text: str) -> str:
        return text.replace(".", "{,}" if "$" in text else ",")

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self._comma(super().__call__(x, pos))

    def get_offset(self) -> str:
        return self._comma(super().get_offset())

    def format_data_short(self, value: float) -> str:
        return self._comma(super().format_data_short(value))


_LINEAR_SCALE = mscale.LinearScale


class _DecimalCommaScale(mscale.LinearScale):
    """La escala lineal de siempre, con :class:`DecimalCommaFormatter` en las marcas principales."""

    name = "linear"

    def __init__(self, *args: object, **kwargs: object) -> None:
        # Sin un parámetro llamado «axis», matplotlib ≥ 3.11 no avisa de que quedará obsoleto.
        super().__init__(None)

    def set_default_locators_and_formatters(self, axis: object) -> None:
        super().set_default_locators_and_formatters(axis)
        axis.set_major_formatter(DecimalCommaFormatter())


def use_decimal_comma(enabled: bool = True) -> None:
    """Activa (o, con ``enabled=False``, desactiva) la coma decimal en las marcas de los ejes.

    Afecta a los ejes lineales que se creen después de llamarla, en cualquier figura (también las
    barras de color). Los ejes logarítmicos ya muestran potencias de diez sin decimales.
    """
    if not isinstance(enabled, bool):
        raise TypeError(f"El argumento `enabled` debe ser True o False; se recibió {enabled!r}.")
    if enabled:
        mscale.register_scale(_DecimalCommaScale)
        return
    with warnings.catch_warnings():  # la escala original aún recibe «axis»: matplotlib lo avisa
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        mscale.register_scale(_LINEAR_SCALE)


def show_images(
    images: ArrayLike,
    *,
    nrow: int = 8,
    titles: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    cmap: str = "gray_r",
) -> Axes:
    """Dibuja imágenes en escala de grises como una sola rejilla y devuelve sus ejes.

    ``images`` tiene forma (N, 1, H, W), (N, H, W) o (N, H·W) con H = W; los valores se
    recortan a [0, 1]. ``nrow`` es el número de imágenes por fila. Con ``titles`` (uno por
    imagen) se escribe un rótulo encima de cada una, en los mismos ejes.
    """
    check_positive_int(nrow, "nrow")
    grid_images = _as_image_stack(images)
    n, h, w = grid_images.shape
    if titles is not None and len(titles) != n:
        raise ValueError(
            f"El argumento `titles` debe tener un rótulo por imagen ({n}); "
            f"se recibieron {len(titles)}."
        )
    cols, rows = min(nrow, n), math.ceil(n / nrow)
    top = 1 if titles is None else max(2, h // 2)
    grid = np.full((rows * (h + top) + 1, cols * (w + 1) + 1), np.nan)
    for i, image in enumerate(grid_images):
        r, c = divmod(i, cols)
        y, x = r * (h + top) + top, c * (w + 1) + 1
        grid[y : y + h, x : x + w] = image
    if ax is None:
        _, ax = plt.subplots(figsize=(max(2.0, 0.9 * cols), max(1.5, 0.9 * rows * (h + top) / h)))
    colormap = plt.get_cmap(cmap).with_extremes(bad="#c8d0d8")
    ax.imshow(np.ma.masked_invalid(grid), cmap=colormap, vmin=0.0, vmax=1.0,
              interpolation="nearest")
    for i, label in enumerate(titles or []):
        r, c = divmod(i, cols)
        ax.text(c * (w + 1) + 1 + w / 2, r * (h + top) + top - 0.6, str(label),
                ha="center", va="bottom", fontsize=8)
    ax.set_axis_off()
    if title is not None:
        ax.set_title(title)
    return ax


def _as_image_stack(images: object) -> np.ndarray:
    array = _to_numpy(images, "images")
    if array.ndim == 4 and array.shape[1] == 1:
        array = array[:, 0]
    elif array.ndim == 2:
        side = math.isqrt(array.shape[1])
        if side * side != array.shape[1]:
            raise ValueError(
                "El argumento `images` con forma (N, D) necesita que D sea un cuadrado perfecto "
                f"(p. ej. 64 = 8×8); se recibió forma {array.shape}."
            )
        array = array.reshape(-1, side, side)
    if array.ndim != 3 or array.shape[0] == 0:
        raise ValueError(
            "El argumento `images` debe tener forma (N, 1, H, W), (N, H, W) o (N, H·W) con "
            f"N > 0; se recibió forma {array.shape}."
        )
    return np.clip(array.astype(np.float64), 0.0, 1.0)


def _to_numpy(x: object, name: str) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().float().numpy()
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.number):
            raise TypeError(f"El argumento `{name}` debe ser numérico; se recibió dtype {x.dtype}.")
        return x
    raise TypeError(
        f"El argumento `{name}` debe ser un tensor o un array de NumPy; "
        f"se recibió {type(x).__name__}."
    )


def plot_samples_2d(
    *sets: ArrayLike,
    labels: Sequence[str] | None = None,
    ax: Axes | None = None,
    title: str | None = None,
    s: float = 4,
    alpha: float = 0.6,
) -> Axes:
    """Dibuja uno o varios conjuntos de puntos (n, 2) como nubes, con aspecto 1:1 y leyenda."""
    if not sets:
        raise ValueError("Pasa al menos un conjunto de puntos de forma (n, 2) a `plot_samples_2d`.")
    check_positive_float(s, "s")
    check_positive_float(alpha, "alpha")
    if labels is not None and len(labels) != len(sets):
        raise ValueError(
            f"El argumento `labels` debe tener un rótulo por conjunto ({len(sets)}); "
            f"se recibieron {len(labels)}."
        )
    if labels is None and len(sets) > 1:
        labels = [f"conjunto {i + 1}" for i in range(len(sets))]
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    for i, points in enumerate(sets):
        xy = _points_2d(points, f"sets[{i}]")
        label = None if labels is None else labels[i]
        ax.scatter(xy[:, 0], xy[:, 1], s=s, alpha=alpha, label=label)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if labels is not None:
        ax.legend(markerscale=3, loc="best")
    if title is not None:
        ax.set_title(title)
    return ax


def _points_2d(points: object, name: str) -> np.ndarray:
    xy = _to_numpy(points, name)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(
            f"El argumento `{name}` debe tener forma (n, 2); se recibió forma {xy.shape}."
        )
    return xy


def plot_density_2d(
    log_prob: Callable[[torch.Tensor], torch.Tensor],
    *,
    xlim: tuple[float, float] = (-4, 4),
    ylim: tuple[float, float] = (-4, 4),
    resolution: int = 100,
    ax: Axes | None = None,
    title: str | None = None,
    device: torch.device | str | None = None,
) -> Axes:
    """Dibuja la densidad ``exp(log_prob(x))`` sobre una rejilla del rectángulo ``xlim × ylim``.

    ``log_prob`` recibe un tensor (M, 2) y devuelve (M,); se evalúa sin gradientes, en
    ``device`` si se indica.
    """
    if not callable(log_prob):
        raise TypeError(f"El argumento `log_prob` debe ser una función; se recibió {log_prob!r}.")
    x0, x1 = _check_limits(xlim, "xlim")
    y0, y1 = _check_limits(ylim, "ylim")
    check_positive_int(resolution, "resolution")
    xs, ys = torch.linspace(x0, x1, resolution), torch.linspace(y0, y1, resolution)
    gx, gy = torch.meshgrid(xs, ys, indexing="xy")
    points = torch.stack([gx.reshape(-1), gy.reshape(-1)], dim=1)
    with torch.no_grad():
        values = log_prob(points if device is None else points.to(device))
    if not isinstance(values, torch.Tensor) or values.numel() != len(points):
        shape = tuple(values.shape) if isinstance(values, torch.Tensor) else type(values).__name__
        raise ValueError(
            f"`log_prob` debe devolver un tensor de forma ({len(points)},) para una entrada "
            f"({len(points)}, 2); devolvió {shape}."
        )
    density = values.detach().float().cpu().reshape(resolution, resolution).exp().numpy()
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.imshow(density, origin="lower", extent=(x0, x1, y0, y1), cmap="viridis", aspect="equal")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title is not None:
        ax.set_title(title)
    return ax


def _check_limits(limits: object, name: str) -> tuple[float, float]:
    ok = isinstance(limits, tuple | list) and len(limits) == 2
    ok = ok and all(isinstance(v, int | float) and math.isfinite(v) for v in limits)
    if not ok or not limits[0] < limits[1]:
        raise ValueError(
            f"El argumento `{name}` debe ser un par (mínimo, máximo) con mínimo < máximo; "
            f"se recibió {limits!r}."
        )
    return float(limits[0]), float(limits[1])


def plot_losses(
    history: History | dict[str, list[float]],
    *,
    ax: Axes | None = None,
    title: str = "Curva de aprendizaje",
    logy: bool = False,
    xlabel: str = "época",
) -> Axes:
    """Dibuja las curvas de un ``History`` (cada serie: entrenamiento, validación, discriminador,
    generador…) o de un diccionario ``{rótulo: valores}``, con el punto ``i`` en ``x = i``."""
    curves = _loss_curves(history)
    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.5))
    for label, values in curves.items():
        ax.plot(range(1, len(values) + 1), values, label=label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("pérdida")
    if logy:
        ax.set_yscale("log")
    ax.legend()
    ax.set_title(title)
    return ax


# Rótulos de las series de siempre de un ``History``; las demás se dibujan con su nombre.
_SERIES_LABELS = {"loss": "entrenamiento", "val_loss": "validación", "d_loss": "discriminador",
                  "g_loss": "generador"}


def _loss_curves(history: object) -> dict[str, list[float]]:
    if isinstance(history, History):
        curves = {_SERIES_LABELS.get(name, name): history[name] for name in history.names}
    elif isinstance(history, dict):
        curves = {str(k): list(v) for k, v in history.items()}
    else:
        raise TypeError(
            "El argumento `history` debe ser un `History` o un diccionario {rótulo: pérdidas}; "
            f"se recibió {type(history).__name__}."
        )
    if not curves or not all(curves.values()):
        raise ValueError("El argumento `history` no contiene ninguna pérdida que dibujar.")
    return curves
