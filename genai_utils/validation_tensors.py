"""Comprobaciones de argumentos que necesitan PyTorch: tensores, etiquetas, modelos e imágenes.

Son la parte de :mod:`genai_utils.validation` que importa ``torch``; viven aparte para que los
módulos de Python puro no paguen los segundos que cuesta cargarlo. Siguen la misma convención:
``TypeError`` para un tipo equivocado, ``ValueError`` para una forma o un valor fuera de rango,
y un mensaje en español que nombra el argumento.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["check_digit_images", "check_labels", "check_model", "check_tensor"]

_DIGIT_SIZE = 8  # lado de las imágenes de dígitos de ``load_digits``
_DIGIT_PIXELS = _DIGIT_SIZE * _DIGIT_SIZE


def check_tensor(
    x: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    last_dims: tuple[int, ...] | None = None,
    floating: bool | None = None,
    finite: bool = False,
    non_empty: bool = False,
) -> torch.Tensor:
    """Comprueba que ``x`` sea un tensor con las dimensiones y el tipo esperados.

    ``ndim`` es el número de dimensiones (o una tupla de valores admitidos), ``last_dims`` el
    tamaño de las últimas dimensiones y ``floating=True`` exige un tipo de coma flotante real
    (``False`` exige un tipo entero o booleano). ``finite=True`` rechaza NaN e infinitos y
    ``non_empty=True``, un tensor sin elementos.
    """
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"El argumento `{name}` debe ser un tensor de PyTorch; se recibió {type(x).__name__}."
        )
    shape = tuple(x.shape)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if x.ndim not in allowed:
            expected = " o ".join(str(d) for d in allowed)
            raise ValueError(
                f"El argumento `{name}` debe tener {expected} dimensiones; "
                f"se recibió un tensor de forma {shape}."
            )
    if last_dims is not None:
        k = len(last_dims)
        if x.ndim < k or shape[x.ndim - k :] != tuple(last_dims):
            raise ValueError(
                f"Las últimas dimensiones del argumento `{name}` deben ser {tuple(last_dims)}; "
                f"se recibió un tensor de forma {shape}."
            )
    if floating is True and not x.is_floating_point():
        raise TypeError(
            f"El argumento `{name}` debe ser un tensor de coma flotante (p. ej. float32); "
            f"se recibió dtype {x.dtype}. Conviértelo con `.float()`."
        )
    if floating is False and (x.is_floating_point() or x.is_complex()):
        raise TypeError(
            f"El argumento `{name}` debe ser un tensor de enteros (p. ej. int64); "
            f"se recibió dtype {x.dtype}. Conviértelo con `.long()`."
        )
    if non_empty and x.numel() == 0:
        raise ValueError(f"El argumento `{name}` está vacío: forma {shape}.")
    if finite and x.is_floating_point() and not bool(torch.isfinite(x).all()):
        raise ValueError(f"El argumento `{name}` contiene valores NaN o infinitos.")
    return x


def check_labels(
    labels: object, name: str, *, n: int, n_classes: int, rows_of: str
) -> torch.Tensor:
    """Comprueba unas etiquetas de clase: tensor de enteros (n,) con valores en [0, n_classes).

    ``rows_of`` nombra el argumento cuyas filas se etiquetan (p. ej. ``"x"``), para el mensaje.
    Devuelve las etiquetas como ``int64``.
    """
    check_tensor(labels, name, ndim=1, floating=False)
    if len(labels) != n:
        raise ValueError(
            f"El argumento `{name}` debe tener una etiqueta por fila de `{rows_of}` ({n}); "
            f"se recibieron {len(labels)}."
        )
    check_label_range(labels, name, n_classes)
    return labels.long()


def check_label_range(labels: torch.Tensor, name: str, n_classes: int) -> None:
    """Comprueba que los valores de ``labels`` (ya validado como tensor) estén en [0, n_classes)."""
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"Las etiquetas de `{name}` deben estar entre 0 y {n_classes - 1}; se recibieron "
            f"valores entre {int(labels.min())} y {int(labels.max())}."
        )


def check_model(model: object, name: str = "model", cls: type = nn.Module) -> None:
    """Comprueba que ``model`` sea una instancia de ``cls`` (por defecto, ``torch.nn.Module``)."""
    if not isinstance(model, cls):
        expected = "torch.nn.Module" if cls is nn.Module else cls.__name__
        raise TypeError(
            f"El argumento `{name}` debe ser un `{expected}`; se recibió {type(model).__name__}."
        )


def check_digit_images(
    x: object, name: str, *, allow_hw: bool = False, min_count: int = 0
) -> torch.Tensor:
    """Comprueba imágenes de dígitos de coma flotante y las devuelve aplanadas (N, 64).

    Se admiten las formas (N, 1, 8, 8) y (N, 64) y, con ``allow_hw=True``, también (N, 8, 8).
    ``min_count`` es el número mínimo de imágenes. No copia ni separa del grafo: devuelve una
    vista de ``x``.
    """
    check_tensor(x, name)
    shapes = [(1, _DIGIT_SIZE, _DIGIT_SIZE), (_DIGIT_PIXELS,)]
    if allow_hw:
        shapes.append((_DIGIT_SIZE, _DIGIT_SIZE))
    if x.ndim < 2 or tuple(x.shape[1:]) not in shapes:
        expected = " o ".join("(N, " + ", ".join(map(str, s)) + ")" for s in shapes)
        raise ValueError(
            f"El argumento `{name}` debe tener forma {expected}; "
            f"se recibió un tensor de forma {tuple(x.shape)}."
        )
    check_tensor(x, name, floating=True)
    if len(x) < min_count:
        if min_count == 1:
            raise ValueError(f"El argumento `{name}` no contiene ninguna imagen.")
        raise ValueError(
            f"El argumento `{name}` necesita al menos {min_count} imágenes; "
            f"se recibieron {len(x)}."
        )
    return x.reshape(len(x), _DIGIT_PIXELS)
