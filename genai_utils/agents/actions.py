"""Qué pide el modelo: su salida, sea la que sea, convertida en una :class:`Action`.

El modelo escribe un razonamiento y una línea con formato fijo::

    Pensamiento: hay que calcular
    Acción: calculadora {"expresion": "12 * 7"}

o bien ``Respuesta: …``. :func:`parse_action` interpreta ese texto y :func:`read_action` acepta
además cualquier cosa que devuelva un motor (``None``, bytes, un objeto): ninguna salida del
modelo hace lanzar (texto no válido, JSON anidado a mil niveles, ``NaN``, enteros enormes…); lo
que no se entiende queda en ``Action.error``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_ARGS_CHARS",
    "MAX_ARGS_DEPTH",
    "MAX_RAW_CHARS",
    "STOP",
    "Action",
    "parse_action",
    "read_action",
]

_ACTION = re.compile(r"^\s*Acci[oó]n\s*:\s*(?P<name>[^\s{]+)\s*(?P<args>\{.*\})?\s*$")
_ANSWER = re.compile(r"^\s*Respuesta\s*:\s*(?P<text>.*)$")
_THOUGHT = re.compile(r"^\s*Pensamiento\s*:\s*(?P<text>.*)$")

STOP = ["\nObservación:"]
MAX_RAW_CHARS = 2000  # de la salida del modelo se guarda (y se interpreta) como mucho esto
MAX_ARGS_CHARS = 10_000  # longitud máxima del JSON de argumentos
MAX_ARGS_DEPTH = 20  # niveles de anidamiento de listas y objetos en los argumentos


@dataclass(frozen=True)
class Action:
    """Lo que el modelo pidió: una llamada (``tool`` y ``arguments``), una respuesta final
    (``answer``) o nada interpretable (``error`` explica por qué)."""

    thought: str = ""
    tool: str | None = None
    arguments: Any = None
    answer: str | None = None
    error: str | None = None


def parse_action(text: str) -> Action:
    """Interpreta la salida del modelo: un pensamiento opcional y una línea ``Acción:`` o
    ``Respuesta:``. Lo que venga después de esa línea se ignora (el modelo no puede inventarse
    la observación)."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    thought = ""
    for line in text.strip().splitlines():
        if m := _THOUGHT.match(line):
            thought = m["text"].strip()
        elif m := _ANSWER.match(line):
            return Action(thought=thought, answer=m["text"].strip())
        elif m := _ACTION.match(line):
            return _parse_call(thought, m["name"], m["args"])
    return Action(
        thought=thought,
        error="no encontré una línea «Acción: herramienta {argumentos JSON}» ni «Respuesta: …».",
    )


def read_action(raw: object, stop: list[str] = STOP) -> tuple[str, Action]:
    """La salida cruda de un motor → (texto guardado, acción). Nunca lanza.

    El texto se corta en la primera secuencia de ``stop`` y a ``MAX_RAW_CHARS`` caracteres; si
    el motor no devolvió texto, la acción lleva el error.
    """
    text, problem = _model_text(raw)
    text = _cut(text[: 4 * MAX_RAW_CHARS], stop)[:MAX_RAW_CHARS]
    return text, (parse_action(text) if problem is None else Action(error=problem))


def _model_text(raw: object) -> tuple[str, str | None]:
    """La salida del modelo como texto, o un error si no lo es."""
    if isinstance(raw, str):
        return raw, None
    if raw is None:
        return "", None
    if isinstance(raw, bytes | bytearray):
        return bytes(raw[: 4 * MAX_RAW_CHARS]).decode("utf-8", errors="replace"), None
    return "", f"la salida del modelo no es texto (se recibió {type(raw).__name__})."


def _cut(text: str, stop: list[str]) -> str:
    for s in stop:
        if (i := text.find(s)) != -1:
            text = text[:i]
    return text


def _parse_call(thought: str, name: str, raw_args: str | None) -> Action:
    if raw_args is None:
        return Action(thought, name, error="faltan los argumentos en JSON tras el nombre.")
    if len(raw_args) > MAX_ARGS_CHARS:
        return Action(
            thought, name, error=f"los argumentos son demasiado largos (máximo {MAX_ARGS_CHARS})."
        )
    try:
        arguments = json.loads(raw_args, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        return Action(thought, name, error=f"los argumentos no son JSON válido ({error.msg}).")
    except (ValueError, RecursionError) as error:  # NaN/Infinity, anidamiento, enteros enormes
        detail = str(error) if isinstance(error, _NonFinite) else "anidados o enormes"
        return Action(thought, name, error=f"los argumentos no son JSON válido ({detail}).")
    if _depth(arguments) > MAX_ARGS_DEPTH:
        return Action(
            thought,
            name,
            error=f"los argumentos tienen más de {MAX_ARGS_DEPTH} niveles de anidamiento.",
        )
    return Action(thought, name, arguments)


class _NonFinite(ValueError):
    pass


def _reject_constant(token: str) -> None:
    raise _NonFinite(f"{token} no es un número JSON")


def _depth(value: Any) -> int:
    """Profundidad de listas y objetos anidados, sin recursión."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        item, level = pending.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            if level > MAX_ARGS_DEPTH:
                break
            children = item.values() if isinstance(item, dict) else item
            pending.extend((child, level + 1) for child in children)
    return deepest
