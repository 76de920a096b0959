"""Conjuntos de datos del libro que funcionan sin conexión.

Hay dos fuentes: los dígitos manuscritos de 8×8 píxeles que trae scikit-learn (el conjunto de
imágenes por defecto del libro) y distribuciones sintéticas en 2-D generadas por código
(mezcla de gaussianas, anillos, rollo suizo y lunas). Nada se descarga y nada toca el estado
aleatorio global: cada función usa su propio generador con la semilla que recibe.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from genai_utils.validation import (
    MAX_SIZE,
    check_choice,
    check_fraction,
    check_non_negative_float,
    check_non_negative_int,
    check_positive_int,
)
from genai_utils.validation_tensors import check_tensor

N_DIGITS = 1797
N_CLASSES = 10
IMAGE_SIZE = 8
TOY_2D_NAMES = ("gaussian_mixture", "rings", "swiss_roll", "moons")


@dataclass(frozen=True)
class DigitsSplit:
    """Partición entrenamiento/prueba de los dígitos.

    Imágenes ``float32`` en [0, 1] con forma (N, 1, 8, 8); etiquetas ``int64`` con forma (N,).
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    def flat(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Devuelve ``(x_train, x_test)`` aplanados a forma (N, 64)."""
        return flatten_images(self.x_train), flatten_images(self.x_test)


@lru_cache(maxsize=1)
def _digits_arrays() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits as sklearn_load_digits

    images, labels = sklearn_load_digits(return_X_y=True)
    return images.astype(np.float32) / 16.0, labels.astype(np.int64)


def load_digits(test_fraction: float = 0.2, seed: int = 0) -> DigitsSplit:
    """Carga los 1797 dígitos de scikit-learn y los parte de forma estratificada y reproducible."""
    from sklearn.model_selection import train_test_split

    check_fraction(test_fraction, "test_fraction")
    check_non_negative_int(seed, "seed")
    n_test = math.ceil(N_DIGITS * test_fraction)
    if n_test < N_CLASSES or N_DIGITS - n_test < N_CLASSES:
        raise ValueError(
            f"El argumento `test_fraction` deja menos de {N_CLASSES} imágenes en una de las dos "
            f"partes; usa un valor entre 0.01 y 0.99; se recibió {test_fraction!r}."
        )
    x, y = _digits_arrays()
    x_tr, x_te, y_tr, y_te = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    shape = (-1, 1, IMAGE_SIZE, IMAGE_SIZE)
    return DigitsSplit(
        x_train=torch.from_numpy(x_tr.copy()).reshape(shape),
        y_train=torch.from_numpy(y_tr.copy()),
        x_test=torch.from_numpy(x_te.copy()).reshape(shape),
        y_test=torch.from_numpy(y_te.copy()),
    )


def flatten_images(x: torch.Tensor) -> torch.Tensor:
    """Aplana imágenes (N, 1, H, W) o (N, H, W) a vectores (N, H·W)."""
    check_tensor(x, "x", ndim=(2, 3, 4))
    if x.ndim == 4 and x.shape[1] != 1:
        raise ValueError(
            "El argumento `x` debe tener un solo canal, forma (N, 1, H, W); "
            f"se recibió un tensor de forma {tuple(x.shape)}."
        )
    return x.reshape(x.shape[0], -1)


def unflatten_images(x: torch.Tensor, size: int = IMAGE_SIZE) -> torch.Tensor:
    """Convierte vectores (N, size·size) en imágenes (N, 1, size, size)."""
    check_positive_int(size, "size")
    check_tensor(x, "x", ndim=2, last_dims=(size * size,))
    return x.reshape(x.shape[0], 1, size, size)


def toy_2d(
    name: str,
    n: int = 1000,
    *,
    seed: int = 0,
    noise: float | None = None,
    return_labels: bool = False,
) -> torch.Tensor | tuple[torch.Tensor, torch.Tensor]:
    """Genera ``n`` puntos de una distribución sintética en 2-D, en la escala de [-4, 4]².

    ``name`` es uno de ``TOY_2D_NAMES``. ``noise`` es la desviación típica del ruido (por
    defecto, una propia de cada distribución). Con ``return_labels=True`` devuelve también la
    componente de cada punto: gaussiana (8), anillo (2), luna (2) o tramo del rollo (3).
    """
    check_choice(name, "name", TOY_2D_NAMES)
    check_positive_int(n, "n", maximum=MAX_SIZE)
    check_non_negative_int(seed, "seed")
    noise = _DEFAULT_NOISE[name] if noise is None else check_non_negative_float(noise, "noise")
    rng = np.random.default_rng(seed)
    points, labels = _GENERATORS[name](n, noise, rng)
    x = torch.from_numpy(points.astype(np.float32))
    y = torch.from_numpy(labels.astype(np.int64))
    return (x, y) if return_labels else x


def _balanced_labels(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    return rng.permutation(np.arange(n) % k)


def _gaussian_mixture(n: int, noise: float, rng: np.random.Generator) -> tuple:
    labels = rng.integers(0, 8, size=n)
    angles = 2 * np.pi * labels / 8
    centers = 3.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return centers + noise * rng.standard_normal((n, 2)), labels


def _rings(n: int, noise: float, rng: np.random.Generator) -> tuple:
    labels = _balanced_labels(n, 2, rng)
    radius = np.where(labels == 0, 1.5, 3.0)
    angles = rng.uniform(0, 2 * np.pi, size=n)
    circle = radius[:, None] * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return circle + noise * rng.standard_normal((n, 2)), labels


def _swiss_roll(n: int, noise: float, rng: np.random.Generator) -> tuple:
    u = rng.uniform(0, 1, size=n)
    t = 1.5 * np.pi * (1 + 2 * u)
    roll = np.stack([t * np.cos(t), t * np.sin(t)], axis=1) / 5.0
    labels = np.minimum((u * 3).astype(np.int64), 2)
    return roll + noise * rng.standard_normal((n, 2)), labels


def _moons(n: int, noise: float, rng: np.random.Generator) -> tuple:
    labels = _balanced_labels(n, 2, rng)
    theta = rng.uniform(0, np.pi, size=n)
    upper = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    lower = np.stack([1 - np.cos(theta), 0.5 - np.sin(theta)], axis=1)
    moons = np.where(labels[:, None] == 0, upper, lower)
    centered = 2.0 * (moons - np.array([0.5, 0.25]))
    return centered + noise * rng.standard_normal((n, 2)), labels


_GENERATORS = {
    "gaussian_mixture": _gaussian_mixture,
    "rings": _rings,
    "swiss_roll": _swiss_roll,
    "moons": _moons,
}
_DEFAULT_NOISE = {"gaussian_mixture": 0.2, "rings": 0.1, "swiss_roll": 0.1, "moons": 0.1}
