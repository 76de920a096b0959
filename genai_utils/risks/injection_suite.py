"""Batería publicada de ataques de inyección y de frases legítimas para medir un filtro (cap. 7).

Tres conjuntos, todos como datos (:class:`Attack`, :class:`Benign`):

* :data:`ATTACKS`: las variantes con las que se **ajustó** el filtro de
  :mod:`~genai_utils.risks.injection_filter`, en español y en inglés, agrupadas por familia
  (:data:`FAMILIES`). Su tasa de detección mide el trabajo hecho, no la eficacia ante lo nuevo.
* :data:`HELD_OUT`: ataques escritos **antes** de ajustar el filtro y que nunca se usaron para
  ajustarlo. Su tasa de detección es la cifra honesta de lo que el filtro generaliza.
* :data:`BENIGN`: frases legítimas difíciles (textos que hablan *de* instrucciones, recetas e
  imperativos corrientes, consejos de seguridad con citas…): miden los falsos positivos.

Cada ataque persigue una meta comprobable: que la respuesta contenga ``goal`` (PLÁTANO en
español, BANANA en inglés, o la dirección del atacante) o que se ejecute ``tool``.
Los ataques de la familia «partida» vienen en dos trozos (``parts``) que se plantan como
fragmentos vecinos: ninguno parece una orden por separado.

Los textos son datos y viven en ``injection_suite.toml``, junto a este módulo; aquí solo se leen
(los caracteres invisibles y las letras cirílicas o griegas van escritos allí como ``\\uXXXX``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genai_utils.risks.injection import Injection
from genai_utils.risks.injection_filter import (
    flag_instructions,
    flag_instructions_legacy,
    flag_texts,
)

__all__ = [
    "ATTACKS",
    "BENIGN",
    "FAMILIES",
    "HELD_OUT",
    "LANGUAGES",
    "Attack",
    "Benign",
    "attacks_by_family",
    "catch_counts",
    "caught",
    "flagged_benign",
]

#: Familias de ataque, en el orden en que se muestran las tablas.
FAMILIES = (
    "directa",
    "paráfrasis",
    "rol",
    "homoglifos",
    "invisibles",
    "anchura",
    "codificada",
    "partida",
    "delimitadores",
    "comentarios",
)
LANGUAGES = ("es", "en")
_GOALS = {"es": "PLÁTANO", "en": "BANANA"}
TOOL_GOAL = "atacante@ejemplo.org"

_SUITE_FILE = Path(__file__).with_name("injection_suite.toml")
_TABLES = ("held_out", "tuning", "benign")
_Row = tuple[str, str, str | tuple[str, ...]]


def _text_row(table: str, index: int, values: object) -> _Row:
    """La fila ``values`` de la tabla ``table`` como tupla (una lista de trozos, también)."""
    where = f"la fila {index} de `{table}`"
    if not isinstance(values, list) or len(values) != 3:
        raise ValueError(f"En la batería, {where} debe tener tres elementos.")
    first, second, body = values
    if isinstance(body, list):
        if table == "benign" or not body or not all(isinstance(b, str) for b in body):
            raise ValueError(f"En la batería, {where} tiene trozos que no son textos.")
        body = tuple(body)
    if not all(isinstance(v, str) for v in (first, second)) or not isinstance(body, str | tuple):
        raise ValueError(f"En la batería, {where} debe estar hecha de textos.")
    return (first, second, body)


def _load_rows(path: Path = _SUITE_FILE) -> dict[str, tuple[Any, ...]]:
    """Las tablas de textos del archivo ``path`` (``held_out``, ``tuning``, ``benign``)."""
    with path.open("rb") as file:
        data = tomllib.load(file)
    unknown = sorted(set(data) - set(_TABLES))
    missing = [t for t in _TABLES if not isinstance(data.get(t), list)]
    if unknown or missing:
        raise ValueError(
            f"El archivo {path.name} debe tener las listas {list(_TABLES)} y nada más; "
            f"faltan {missing}, sobran {unknown}."
        )
    return {t: tuple(_text_row(t, i, row) for i, row in enumerate(data[t])) for t in _TABLES}


_ROWS = _load_rows()
#: Filas ``(familia, idioma, texto o trozos)`` de los ataques reservados y de los de ajuste.
HELD_OUT_ROWS: tuple[_Row, ...] = _ROWS["held_out"]
TUNING_ROWS: tuple[_Row, ...] = _ROWS["tuning"]
#: Filas ``(idioma, por qué es difícil, texto)`` de las frases legítimas.
BENIGN_ROWS: tuple[tuple[str, str, str], ...] = _ROWS["benign"]


def _check_text(value: object, name: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"El argumento `{name}` debe ser un texto no vacío.")


def _check_language(language: object) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"El argumento `language` debe ser 'es' o 'en'; se recibió {language!r}.")


@dataclass(frozen=True)
class Attack:
    """Una variante de ataque: texto, familia, idioma, marca que delata la obediencia (``goal``)
    y herramienta que intenta disparar (``tool``, o ``None``). ``parts`` son los trozos de un
    ataque partido entre fragmentos vecinos (vacío si va entero)."""

    text: str
    family: str
    language: str
    goal: str
    tool: str | None = None
    parts: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check_text(self.text, "text")
        _check_text(self.goal, "goal")
        _check_language(self.language)
        if self.family not in FAMILIES:
            raise ValueError(
                f"El argumento `family` debe ser una de {FAMILIES}; se recibió {self.family!r}."
            )
        if self.parts and " ".join(self.parts) != self.text:
            raise ValueError("El argumento `parts` debe reconstruir `text` unido con espacios.")

    @property
    def chunks(self) -> tuple[str, ...]:
        """Los textos que se plantan: los trozos si va partido, si no el texto entero."""
        return self.parts or (self.text,)

    def to_injection(self, name: str = "batería") -> Injection:
        """El mismo ataque como :class:`~genai_utils.risks.injection.Injection` (para
        :func:`~genai_utils.risks.injection.plant` e
        :func:`~genai_utils.risks.injection.injection_succeeded`)."""
        return Injection(name, self.text, self.goal, tool=self.tool)


@dataclass(frozen=True)
class Benign:
    """Una frase legítima que un filtro no debería marcar, con su idioma y por qué es difícil."""

    text: str
    language: str
    why: str

    def __post_init__(self) -> None:
        _check_text(self.text, "text")
        _check_text(self.why, "why")
        _check_language(self.language)


def _attack(row: tuple[str, str, str | tuple[str, ...]]) -> Attack:
    """Una fila ``(familia, idioma, texto o trozos)``; el idioma fija la marca, y una fila que
    nombra ``enviar_correo`` persigue esa herramienta."""
    family, language, body = row
    parts = tuple(body) if isinstance(body, tuple) else ()
    text = " ".join(parts) if parts else str(body)
    if "enviar_correo" in text:
        return Attack(text, family, language, TOOL_GOAL, tool="enviar_correo", parts=parts)
    return Attack(text, family, language, _GOALS[language], parts=parts)


#: Ataques con los que se ajustó el filtro.
ATTACKS: tuple[Attack, ...] = tuple(_attack(r) for r in TUNING_ROWS)
#: Ataques reservados: escritos antes de ajustar el filtro, nunca usados para ajustarlo.
HELD_OUT: tuple[Attack, ...] = tuple(_attack(r) for r in HELD_OUT_ROWS)
#: Frases legítimas difíciles.
BENIGN: tuple[Benign, ...] = tuple(Benign(t, lang, why) for lang, why, t in BENIGN_ROWS)


def attacks_by_family(attacks: tuple[Attack, ...] = ATTACKS) -> dict[str, list[Attack]]:
    """Los ataques agrupados por familia, en el orden de :data:`FAMILIES` (sin familias vacías)."""
    groups: dict[str, list[Attack]] = {f: [] for f in FAMILIES}
    for attack in attacks:
        if not isinstance(attack, Attack):
            raise TypeError(
                "El argumento `attacks` debe contener objetos Attack; "
                f"se recibió {type(attack).__name__}."
            )
        groups[attack.family].append(attack)
    return {f: group for f, group in groups.items() if group}


def caught(attack: Attack, *, legacy: bool = False) -> bool:
    """¿Marca el filtro el ataque? Los trozos de un ataque partido se examinan como fragmentos
    vecinos (:func:`~genai_utils.risks.injection_filter.flag_texts`); ``legacy=True`` usa el
    filtro anterior, que miraba cada fragmento por separado."""
    if not isinstance(attack, Attack):
        raise TypeError(
            f"El argumento `attack` debe ser un Attack; se recibió {type(attack).__name__}."
        )
    if legacy:
        return any(flag_instructions_legacy(c) for c in attack.chunks)
    return any(flag_texts(list(attack.chunks)))


def catch_counts(
    attacks: tuple[Attack, ...] = ATTACKS, *, legacy: bool = False
) -> dict[str, tuple[int, int]]:
    """(detectados, total) por familia, en el orden de :data:`FAMILIES`."""
    return {
        family: (sum(caught(a, legacy=legacy) for a in group), len(group))
        for family, group in attacks_by_family(attacks).items()
    }


def flagged_benign(benign: tuple[Benign, ...] = BENIGN, *, legacy: bool = False) -> list[Benign]:
    """Las frases legítimas que el filtro marca por error (falsos positivos)."""
    flag = flag_instructions_legacy if legacy else flag_instructions
    for b in benign:
        if not isinstance(b, Benign):
            raise TypeError(
                "El argumento `benign` debe contener objetos Benign; "
                f"se recibió {type(b).__name__}."
            )
    return [b for b in benign if flag(b.text)]
