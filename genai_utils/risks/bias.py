"""Sesgo: ¿reproduce un modelo generativo el desequilibrio de sus datos, o lo amplifica?

Las muestras de un modelo de dígitos no traen etiqueta, así que la pone el clasificador de
referencia del libro (:func:`genai_utils.metrics.digit_classifier`). Con las etiquetas se
comparan dos distribuciones de clases, la de los datos y la de las muestras:

* :func:`class_distribution` y :func:`predicted_distribution`: la fracción de cada clase.
* :func:`group_share`: la fracción que suma un grupo de clases (p. ej. las mayoritarias).
* :func:`amplification_factor`: cuántas veces crece (> 1) o mengua (< 1) esa fracción al pasar de
  los datos a las muestras.
* :func:`total_variation`: la distancia de variación total, ``½ Σ |p − q|``, entre las dos.
* :func:`skewed_subset`: construye a propósito un conjunto desequilibrado.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

from genai_utils.data import N_CLASSES
from genai_utils.metrics import digit_classifier
from genai_utils.report import fmt_num, fmt_pct, fmt_sig
from genai_utils.validation import (
    MAX_SIZE,
    check_fraction,
    check_non_negative_int,
    check_positive_int,
)
from genai_utils.validation_tensors import check_digit_images, check_label_range, check_tensor

__all__ = [
    "BiasReport",
    "amplification_factor",
    "bias_report",
    "class_distribution",
    "group_share",
    "predict_digits",
    "predicted_distribution",
    "skewed_subset",
    "total_variation",
]


def class_distribution(labels: torch.Tensor, n_classes: int = N_CLASSES) -> torch.Tensor:
    """Fracción de cada clase en ``labels`` (N,): un tensor ``float64`` (n_classes,) que suma 1."""
    check_positive_int(n_classes, "n_classes", maximum=MAX_SIZE)
    check_tensor(labels, "labels", ndim=1, floating=False)
    if len(labels) == 0:
        raise ValueError("El argumento `labels` no contiene ninguna etiqueta.")
    check_label_range(labels, "labels", n_classes)
    counts = torch.bincount(labels.cpu().long(), minlength=n_classes).double()
    return counts / counts.sum()


@torch.no_grad()
def predict_digits(images: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Dígito (0–9) que el clasificador de referencia ve en cada imagen (N, 1, 8, 8) o (N, 64)."""
    flat = check_digit_images(images, "images")
    check_positive_int(batch_size, "batch_size")
    flat = flat.detach().to("cpu", torch.float32)
    model = digit_classifier()
    parts = [model(flat[i : i + batch_size]).argmax(dim=1) for i in range(0, len(flat), batch_size)]
    return torch.cat(parts) if parts else torch.zeros(0, dtype=torch.long)


def predicted_distribution(images: torch.Tensor) -> torch.Tensor:
    """Distribución de clases (10,) de ``images`` según el clasificador de referencia."""
    return class_distribution(predict_digits(images))


def _check_distribution(p: object, name: str) -> torch.Tensor:
    check_tensor(p, name, ndim=1, floating=True)
    if len(p) == 0:
        raise ValueError(f"El argumento `{name}` no puede estar vacío.")
    if not torch.isfinite(p).all() or (p < 0).any():
        raise ValueError(f"El argumento `{name}` debe contener probabilidades no negativas.")
    total = float(p.double().sum())
    if not abs(total - 1.0) <= 1e-6:  # también si la suma desborda a infinito
        shown = fmt_sig(total, 6) if math.isfinite(total) else str(total)
        raise ValueError(f"Las probabilidades de `{name}` deben sumar 1; suman {shown}.")
    return p.detach().cpu().double()


def _check_group(group: Iterable[int], n_classes: int) -> list[int]:
    if isinstance(group, int) or not isinstance(group, Iterable):
        raise TypeError(
            "El argumento `group` debe ser una lista de clases, p. ej. [0, 1, 2]; "
            f"se recibió {group!r}."
        )
    classes = [check_non_negative_int(c, "group") for c in group]
    if not classes or len(set(classes)) != len(classes) or max(classes) >= n_classes:
        raise ValueError(
            f"El argumento `group` debe ser una lista no vacía de clases distintas entre 0 y "
            f"{n_classes - 1}; se recibió {list(group)!r}."
        )
    return classes


def group_share(p: torch.Tensor, group: Sequence[int]) -> float:
    """Fracción que suman las clases de ``group`` en la distribución ``p``."""
    return _group_share(p, group, "p")


def _group_share(p: object, group: Sequence[int], name: str) -> float:
    dist = _check_distribution(p, name)
    return float(dist[_check_group(group, len(dist))].sum())


