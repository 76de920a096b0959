"""Comprobaciones de argumentos compartidas por todos los módulos de ``genai_utils``.

Cada función recibe el valor y el nombre del argumento, y devuelve el valor validado o lanza
un error en español que nombra el argumento, dice qué se esperaba y qué se recibió. Así el
lector ve un mensaje claro en lugar de una traza opaca de PyTorch.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Integral, Real

import torch


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def check_positive_int(value: object, name: str) -> int:
    """Devuelve ``value`` si es un entero mayor que cero; si no, lanza un error."""
    if not _is_int(value) or value <= 0:
        raise _int_error(value, name, "un entero positivo")
    return int(value)


def check_non_negative_int(value: object, name: str) -> int:
    """Devuelve ``value`` si es un entero mayor o igual que cero; si no, lanza un error."""
    if not _is_int(value) or value < 0:
        raise _int_error(value, name, "un entero mayor o igual que cero")
    return int(value)


def _int_error(value: object, name: str, expected: str) -> Exception:
    error = ValueError if _is_int(value) else TypeError
    return error(f"El argumento `{name}` debe ser {expected}; se recibió {value!r}.")


def check_positive_float(value: object, name: str) -> float:
    """Devuelve ``value`` como ``float`` si es un número finito mayor que cero."""
    if not _is_real(value):
        raise TypeError(f"El argumento `{name}` debe ser un número positivo; se recibió {value!r}.")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"El argumento `{name}` debe ser un número finito mayor que cero; se recibió {value!r}."
        )
    return float(value)


def check_fraction(value: object, name: str, *, open_interval: bool = True) -> float:
    """Devuelve ``value`` si está en (0, 1), o en [0, 1] con ``open_interval=False``."""
    interval = "(0, 1)" if open_interval else "[0, 1]"
    if not _is_real(value):
        raise TypeError(
            f"El argumento `{name}` debe ser un número en el intervalo {interval}; "
            f"se recibió {value!r}."
        )
    inside = 0 < value < 1 if open_interval else 0 <= value <= 1
    if not inside:
        raise ValueError(
            f"El argumento `{name}` debe estar en el intervalo {interval}; se recibió {value!r}."
        )
    return float(value)


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Devuelve ``value`` si es una de las opciones ``choices``; si no, las enumera."""
    options = tuple(choices)
    if value not in options:
        valid = ", ".join(repr(c) for c in options)
        raise ValueError(
            f"El argumento `{name}` debe ser una de estas opciones: {valid}; se recibió {value!r}."
        )
    return value  # type: ignore[return-value]


def check_tensor(
    x: object,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    last_dims: tuple[int, ...] | None = None,
    floating: bool | None = None,
) -> torch.Tensor:
    """Comprueba que ``x`` sea un tensor con las dimensiones y el tipo esperados.

    ``ndim`` es el número de dimensiones (o una tupla de valores admitidos), ``last_dims`` el
    tamaño de las últimas dimensiones y ``floating=True`` exige un tipo de coma flotante
    (``False`` exige un tipo entero o booleano).
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
    if len(labels) and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(
            f"Las etiquetas de `{name}` deben estar entre 0 y {n_classes - 1}; se recibieron "
            f"valores entre {int(labels.min())} y {int(labels.max())}."
        )
    return labels.long()
