"""Comprobaciones de argumentos compartidas por todos los módulos de ``genai_utils``.

Cada función recibe el valor y el nombre del argumento, y devuelve el valor validado o lanza
un error en español que nombra el argumento, dice qué se esperaba y qué se recibió. Así el
lector ve un mensaje claro en lugar de una traza opaca de PyTorch.

Convención: un valor de tipo equivocado lanza ``TypeError``; uno del tipo correcto pero fuera
de rango (negativo, NaN, infinito, vacío…) lanza ``ValueError``.

Este módulo no importa PyTorch, para que los módulos de Python puro (``bpe``, ``corpus``,
``stats``, la calculadora…) se carguen en décimas de segundo. Las comprobaciones de tensores
(``check_tensor``, ``check_labels``, ``check_model``, ``check_digit_images``) viven en
:mod:`genai_utils.validation_tensors`; se pueden importar también desde aquí, y entonces
cargan PyTorch solo la primera vez que se piden.

Las comprobaciones son baratas, pero se hacen una vez en la frontera de la API pública, no
dentro de los bucles que se repiten por *token* o por paso.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Iterable, Mapping
from numbers import Integral, Real
from typing import Any, TypeVar

__all__ = [
    "MAX_SIZE",
    "check_bool",
    "check_choice",
    "check_fraction",
    "check_instance",
    "check_keywords",
    "check_non_negative_float",
    "check_non_negative_int",
    "check_positive_float",
    "check_positive_int",
    "check_real",
    "check_stop",
    "check_text",
    "check_top_p",
]

# Tope de los argumentos de tamaño (número de muestras, pasos, clases…): mucho más de lo que
# usa el libro y bastante menos de lo que agota la memoria de un portátil. Un tamaño absurdo
# (p. ej. 10**18) da así un error claro en lugar de un fallo del asignador de memoria.
MAX_SIZE = 10_000_000

_T = TypeVar("_T")

# Nombres que viven en ``validation_tensors`` (cargan PyTorch al pedirlos).
_TENSOR_CHECKS = ("check_digit_images", "check_labels", "check_model", "check_tensor")


def __getattr__(name: str) -> Any:
    if name in _TENSOR_CHECKS:
        from genai_utils import validation_tensors

        return getattr(validation_tensors, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, Integral) and not isinstance(value, bool)


def _is_real(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_maximum(value: int, name: str, maximum: int | None) -> None:
    if maximum is not None and value > maximum:
        raise ValueError(
            f"El argumento `{name}` no puede superar {maximum}; se recibió {value!r}."
        )


def check_positive_int(value: object, name: str, *, maximum: int | None = None) -> int:
    """Devuelve ``value`` si es un entero mayor que cero (y no mayor que ``maximum``)."""
    if not _is_int(value) or value <= 0:
        raise _int_error(value, name, "un entero positivo")
    _check_maximum(int(value), name, maximum)
    return int(value)


def check_non_negative_int(value: object, name: str, *, maximum: int | None = None) -> int:
    """Devuelve ``value`` si es un entero mayor o igual que cero (y no mayor que ``maximum``)."""
    if not _is_int(value) or value < 0:
        raise _int_error(value, name, "un entero mayor o igual que cero")
    _check_maximum(int(value), name, maximum)
    return int(value)


def _int_error(value: object, name: str, expected: str) -> Exception:
    error = ValueError if _is_int(value) else TypeError
    return error(f"El argumento `{name}` debe ser {expected}; se recibió {value!r}.")


def check_bool(value: object, name: str) -> bool:
    """Devuelve ``value`` si es ``True`` o ``False``; si no, lanza ``TypeError``."""
    if not isinstance(value, bool):
        raise TypeError(f"El argumento `{name}` debe ser True o False; se recibió {value!r}.")
    return value


def check_real(value: object, name: str) -> float:
    """Devuelve ``value`` como ``float`` si es un número real finito (de cualquier signo)."""
    if not _is_real(value):
        raise TypeError(f"El argumento `{name}` debe ser un número real; se recibió {value!r}.")
    if not math.isfinite(value):
        raise ValueError(f"El argumento `{name}` debe ser un número finito; se recibió {value!r}.")
    return float(value)


def check_positive_float(value: object, name: str) -> float:
    """Devuelve ``value`` como ``float`` si es un número finito mayor que cero."""
    if not _is_real(value):
        raise TypeError(f"El argumento `{name}` debe ser un número positivo; se recibió {value!r}.")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(
            f"El argumento `{name}` debe ser un número finito mayor que cero; se recibió {value!r}."
        )
    return float(value)


def check_non_negative_float(value: object, name: str) -> float:
    """Devuelve ``value`` como ``float`` si es un número finito mayor o igual que cero."""
    if not _is_real(value):
        raise TypeError(f"El argumento `{name}` debe ser un número ≥ 0; se recibió {value!r}.")
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"El argumento `{name}` debe ser un número finito mayor o igual que 0; "
            f"se recibió {value!r}."
        )
    return float(value)


def check_stop(
    steps: object, max_seconds: object, *, steps_name: str = "steps"
) -> tuple[int | None, float | None]:
    """Comprueba el final de un bucle: ``steps`` pasos, ``max_seconds`` segundos o ambos.

    Hace falta al menos uno; cada uno, si se da, debe ser positivo. ``steps_name`` es el nombre
    del argumento de pasos en la función que llama (``max_steps`` en :func:`train_lm`).
    """
    if steps is None and max_seconds is None:
        raise ValueError(f"Indica `{steps_name}`, `max_seconds` o ambos: si no, no hay final.")
    checked_steps = None if steps is None else check_positive_int(steps, steps_name)
    seconds = None if max_seconds is None else check_positive_float(max_seconds, "max_seconds")
    return checked_steps, seconds


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


def check_top_p(value: object, name: str) -> float:
    """Devuelve ``value`` si es un número en (0, 1] (el umbral del muestreo *top-p*)."""
    if not _is_real(value):
        raise TypeError(
            f"El argumento `{name}` (top-p) debe ser un número en el intervalo (0, 1]; "
            f"se recibió {value!r}."
        )
    if not 0 < value <= 1:
        raise ValueError(
            f"El argumento `{name}` (top-p) debe ser un número en el intervalo (0, 1]; "
            f"se recibió {value!r}."
        )
    return float(value)


def check_choice(value: object, name: str, choices: Iterable[str]) -> str:
    """Devuelve ``value`` si es una de las opciones ``choices``; si no, las enumera."""
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        valid = ", ".join(repr(c) for c in options)
        error = ValueError if isinstance(value, str) else TypeError
        raise error(
            f"El argumento `{name}` debe ser una de estas opciones: {valid}; se recibió {value!r}."
        )
    return value


def check_text(value: object, name: str, *, allow_empty: bool = False) -> str:
    """Devuelve ``value`` si es un texto (``str``), no vacío salvo con ``allow_empty=True``."""
    if not isinstance(value, str):
        raise TypeError(
            f"El argumento `{name}` debe ser un texto (str); se recibió {type(value).__name__}."
        )
    if not value and not allow_empty:
        raise ValueError(f"El argumento `{name}` debe ser un texto no vacío; se recibió ''.")
    return value


def check_instance(value: object, name: str, expected: type[_T], *, hint: str = "") -> _T:
    """Devuelve ``value`` si es un ``expected``; si no, un ``TypeError`` que nombra el argumento.

    ``hint`` se añade tras el nombre del tipo, p. ej. ``" (créalo con `make_schedule`)"``.
    """
    if not isinstance(value, expected):
        raise TypeError(
            f"El argumento `{name}` debe ser un {expected.__name__}{hint}; "
            f"se recibió {type(value).__name__}."
        )
    return value


def check_keywords(
    options: Mapping[str, object], target: Callable[..., object], where: str,
    *, exclude: Iterable[str] = (), own: Iterable[str] = (),
) -> None:
    """Comprueba que ``options`` solo nombra argumentos con nombre de ``target``.

    Sirve a las funciones que reenvían sus opciones a otra (``GPT.generate`` a
    :func:`~genai_utils.generation.generate_tokens`, los muestreadores de difusión a su bucle
    común): la lista de opciones se escribe una sola vez, en ``target``, y un nombre mal escrito
    da un ``TypeError`` en español que dice cuáles valen, en vez del error genérico de Python.
    ``exclude`` son argumentos de ``target`` que quien reenvía fija por su cuenta, y ``own``, los
    que quien reenvía tiene además (para que el mensaje los liste todos).
    """
    valid = [*own, *(name for name, param in inspect.signature(target).parameters.items()
                     if param.kind is inspect.Parameter.KEYWORD_ONLY and name not in set(exclude))]
    unknown = sorted(set(options) - set(valid))
    if unknown:
        names = ", ".join(f"`{name}`" for name in unknown)
        raise TypeError(f"{where} no admite {names}; sus opciones son: {', '.join(valid)}.")
