"""Vocabulario del GPT de herramientas: palabras, trozos fijos del formato y caracteres."""

from __future__ import annotations

import re
from collections.abc import Sequence, Set

import torch

from genai_utils.agents.toolgpt.format import ALPHABET, clean_text
from genai_utils.validation import check_positive_int

_WORDS = r" ?\d| ?[^\W\d]+| ?[^\w\s]|\s"


N_UNKNOWN = 8
UNKNOWN = [f"<?{k}>" for k in range(1, N_UNKNOWN + 1)]


class WordCharVocab:
    """Vocabulario de palabras, con los trozos fijos del formato y los caracteres sueltos.

    Cada carácter de :data:`ALPHABET` es un token (las cifras y los signos van siempre sueltos,
    así cualquier número se puede copiar) y cada trozo de ``phrases`` (``Acción: calculadora
    {"expresion": "``, cada consulta SQL…) vale uno, como haría un BPE entrenado con estos
    textos. Las palabras que aparecen al menos ``min_count`` veces en ``texts`` son un token cada
    una, con su espacio delante (``min_count=None``: ninguna, solo caracteres).

    Una palabra que no está en el vocabulario se deletrea letra a letra o, con
    ``unknown_token=True``, se cambia por un **marcador numerado** (:data:`UNKNOWN`: ``<?1>``,
    ``<?2>``…) según el orden en que aparece en el texto: la misma palabra lleva siempre el mismo
    marcador, así el modelo puede copiar «la segunda palabra desconocida» sin saber cuál es.
    Deletrear parece mejor, pero el modelo casi nunca ve letras sueltas al entrenar, sus
    incrustaciones quedan sin entrenar y una palabra nueva es ruido: fue la causa principal de que
    una primera versión acertase la herramienta solo la mitad de las veces.
    """

    def __init__(
        self,
        texts: Sequence[str],
        min_count: int | None = 5,
        phrases: Sequence[str] = (),
        *,
        unknown_token: bool = False,
    ) -> None:
        if min_count is not None:
            check_positive_int(min_count, "min_count")
        # Las más largas primero (para la expresión regular) y, a igual longitud, en orden
        # alfabético: el orden de un ``set`` cambia de un proceso a otro y cambiaría el vocabulario.
        longest_first = sorted(set(phrases), key=lambda p: (-len(p), p))
        self._pattern = re.compile("|".join([*(re.escape(p) for p in longest_first), _WORDS]))
        counts: dict[str, int] = {}
        for text in texts if min_count is not None else ():
            for piece in self._pattern.findall(clean_text(text)):
                if len(piece.strip()) > 1:
                    counts[piece] = counts.get(piece, 0) + 1
        words = sorted(
            w for w, c in counts.items() if c >= (min_count or 0) and w not in longest_first
        )
        self.unknown_token = bool(unknown_token)
        special = [*longest_first, *(UNKNOWN if unknown_token else [])]
        self.tokens = list(ALPHABET) + special + words
        self.first_word = len(ALPHABET) + len(special)
        self._index = {t: i for i, t in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def tokenize(
        self, text: str, unknown: dict[str, str] | None = None, drop: Set[str] = frozenset()
    ) -> list[str]:
        """Trozos de ``text``: frases del formato y palabras conocidas enteras; lo demás, letra
        a letra o, con ``unknown_token``, un marcador numerado.

        ``unknown`` (palabra → marcador) se rellena con cada palabra desconocida nueva; pasar el
        mismo diccionario a varios textos (la pregunta y la acción) mantiene la numeración. Las
        palabras de ``drop`` se tratan como desconocidas (sirve para entrenar)."""
        unknown = {} if unknown is None else unknown
        pieces: list[str] = []
        for piece in self._pattern.findall(clean_text(text)):
            word = piece.strip()
            if piece in self._index and word not in drop:
                pieces.append(piece)
            elif self.unknown_token and len(word) > 1:
                if word not in unknown:
                    unknown[word] = UNKNOWN[min(len(unknown), N_UNKNOWN - 1)]
                pieces.append(unknown[word])
            else:
                pieces.extend(piece)
        return pieces

    def encode(
        self, text: str, unknown: dict[str, str] | None = None, drop: Set[str] = frozenset()
    ) -> torch.Tensor:
        """Texto → identificadores ``int64`` (``unknown`` y ``drop``, como en :meth:`tokenize`)."""
        pieces = self.tokenize(text, unknown, drop)
        return torch.tensor([self._index[p] for p in pieces], dtype=torch.long)

    def decode(
        self, ids: Sequence[int] | torch.Tensor, unknown: dict[str, str] | None = None
    ) -> str:
        """Identificadores → texto. Con ``unknown`` (el de :meth:`encode`), cada marcador vuelve
        a ser su palabra, con un espacio delante salvo al principio."""
        words = {mark: word for word, mark in (unknown or {}).items()}
        out = ""
        for i in ids:
            token = self.tokens[int(i)]
            if token in words:
                token = (" " if out and not out.endswith(('"', " ")) else "") + words[token]
            out += token
        return out

    def is_word(self, token: str) -> bool:
        """``True`` si ``token`` es una palabra del vocabulario (no un carácter ni una frase)."""
        return self._index.get(token, -1) >= self.first_word

    def index(self, token: str) -> int:
        """Identificador de un token exacto (una frase del formato, un carácter o una palabra)."""
        if token not in self._index:
            raise KeyError(f"El token {token!r} no está en el vocabulario.")
        return self._index[token]
