"""Herramientas de un agente: nombre, descripción, esquema de argumentos y función.

Un modelo de lenguaje no ejecuta nada: escribe una **llamada estructurada** (el nombre de una
herramienta y sus argumentos en JSON). El :class:`ToolRegistry` decide si la llamada es válida
comparando los argumentos con el **esquema** de la herramienta (un subconjunto de JSON Schema:
``type``, ``properties``, ``required``, ``additionalProperties``, ``items``, ``maxLength``,
``maxItems``) y solo entonces la ejecuta.

Nada de lo que pida el modelo hace caer el programa: una herramienta desconocida, un argumento
que falta o sobra, un tipo equivocado o un error dentro de la herramienta se convierten en una
**observación** de texto que el modelo verá en el paso siguiente y que la traza registra. Todas las
observaciones, también las de error, se recortan a ``max_chars`` caracteres.

Cada herramienta declara además si su salida es **de fiar**: la que devuelve texto escrito por
terceros (la búsqueda en el libro, una página web, un correo) se marca con ``untrusted=True`` y el
bucle del agente pone en **cuarentena** lo que venga después (véase
:class:`~genai_utils.agents.loop.Quarantine`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = [
    "Observation",
    "SchemaError",
    "Tool",
    "ToolRegistry",
    "short_repr",
    "truncate",
    "validate_arguments",
]

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (dict,),
}
_TYPE_NAMES = {
    "string": "un texto",
    "integer": "un entero",
    "number": "un número",
    "boolean": "un booleano (true/false)",
    "array": "una lista",
    "object": "un objeto JSON",
}


class SchemaError(ValueError):
    """Los argumentos de una llamada no cumplen el esquema de la herramienta."""


@dataclass(frozen=True)
class Tool:
    """Una herramienta: ``function(**argumentos) -> str`` y el esquema que deben cumplir.

    ``schema`` es un objeto JSON Schema con ``properties`` (cada una con ``type`` y
    ``description``) y ``required``. Por defecto no se admiten argumentos no declarados.
    ``untrusted=True`` marca una herramienta cuya salida es texto de terceros (documentos
    recuperados, páginas, correos): el agente no deja que ese texto elija herramientas ni
    argumentos.
    """

    name: str
    description: str
    schema: Mapping[str, Any]
    function: Callable[..., str]
    untrusted: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(
                "El argumento `name` debe ser un identificador en minúsculas (letras, dígitos y "
                f"«_», empezando por letra); se recibió {self.name!r}."
            )
        if not isinstance(self.description, str) or not self.description.strip():
            raise ValueError("El argumento `description` debe ser un texto no vacío.")
        if not callable(self.function):
            raise TypeError("El argumento `function` debe ser invocable.")
        if not isinstance(self.untrusted, bool):
            raise TypeError(
                "El argumento `untrusted` debe ser True o False; se recibió "
                f"{type(self.untrusted).__name__}."
            )
        _check_schema(self.schema)

    def signature(self) -> str:
        """Una línea para la instrucción (*prompt*) del modelo:
        ``nombre {"arg": tipo, …}: descripción``."""
        props = self.schema.get("properties", {})
        args = ", ".join(f'"{k}": {v.get("type", "?")}' for k, v in props.items())
        return f"{self.name} {{{args}}}: {self.description}"


def _check_schema(schema: object) -> None:
    if not isinstance(schema, Mapping) or schema.get("type") != "object":
        raise ValueError('El argumento `schema` debe ser un dict con "type": "object".')
    props = schema.get("properties", {})
    if not isinstance(props, Mapping):
        raise ValueError('El esquema debe tener "properties" como dict.')
    for key, spec in props.items():
        if not isinstance(spec, Mapping) or spec.get("type") not in _TYPES:
            raise ValueError(
                f'La propiedad {key!r} del esquema debe tener un "type" entre {sorted(_TYPES)}.'
            )
    missing = [k for k in schema.get("required", []) if k not in props]
    if missing:
        raise ValueError(f"El esquema exige propiedades que no declara: {missing}.")


def validate_arguments(arguments: object, schema: Mapping[str, Any]) -> dict[str, Any]:
    """Devuelve ``arguments`` si cumple ``schema``; si no, lanza :class:`SchemaError` en español."""
    if not isinstance(schema, Mapping):
        raise TypeError(
            f"El argumento `schema` debe ser un dict; se recibió {type(schema).__name__}."
        )
    if not isinstance(arguments, dict):
        raise SchemaError(
            f"Los argumentos deben ser un objeto JSON ({{...}}); se recibió "
            f"{type(arguments).__name__}."
        )
    props = schema.get("properties", {})
    missing = [k for k in schema.get("required", []) if k not in arguments]
    if missing:
        raise SchemaError(f"Falta el argumento obligatorio {missing[0]!r}.")
    if not schema.get("additionalProperties", False):
        extra = [k for k in arguments if k not in props]
        if extra:
            raise SchemaError(
                f"El argumento {short_repr(extra[0])} no existe; los válidos son {sorted(props)}."
            )
    for key, value in arguments.items():
        if key in props:
            _check_value(value, props[key], key)
    return arguments


def _check_value(value: object, spec: Mapping[str, Any], name: str) -> None:
    kind = spec["type"]
    wrong_bool = isinstance(value, bool) and kind in {"integer", "number"}
    if wrong_bool or not isinstance(value, _TYPES[kind]):
        raise SchemaError(
            f"El argumento {name!r} debe ser {_TYPE_NAMES[kind]}; se recibió {short_repr(value)}."
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise SchemaError(f"El argumento {name!r} debe ser un número finito; se recibió {value}.")
    if kind == "string" and "maxLength" in spec and len(value) > spec["maxLength"]:
        raise SchemaError(
            f"El argumento {name!r} es demasiado largo (máximo {spec['maxLength']} caracteres)."
        )
    if kind == "array":
        if "maxItems" in spec and len(value) > spec["maxItems"]:
            raise SchemaError(
                f"El argumento {name!r} tiene demasiados elementos (máximo {spec['maxItems']})."
            )
        item_spec = spec.get("items")
        for i, item in enumerate(value):
            if item_spec is not None:
                _check_value(item, item_spec, f"{name}[{i}]")


@dataclass(frozen=True)
class Observation:
    """Lo que el agente ve tras una llamada: el texto y si la llamada falló."""

    text: str
    ok: bool = True


@dataclass
class ToolRegistry:
    """Lista blanca de herramientas que un agente puede usar.

    ``max_chars`` recorta las observaciones largas para que no llenen el contexto del modelo.
    """

    tools: dict[str, Tool] = field(default_factory=dict)
    max_chars: int = 600

    def add(self, tool: Tool, *, untrusted: bool | None = None) -> ToolRegistry:
        """Registra ``tool`` (error si ya hay otra con el mismo nombre) y devuelve el registro.

        ``untrusted`` (``True``/``False``) cambia al registrar la marca de la herramienta;
        ``None`` deja la que trae el :class:`Tool`.
        """
        if not isinstance(tool, Tool):
            raise TypeError(
                f"El argumento `tool` debe ser un Tool; se recibió {type(tool).__name__}."
            )
        if untrusted is not None and not isinstance(untrusted, bool):
            raise TypeError("El argumento `untrusted` debe ser True, False o None.")
        if tool.name in self.tools:
            raise ValueError(f"Ya hay una herramienta llamada {tool.name!r} en el registro.")
        if untrusted is not None and untrusted != tool.untrusted:
            tool = replace(tool, untrusted=untrusted)
        self.tools[tool.name] = tool
        return self

    def untrusted_names(self) -> set[str]:
        """Nombres de las herramientas cuya salida no es de fiar (``untrusted=True``)."""
        return {name for name, tool in self.tools.items() if tool.untrusted}

    def names(self) -> list[str]:
        """Nombres de las herramientas registradas, en orden de registro."""
        return list(self.tools)

    def describe(self) -> str:
        """Una línea por herramienta, para la instrucción del modelo."""
        return "\n".join(tool.signature() for tool in self.tools.values())

    def call(self, name: object, arguments: object) -> Observation:
        """Valida y ejecuta una llamada. Nunca lanza: los problemas vuelven como observación.

        Toda observación, también la de error, se recorta a ``max_chars`` caracteres.
        """
        if not isinstance(name, str) or name not in self.tools:
            valid = ", ".join(self.tools) or "(ninguna)"
            return self._observe(
                f"Error: la herramienta {short_repr(name)} no existe. Herramientas disponibles: "
                f"{valid}.",
                ok=False,
            )
        tool = self.tools[name]
        try:
            validate_arguments(arguments, tool.schema)
        except (SchemaError, RecursionError) as error:
            return self._observe(f"Error de argumentos en {name}: {error}", ok=False)
        try:
            result = tool.function(**arguments)  # type: ignore[arg-type]
            text = result if isinstance(result, str) else str(result)
        except Exception as error:  # noqa: BLE001 - el agente debe ver el error, no caerse
            return self._observe(f"Error en {name}: {_error_text(error)}", ok=False)
        return self._observe(text)

    def _observe(self, text: str, ok: bool = True) -> Observation:
        return Observation(truncate(text, self.max_chars), ok=ok)


def _error_text(error: BaseException) -> str:
    try:
        return str(error) or type(error).__name__
    except Exception:  # noqa: BLE001 - un __str__ roto no debe escapar
        return type(error).__name__


def truncate(text: str, max_chars: int) -> str:
    """``text`` recortado a ``max_chars`` caracteres (con «…» al final si se recortó)."""
    if len(text) <= max_chars:
        return text
    return text[: max(max_chars - 1, 0)] + "…"


def short_repr(value: object, max_chars: int = 60) -> str:
    """``repr(value)`` recortado a ``max_chars`` caracteres; nunca lanza."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - un __repr__ roto no debe escapar
        text = f"<{type(value).__name__}>"
    return truncate(text, max_chars)