def amplification_factor(
    p_data: torch.Tensor, p_samples: torch.Tensor, group: Sequence[int]
) -> float:
    """Cociente entre la fracción de ``group`` en las muestras y en los datos.

    Vale 1 si el modelo reproduce la proporción de los datos, más de 1 si la **amplifica** y menos
    de 1 si la atenúa.
    """
    share_data, share_samples = _shares(p_data, p_samples, group)
    return share_samples / share_data


def _shares(p_data: object, p_samples: object, group: Sequence[int]) -> tuple[float, float]:
    """Fracción de ``group`` en los datos y en las muestras, con las comprobaciones del cociente."""
    share_data = _group_share(p_data, group, "p_data")
    share_samples = _group_share(p_samples, group, "p_samples")
    if len(p_samples) != len(p_data):
        raise ValueError(
            "Los argumentos `p_data` y `p_samples` deben tener el mismo número de clases; se "
            f"recibieron {len(p_data)} y {len(p_samples)}."
        )
    if share_data == 0:
        raise ValueError("El grupo `group` no aparece en `p_data`: el cociente no está definido.")
    return share_data, share_samples


def total_variation(p: torch.Tensor, q: torch.Tensor) -> float:
    """Distancia de variación total ``½ Σ |p − q|`` entre dos distribuciones: entre 0 y 1."""
    a, b = _check_distribution(p, "p"), _check_distribution(q, "q")
    if a.shape != b.shape:
        raise ValueError(
            "Los argumentos `p` y `q` deben tener el mismo número de clases; se recibieron "
            f"{len(a)} y {len(b)}."
        )
    return 0.5 * float((a - b).abs().sum())


@dataclass(frozen=True)
class BiasReport:
    """Comparación de la fracción de un grupo de clases en los datos y en las muestras."""

    data_share: float
    sample_share: float
    total_variation: float

    @property
    def amplification(self) -> float:
        """Factor de amplificación: ``sample_share / data_share`` (:func:`amplification_factor`)."""
        return self.sample_share / self.data_share

    def __str__(self) -> str:
        return (f"grupo: {fmt_pct(self.data_share, 1)} en los datos, "
                f"{fmt_pct(self.sample_share, 1)} en las muestras "
                f"(factor de amplificación {fmt_num(self.amplification, 2)}); "
                f"variación total {fmt_num(self.total_variation, 3)}")


def bias_report(p_data: torch.Tensor, p_samples: torch.Tensor, group: Sequence[int]) -> BiasReport:
    """Resume en un :class:`BiasReport` cómo cambia el peso de ``group`` de datos a muestras."""
    data_share, sample_share = _shares(p_data, p_samples, group)
    return BiasReport(data_share, sample_share, total_variation(p_data, p_samples))


def skewed_subset(
    x: torch.Tensor, y: torch.Tensor, keep: Sequence[float], *, seed: int = 0
) -> tuple[torch.Tensor, torch.Tensor]:
    """Subconjunto de ``(x, y)`` que conserva la fracción ``keep[k]`` de los ejemplos de la clase k.

    Los ejemplos conservados de cada clase se sortean con la semilla ``seed`` (se redondea al
    entero más cercano, y al menos uno si ``keep[k] > 0``). Devuelve ``(x, y)`` en el orden
    original.
    """
    check_tensor(y, "y", ndim=1, floating=False)
    check_tensor(x, "x")
    if x.ndim == 0:
        raise ValueError("El argumento `x` debe tener una fila por ejemplo; se recibió un escalar.")
    check_non_negative_int(seed, "seed")
    if len(y) == 0:
        raise ValueError("El argumento `y` no contiene ninguna etiqueta.")
    if len(x) != len(y):
        raise ValueError(
            f"Los argumentos `x` e `y` deben tener el mismo número de ejemplos; se recibieron "
            f"{len(x)} y {len(y)}."
        )
    if isinstance(keep, str | bytes) or not isinstance(keep, Sequence):
        raise TypeError(
            "El argumento `keep` debe ser una lista de fracciones; se recibió "
            f"{type(keep).__name__}."
        )
    fractions = [check_fraction(f, "keep", open_interval=False) for f in keep]
    if len(fractions) <= int(y.max()) or len(fractions) <= int(y.max()):
        raise ValueError(
            f"El argumento `keep` debe dar una fracción entre 0 y 1 para cada clase "
            f"(al menos {int(y.max()) + 1}); se recibió {list(keep)!r}."
        )
    generator = torch.Generator().manual_seed(seed)
    chosen = []
    for k, fraction in enumerate(fractions):
        members = torch.nonzero(y == k).flatten()
        n_keep = max(round(fraction * len(members)), 1 if fraction > 0 else 0)
        order = torch.randperm(len(members), generator=generator)
        chosen.append(members[order[:n_keep]])
    idx = torch.cat(chosen).sort().values
    return x[idx], y[idx]
