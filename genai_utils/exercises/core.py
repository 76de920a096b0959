"""Piezas comunes de los comprobadores de ejercicios.

* :class:`Feedback`: el veredicto (correcto o no), un mensaje y, si hace falta, una pista.
* :func:`check_function`: llama a la función del lector con casos de prueba y compara el resultado.
* :func:`check_choice_answer`: corrige una pregunta de opción múltiple.
* :func:`close`: comparación con tolerancia de números, tensores, arrays y listas.
* :func:`texts` y :func:`text`: las pistas y los mensajes de cada ejercicio, que viven en
  ``textos.toml`` (junto a este módulo) y se leen la primera vez que hacen falta.
"""

from __future__ import annotations

import copy
import html
import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "Case",
    "Feedback",
    "MissingTextError",
    "check_choice_answer",
    "check_function",
    "check_reference",
    "close",
    "text",
    "texts",
]

NOT_IMPLEMENTED_MESSAGE = (
    "Aún no has escrito tu solución: sustituye la línea «raise NotImplementedError(…)» por tu "
    "código y vuelve a ejecutar la celda."
)

TEXTS_PATH = Path(__file__).with_name("textos.toml")
CHOICE_LETTERS = ("a", "b", "c", "d")
# Claves de cada ejercicio en textos.toml y opción de los comprobadores que las recibe.
_TEXT_OPTIONS = {"pista": "hint", "acierto": "success"}


class MissingTextError(LookupError):
    """Un comprobador pide a ``textos.toml`` una clave que no está (o que no es un texto)."""


@cache
def _texts_table() -> dict[str, Any]:
    """Todo ``textos.toml``, leído una sola vez, la primera vez que un comprobador lo necesita."""
    with TEXTS_PATH.open("rb") as file:
        return tomllib.load(file)


def text(key: str) -> str:
    """El texto de ``textos.toml`` con la clave ``capítulo.ejercicio.clave`` (p. ej.
    ``"gan.equilibrio.acierto"``); lanza :class:`MissingTextError` si no existe."""
    node: Any = _texts_table()
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            where = f"{TEXTS_PATH.name} (no hay «{part}»)"
            raise MissingTextError(f"Falta el texto «{key}» en {where}.")
        node = node[part]
    if not isinstance(node, str):
        raise MissingTextError(f"«{key}» en {TEXTS_PATH.name} es una tabla, no un texto.")
    return node


def texts(exercise: str) -> dict[str, str]:
    """La pista y el mensaje de acierto del ejercicio ``capítulo.ejercicio`` de ``textos.toml``,
    como opciones ``hint`` y ``success`` para :func:`check_reference`, :func:`check_function` o
    :func:`check_choice_answer` (``**texts("transformers.atencion")``)."""
    return {option: text(f"{exercise}.{key}") for key, option in _TEXT_OPTIONS.items()}


@dataclass(frozen=True)
class Feedback:
    """Resultado de un comprobador. ``correct`` dice si la solución es válida.

    ``pending`` indica que el lector aún no ha escrito su solución (o no ha respondido): entonces
    el mensaje se muestra como una invitación, no como un error.
    """

    correct: bool
    message: str
    hint: str | None = None
    pending: bool = False

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        if self.correct:
            shown = "✅ ¡Correcto!"
            return f"{shown} {self.message}".rstrip() if self.message else shown
        shown = f"✏️ {self.message}" if self.pending else f"❌ Todavía no: {self.message}"
        if self.hint:
            shown += f"\nPista: {self.hint}"
        return shown

    def _repr_markdown_(self) -> str:
        return str(self).replace("\n", "  \n")

    def _repr_html_(self) -> str:
        color = "#1a7f37" if self.correct else ("#9a6700" if self.pending else "#b42318")
        lines = [html.escape(line) for line in str(self).split("\n")]
        body = "<br>".join(lines)
        return f'<div style="border-left:4px solid {color};padding:0.4em 0.8em">{body}</div>'


@dataclass(frozen=True)
class Case:
    """Un caso de prueba: argumentos posicionales, con nombre, y el resultado esperado."""

    args: tuple[Any, ...]
    expected: Any
    kwargs: Mapping[str, Any] | None = None
    label: str | None = None


