"""Números con formato español y pegado (*glue*) de resultados medidos en la prosa del libro.

Una cifra que aparece en el texto y que mide un cuaderno no se escribe a mano: el cuaderno la
calcula, la formatea con estas funciones y la guarda con ``myst_nb.glue`` bajo una clave; la
página la pega con el rol ``{glue:text}`clave``` (o ``{glue:text}`ruta/del/cuaderno.ipynb::clave```
desde otra página). Si el cuaderno deja de producir la clave, la construcción estricta falla.

Convenciones (Ortografía de la lengua española, 2010):

* coma decimal: ``9,8``;
* sin separador de millares hasta cuatro cifras (``1800``) y espacio fino a partir de cinco
  (``128 000``, con U+202F, que no se parte al final de línea);
* porcentajes con espacio: ``9,8 %``;
* listas de decimales separadas por punto y coma: ``(0,12; −0,03)``.

Aceptan números de Python, escalares de NumPy y tensores o arrays de un solo elemento
(``fmt_num(perdida)`` con ``perdida`` un tensor de PyTorch).

Las funciones ``glue_*`` devuelven el texto que pegan, para imprimirlo también. Fuera de una
construcción del libro (sin ``myst_nb`` instalado) solo formatean.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

__all__ = [
    "fmt_int",
    "fmt_num",
    "fmt_pct",
    "fmt_sci",
    "fmt_seconds",
    "fmt_seq",
    "fmt_sig",
    "glue_int",
    "glue_num",
    "glue_pct",
    "glue_seconds",
    "glue_text",
]

THIN_SPACE = "\u202f"  # espacio fino que no se parte: separa millares y unidades
_NBSP = "\u00a0"  # espacio que no se parte: «9,8 %»


def _as_scalar(value: object) -> object:
    """El número de un tensor o array de un solo elemento (con ``.item()``); si no, ``value``."""
    if isinstance(value, Real) or not callable(getattr(value, "item", None)):
        return value
    numel = getattr(value, "numel", None)  # PyTorch: numel(); NumPy: size
    count = numel() if callable(numel) else getattr(value, "size", None)
    return value.item() if count == 1 else value


def _check_real(value: object, name: str) -> float:
    value = _as_scalar(value)
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"`{name}` debe ser un número real (o un tensor o array de un solo elemento); "
            f"se recibió {_describe(value)}."
        )
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"`{name}` debe ser un número finito; se recibió {value!r}.")
    return number


def _describe(value: object) -> str:
    shape = getattr(value, "shape", None)
    return type(value).__name__ + ("" if shape is None else f" de forma {tuple(shape)}")


def _check_decimals(decimals: object) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"`decimals` debe ser un entero ≥ 0; se recibió {decimals!r}.")
    return decimals


def _group_thousands(digits: str) -> str:
    """Agrupa de tres en tres con espacio fino, solo si hay cinco cifras o más."""
    if len(digits) < 5:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THIN_SPACE.join(groups)


def fmt_num(value: float, decimals: int = 2, *, sign: bool = False) -> str:
    """``value`` con ``decimals`` decimales, coma decimal y millares a la española.

    Con ``sign=True`` los positivos llevan «+» (como ``f"{x:+.2f}"``).

    >>> fmt_num(1.7409, 2)
    '1,74'
    >>> fmt_num(-0.5, 1)
    '−0,5'
    >>> fmt_num(0.5, 1, sign=True)
    '+0,5'
    """
    number = _check_real(value, "value")
    decimals = _check_decimals(decimals)
    if not isinstance(sign, bool):
        raise TypeError(f"`sign` debe ser True o False; se recibió {sign!r}.")
    text = f"{abs(number):.{decimals}f}"
    integer, _, fraction = text.partition(".")
    zero = float(text) == 0
    prefix = "−" if number < 0 and not zero else ("+" if sign and not zero else "")
    body = _group_thousands(integer) + ("," + fraction if fraction else "")
    return prefix + body


def fmt_int(value: float) -> str:
    """Un entero (se redondea si hace falta): ``1800``, ``128 000``."""
    return fmt_num(round(_check_real(value, "value")), 0)


def fmt_pct(fraction: float, decimals: int = 0) -> str:
    """Una fracción como porcentaje: ``fmt_pct(0.098, 1) == '9,8 %'``.

    El espacio antes de «%» no se parte al final de línea.
    """
    return fmt_num(100 * _check_real(fraction, "fraction"), decimals) + _NBSP + "%"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt_sci(value: float, decimals: int = 0) -> str:
    """Notación científica a la española: ``fmt_sci(0.02) == '2·10⁻²'``, ``fmt_sci(1.5e9, 1) ==
    '1,5·10⁹'``."""
    number = _check_real(value, "value")
    decimals = _check_decimals(decimals)
    if number == 0:
        return fmt_num(0, decimals)
    mantissa, _, exponent = f"{number:.{decimals}e}".partition("e")
    return fmt_num(float(mantissa), decimals) + "·10" + str(int(exponent)).translate(_SUPERSCRIPTS)


def fmt_sig(value: float, digits: int = 3) -> str:
    """``value`` con ``digits`` cifras significativas, como ``f"{x:.3g}"`` pero a la española.

    Sin ceros finales; en notación científica (:func:`fmt_sci`) cuando ``.g`` la usaría.

    >>> fmt_sig(1.5), fmt_sig(0.012345), fmt_sig(123456)
    ('1,5', '0,0123', '1,23·10⁵')
    """
    number = _check_real(value, "value")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"`digits` debe ser un entero ≥ 1; se recibió {digits!r}.")
    text = f"{number:.{digits}g}"
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    if not exponent:
        return fmt_num(number, decimals)
    superscript = str(int(exponent)).translate(_SUPERSCRIPTS)
    return fmt_num(float(mantissa), decimals) + "·10" + superscript


def fmt_seq(values: Iterable[float], decimals: int = 2) -> str:
    """Varios números entre paréntesis y separados por punto y coma (la coma ya es decimal).

    Acepta una lista, una tupla, un tensor o un array de una dimensión.

    >>> fmt_seq([0.123, -0.5], 2)
    '(0,12; −0,50)'
    """
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(
            f"`values` debe ser una secuencia de números (lista, tensor o array); "
            f"se recibió {type(values).__name__}."
        )
    items = values.tolist() if callable(getattr(values, "tolist", None)) else list(values)
    if not isinstance(items, list):  # un escalar de NumPy o un tensor de dimensión 0
        items = [items]
    numbers = [_check_real(v, f"values[{i}]") for i, v in enumerate(items)]
    return "(" + "; ".join(fmt_num(v, decimals) for v in numbers) + ")"


def fmt_seconds(seconds: float, decimals: int = 0) -> str:
    """Una duración en segundos con su unidad: ``'95 s'``."""
    number = _check_real(seconds, "seconds")
    if number < 0:
        raise ValueError(f"`seconds` no puede ser negativo; se recibió {seconds!r}.")
    return fmt_num(number, decimals) + _NBSP + "s"


def glue_text(key: str, text: str) -> str:
    """Guarda ``text`` bajo ``key`` para pegarlo en la prosa y lo devuelve.

    Sin ``myst_nb`` (por ejemplo, en un entorno sin las herramientas del libro) no guarda nada.
    """
    if not isinstance(key, str) or not key.isidentifier():
        raise ValueError(
            f"`key` debe ser un identificador (letras, cifras y «_»); se recibió {key!r}."
        )
    if not isinstance(text, str):
        raise TypeError(f"`text` debe ser un texto (str); se recibió {type(text).__name__}.")
    try:
        from myst_nb import glue
    except ImportError:  # pragma: no cover - depende del entorno
        return text
    glue(key, text, display=False)
    return text


def glue_num(key: str, value: float, decimals: int = 2) -> str:
    """Formatea ``value`` con :func:`fmt_num` y lo guarda bajo ``key``."""
    return glue_text(key, fmt_num(value, decimals))


def glue_int(key: str, value: float) -> str:
    """Formatea ``value`` con :func:`fmt_int` y lo guarda bajo ``key``."""
    return glue_text(key, fmt_int(value))


def glue_pct(key: str, fraction: float, decimals: int = 0) -> str:
    """Formatea la fracción con :func:`fmt_pct` (``0.098 → '9,8 %'``) y la guarda bajo ``key``."""
    return glue_text(key, fmt_pct(fraction, decimals))


def glue_seconds(key: str, seconds: float, decimals: int = 0) -> str:
    """Formatea una duración con :func:`fmt_seconds` y la guarda bajo ``key``.

    El texto lleva la unidad («95 s») para que nbval, que sustituye los segundos medidos por un
    comodín, no compare una cifra que cambia de una ejecución a otra.
    """
    return glue_text(key, fmt_seconds(seconds, decimals))
