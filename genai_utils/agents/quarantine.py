"""Cuarentena del texto no fiable: lo que lee el agente no puede elegir herramientas ni datos.

Después de que una herramienta marcada como no fiable (``untrusted=True``, como ``buscar_libro``)
devuelva texto, el modelo ya no puede elegir herramientas fuera de ``after_untrusted`` ni escribir
argumentos con palabras que solo aparezcan en ese texto. Así un documento puede cambiar la
respuesta, pero no qué herramientas se usan ni con qué datos.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import Any

from genai_utils.agents.tools import truncate
from genai_utils.validation import check_text

__all__ = ["Quarantine"]

_MIN_WORD = 3
_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    """Palabras de ≥ 3 caracteres, en minúsculas, sin tildes ni caracteres invisibles (NFKC)."""
    plain = unicodedata.normalize("NFD", unicodedata.normalize("NFKC", text).casefold())
    plain = "".join(c for c in plain if unicodedata.category(c) not in {"Mn", "Cf"})
    return {w for w in _WORD.findall(plain) if len(w) >= _MIN_WORD}


def _argument_words(arguments: Any) -> set[str]:
    words: set[str] = set()
    pending = [arguments]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
        elif isinstance(item, str | int | float) and not isinstance(item, bool):
            words |= _words(str(item))
    return words


class Quarantine:
    """Cuarentena del texto no fiable: lo que lee el agente no puede elegir herramientas ni datos.

    Mientras no haya entrado texto no fiable se permite todo. Cuando una herramienta marcada con
    ``untrusted=True`` devuelve su observación (:meth:`record`), la cuarentena se activa hasta el
    final y :meth:`check` bloquea:

    1. cualquier herramienta que no esté en ``after_untrusted`` (fijado por el programa con la
       pregunta, antes de leer nada; por defecto, las propias herramientas no fiables del
       registro: se puede seguir buscando o responder, nada más);
    2. cualquier argumento con una palabra (≥ 3 caracteres, sin tildes ni mayúsculas) que aparezca
       en el texto no fiable y no en la pregunta, la cabecera, las observaciones fiables o los
       argumentos escritos antes de la cuarentena.

    Así un documento puede cambiar la respuesta, pero no qué herramientas se usan ni con qué datos.
    ``registry`` es cualquier registro con ``tools`` (``{nombre: Tool}``).
    """

    def __init__(
        self,
        registry: Any,
        question: str,
        *,
        header: str = "",
        after_untrusted: Collection[str] | None = None,
    ) -> None:
        check_text(question, "question", allow_empty=True)
        check_text(header, "header", allow_empty=True)
        tools = getattr(registry, "tools", None)
        if not isinstance(tools, dict):
            raise TypeError(
                "El argumento `registry` debe tener un atributo `tools` (dict nombre → Tool), "
                "como ToolRegistry o AllowListRegistry."
            )
        self.untrusted_tools = frozenset(
            name for name, tool in tools.items() if getattr(tool, "untrusted", False)
        )
        self.after_untrusted = _allowed_after(after_untrusted, tools, self.untrusted_tools)
        self.trusted_words = _words(question) | _words(header)
        self.untrusted_words: set[str] = set()
        self.active = False
        self.last_kind: str | None = None

    def check(self, tool: object, arguments: Any) -> str | None:
        """Motivo (en español) por el que se bloquea la llamada, o ``None`` si se permite."""
        self.last_kind = None
        if not self.active:
            return None
        if tool not in self.after_untrusted:
            self.last_kind = "herramienta"
            permitted = ", ".join(sorted(self.after_untrusted)) or "ninguna (solo responder)"
            return (
                "Bloqueado por la cuarentena: después de leer texto no fiable solo se permiten "
                f"estas herramientas: {permitted}; «{truncate(str(tool), 40)}» no."
            )
        copied = sorted((_argument_words(arguments) & self.untrusted_words) - self.trusted_words)
        if copied:
            self.last_kind = "argumentos"
            shown = ", ".join(f"«{truncate(w, 30)}»" for w in copied[:5])
            return (
                "Bloqueado por la cuarentena: los argumentos copian palabras que solo aparecen en "
                f"texto no fiable ({shown})."
            )
        return None

    def record(self, tool: object, arguments: Any, observation: str) -> bool:
        """Anota una llamada ejecutada y su observación; ``True`` si esta no es de fiar."""
        if not self.active:
            self.trusted_words |= _argument_words(arguments)
        words = _words(observation) if isinstance(observation, str) else set()
        if tool in self.untrusted_tools:
            self.untrusted_words |= words
            self.active = True
            return True
        self.trusted_words |= words
        return False


def _allowed_after(
    after_untrusted: Collection[str] | None, tools: dict[str, Any], untrusted: frozenset[str]
) -> frozenset[str]:
    """Las herramientas permitidas tras la cuarentena (por defecto, las no fiables)."""
    if after_untrusted is None:
        return untrusted
    if isinstance(after_untrusted, str) or not isinstance(after_untrusted, Collection):
        raise TypeError(
            "El argumento `after_untrusted` debe ser una colección de nombres de herramienta, "
            'p. ej. {"buscar_libro"} (o None).'
        )
    unknown = sorted(str(n) for n in after_untrusted if n not in tools)
    if unknown:
        raise ValueError(
            f"El argumento `after_untrusted` nombra herramientas que no existen: {unknown}."
        )
    return frozenset(after_untrusted)