def _as_tensor(value: Any) -> torch.Tensor | None:
    """Convierte números, arrays, tensores y listas numéricas en tensor ``float64`` (o ``None``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", torch.float64)
    if isinstance(value, (int, float, np.ndarray, np.number)):
        return torch.as_tensor(np.asarray(value, dtype=np.float64))
    if isinstance(value, (list, tuple)):
        try:
            return torch.as_tensor(np.asarray(value, dtype=np.float64))
        except (TypeError, ValueError):
            return None
    return None


def close(obtained: Any, expected: Any, *, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
    """``True`` si ``obtained`` coincide con ``expected`` (misma forma, valores cercanos)."""
    return _mismatch(obtained, expected, rtol=rtol, atol=atol) is None


def _mismatch(
    obtained: Any, expected: Any, *, rtol: float = 1e-4, atol: float = 1e-6
) -> str | None:
    """Describe en español en qué difieren ``obtained`` y ``expected``; ``None`` si coinciden."""
    if isinstance(expected, Mapping):
        if not isinstance(obtained, Mapping):
            return f"se esperaba un diccionario y se obtuvo {type(obtained).__name__}"
        if set(obtained) != set(expected):
            return "las claves del diccionario no coinciden con las esperadas"
        for key in expected:
            problem = _mismatch(obtained[key], expected[key], rtol=rtol, atol=atol)
            if problem:
                return f"en la clave {key!r}: {problem}"
        return None
    exp = _as_tensor(expected)
    if exp is None:
        return None if obtained == expected else "el resultado no es el esperado"
    obt = _as_tensor(obtained)
    if obt is None:
        return f"se esperaba un número o un tensor y se obtuvo {type(obtained).__name__}"
    if obt.numel() == 1 and exp.numel() == 1:
        obt, exp = obt.reshape(()), exp.reshape(())
    if obt.shape != exp.shape:
        return f"la forma es {tuple(obt.shape)} y se esperaba {tuple(exp.shape)}"
    if torch.isnan(obt).any():
        return "el resultado contiene NaN"
    if not torch.allclose(obt, exp, rtol=rtol, atol=atol):
        return "los valores no coinciden"
    return None


def _sig(x: float, digits: int) -> str:
    """``x`` con ``digits`` cifras significativas y coma decimal («0,123»), o «nan»/«inf»."""
    from genai_utils.report import fmt_sig

    return fmt_sig(x, digits) if math.isfinite(x) else str(x)


def _short_float(x: float) -> str:
    return _sig(x, 4)


def _short(value: Any) -> str:
    """Representación breve de un valor para los mensajes."""
    tensor = _as_tensor(value)
    if tensor is not None:
        if tensor.numel() == 1:
            item = tensor.item()
            return str(item) if isinstance(item, bool) else _sig(item, 6)
        shown = np.array2string(tensor.numpy(), precision=4, suppress_small=True, threshold=12,
                                separator="; ", formatter={"float_kind": _short_float})
        return shown.replace("\n", " ")
    shown = repr(value)
    return shown if len(shown) <= 120 else shown[:117] + "…"


def _describe_case(case: Case, index: int) -> str:
    if case.label:
        return f"el caso {index} ({case.label})"
    return f"el caso {index}"


def check_function(
    fn: Callable[..., Any],
    cases: Sequence[Case | tuple[tuple[Any, ...], Any]],
    *,
    compare: Callable[[Any, Any], bool] = close,
    hint: str | None = None,
    success: str = "Tu función da el resultado esperado en todos los casos de prueba.",
    rtol: float = 1e-4,
    atol: float = 1e-6,
) -> Feedback:
    """Ejecuta ``fn`` sobre cada caso y devuelve un :class:`Feedback` (nunca lanza excepciones).

    ``cases`` es una lista de :class:`Case` o de pares ``(args, esperado)``. Cada caso recibe copias
    de sus argumentos, así que la función del lector no puede estropear los siguientes casos. Con la
    comparación por defecto (:func:`close`), ``rtol`` y ``atol`` fijan la tolerancia.
    """
    if not callable(fn):
        return Feedback(False, f"se esperaba una función y se recibió {type(fn).__name__}.", hint)
    for i, raw in enumerate(cases, start=1):
        case = raw if isinstance(raw, Case) else Case(tuple(raw[0]), raw[1])
        args = copy.deepcopy(case.args)
        kwargs = dict(copy.deepcopy(case.kwargs or {}))
        try:
            obtained = fn(*args, **kwargs)
        except NotImplementedError:
            return Feedback(False, NOT_IMPLEMENTED_MESSAGE, hint, pending=True)
        except Exception as error:  # noqa: BLE001 - se informa al lector, nunca se relanza
            name = type(error).__name__
            return Feedback(
                False, f"tu función lanzó {name} en {_describe_case(case, i)}: {error}", hint
            )
        if compare is close:
            problem = _mismatch(obtained, case.expected, rtol=rtol, atol=atol)
        else:
            try:
                problem = None if compare(obtained, case.expected) else "los valores no coinciden"
            except Exception as error:  # noqa: BLE001
                problem = f"no se pudo comparar el resultado ({type(error).__name__}: {error})"
        if problem:
            message = (
                f"en {_describe_case(case, i)} {problem}. "
                f"Esperado: {_short(case.expected)}; obtenido: {_short(obtained)}."
            )
            return Feedback(False, message, hint)
    return Feedback(True, success)


def check_reference(
    fn: Callable[..., Any],
    reference: Callable[..., Any],
    inputs: Sequence[tuple[Any, ...]],
    **options: Any,
) -> Feedback:
    """Comprueba ``fn`` contra la solución de referencia ``reference`` (nunca lanza excepciones).

    Cada entrada de ``inputs`` es ``(*args, rótulo)``: el caso llama a ``fn(*args)`` y espera
    ``reference(*args)``. ``options`` (``hint``, ``success``, ``compare``, ``rtol``, ``atol``)
    pasan tal cual a :func:`check_function`.
    """
    cases = [Case(tuple(args), reference(*args), label=label) for *args, label in inputs]
    return check_function(fn, cases, **options)


def check_choice_answer(
    answer: Any,
    correct: str,
    options: Sequence[str] = CHOICE_LETTERS,
    *,
    success: str,
    hint: str | None = None,
) -> Feedback:
    """Corrige una pregunta de opción múltiple (``"a"``…``"d"``, sin distinguir mayúsculas).

    ``success`` es la explicación que acompaña al acierto; ``hint``, la pista de cada fallo.
    """
    valid = ", ".join(f"«{o}»" for o in options)
    if answer is None or answer is Ellipsis:
        message = f"Aún no has respondido: escribe una de las opciones {valid}."
        return Feedback(False, message, hint, pending=True)
    if not isinstance(answer, str) or answer.strip().lower() not in options:
        return Feedback(
            False, f"la respuesta debe ser una de las opciones {valid}; recibí {answer!r}.", hint
        )
    if answer.strip().lower() != correct:
        return Feedback(False, f"la opción «{answer.strip().lower()}» no es la correcta.", hint)
    return Feedback(True, success)
