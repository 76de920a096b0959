"""Las recetas de entrenamiento del libro, como datos: una sola fuente para cada modelo.

Una receta dice con qué datos, qué tamaños, cuántos pasos, qué tasa de aprendizaje y qué semilla
se entrena un modelo del libro. El cuaderno que lo entrena la lee de aquí, y también cualquier
otro cuaderno, guion o página que lo reutilice o lo describa (por ejemplo, el 7.7 cuenta las
operaciones del GPT del 5.3 con esta receta).

Las recetas son datos y viven en ``recipes.toml``, junto a este módulo: una tabla por receta,
por capítulos. Cambiar una receta en ese archivo cambia todas sus menciones; la prosa pega sus
valores con ``glue`` desde el cuaderno (ver :mod:`genai_utils.report`). Este módulo solo las lee
(la primera vez que se piden, no al importarlo), las comprueba y las sirve como :class:`Recipe`;
las listas del archivo llegan como tuplas.

Uso::

    from genai_utils.recipes import get_recipe
    receta = get_recipe("gpt_libro")
    receta.model["n_embd"], receta.training["steps"]
    receta.with_training(steps=100)   # una variante (nueva receta; la original no cambia)
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = ["RECIPES", "Recipe", "get_recipe"]


@dataclass(frozen=True)
class Recipe:
    """Receta de un modelo del libro.

    ``model`` reúne los tamaños de la arquitectura (y del tokenizador, si lo hay) y ``training``
    los del entrenamiento (pasos o épocas, lotes, tasa de aprendizaje…). Ambos son de solo
    lectura: para una variante, usa :meth:`with_model` o :meth:`with_training`.
    """

    name: str
    notebook: str
    description: str
    data: str
    model: Mapping[str, Any] = field(default_factory=dict)
    training: Mapping[str, Any] = field(default_factory=dict)
    seed: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "model", MappingProxyType(dict(self.model)))
        object.__setattr__(self, "training", MappingProxyType(dict(self.training)))

    def with_model(self, **changes: Any) -> Recipe:
        """Una copia con los tamaños de ``model`` cambiados (las claves deben existir)."""
        return replace(self, model=_updated(self.model, changes, "model"))

    def with_training(self, **changes: Any) -> Recipe:
        """Una copia con los valores de ``training`` cambiados (las claves deben existir)."""
        return replace(self, training=_updated(self.training, changes, "training"))


def _updated(base: Mapping[str, Any], changes: dict[str, Any], name: str) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(base))
    if unknown:
        raise KeyError(
            f"La receta no tiene {unknown} en `{name}`; claves disponibles: {sorted(base)}."
        )
    return {**base, **changes}


def _register(*recipes: Recipe) -> dict[str, Recipe]:
    names = [recipe.name for recipe in recipes]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"Hay recetas con el mismo nombre: {repeated}.")
    return {recipe.name: recipe for recipe in recipes}


# ------------------------------------------------------------------ lectura de recipes.toml
_RECIPES_FILE = Path(__file__).with_name("recipes.toml")
_TEXT_KEYS = ("notebook", "description", "data")
_TABLE_KEYS = ("model", "training")
_COPY_KEY = "igual_que"
_KNOWN_KEYS = frozenset({*_TEXT_KEYS, *_TABLE_KEYS, "seed", _COPY_KEY})


def _as_tuples(value: Any) -> Any:
    """Las listas de TOML como tuplas (también dentro de otras): una receta no se modifica."""
    if isinstance(value, list):
        return tuple(_as_tuples(v) for v in value)
    return value


def _as_tuples_in(entry: dict[str, Any]) -> dict[str, Any]:
    """La tabla de una receta con las listas de ``model`` y ``training`` como tuplas."""
    return {
        key: {k: _as_tuples(v) for k, v in value.items()} if key in _TABLE_KEYS else value
        for key, value in entry.items()
    }


def _check_entry(name: str, entry: Any) -> None:
    """Comprueba las claves y los tipos de la tabla ``[name]`` del archivo de recetas."""
    if not isinstance(entry, dict):
        raise ValueError(f"La receta {name!r} debe ser una tabla ([{name}]) del archivo.")
    unknown = sorted(set(entry) - _KNOWN_KEYS)
    if unknown:
        raise ValueError(
            f"La receta {name!r} tiene claves desconocidas {unknown}; "
            f"las válidas son {sorted(_KNOWN_KEYS)}."
        )
    if _COPY_KEY not in entry:
        missing = [key for key in _TEXT_KEYS if key not in entry]
        if missing:
            raise ValueError(f"A la receta {name!r} le faltan las claves {missing}.")
    for key in (*_TEXT_KEYS, _COPY_KEY):
        if key in entry and not (isinstance(entry[key], str) and entry[key].strip()):
            raise ValueError(f"En la receta {name!r}, `{key}` debe ser un texto no vacío.")
    for key in _TABLE_KEYS:
        if key in entry and not isinstance(entry[key], dict):
            raise ValueError(f"En la receta {name!r}, `{key}` debe ser una tabla.")
    seed = entry.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError(f"En la receta {name!r}, `seed` debe ser un entero.")


def _copied(name: str, entry: dict[str, Any], done: dict[str, Recipe]) -> Recipe:
    """La receta ``name`` hecha a partir de la que nombra ``igual_que`` (ya leída, más arriba)."""
    source = entry[_COPY_KEY]
    if source not in done:
        raise ValueError(
            f"La receta {name!r} dice {_COPY_KEY} = {source!r}, pero no hay ninguna receta "
            f"{source!r} antes de ella en el archivo."
        )
    base = done[source]
    changes: dict[str, Any] = {key: entry[key] for key in (*_TEXT_KEYS, "seed") if key in entry}
    for key in _TABLE_KEYS:
        if key in entry:
            try:
                changes[key] = _updated(getattr(base, key), entry[key], key)
            except KeyError as error:
                raise ValueError(f"En la receta {name!r}: {error.args[0]}") from None
    return replace(base, name=name, **changes)


def _recipe(name: str, entry: dict[str, Any], done: dict[str, Recipe]) -> Recipe:
    """Una receta a partir de su tabla ya comprobada (y de las anteriores, para ``igual_que``)."""
    if _COPY_KEY in entry:
        return _copied(name, entry, done)
    return Recipe(name=name, **entry)


def _load_recipes(path: Path = _RECIPES_FILE) -> dict[str, Recipe]:
    """Lee y comprueba el archivo de recetas ``path``; devuelve las recetas en su orden."""
    try:
        with path.open("rb") as file:
            table = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"El archivo de recetas {path} no es TOML válido: {error}") from None
    done: dict[str, Recipe] = {}
    for name, entry in table.items():
        _check_entry(name, entry)
        done[name] = _recipe(name, _as_tuples_in(entry), done)
    return _register(*done.values())


#: Todas las recetas, por nombre y en el orden del archivo. Solo se anota: el valor lo da
#: ``__getattr__`` al pedirlo (``from genai_utils.recipes import RECIPES`` también).
RECIPES: dict[str, Recipe]


@cache
def _recipes() -> dict[str, Recipe]:
    """Las recetas del libro, leídas una sola vez (la primera vez que se piden)."""
    return _load_recipes()


def __getattr__(name: str) -> Any:
    # ``RECIPES`` se lee del archivo al pedirla, no al importar el módulo.
    if name == "RECIPES":
        return _recipes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def get_recipe(name: str) -> Recipe:
    """La receta llamada ``name``; si no existe, un error que lista las disponibles."""
    if not isinstance(name, str):
        raise TypeError(f"`name` debe ser un texto (str); se recibió {type(name).__name__}.")
    recipes = _recipes()
    try:
        return recipes[name]
    except KeyError:
        raise KeyError(
            f"No hay ninguna receta llamada {name!r}; las disponibles son: {sorted(recipes)}."
        ) from None
