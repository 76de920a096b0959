"""Tokenizador BPE a nivel de bytes, escrito desde cero (capítulo 5).

La codificación por pares de bytes (*byte pair encoding*, BPE) parte de los 256 bytes posibles
como vocabulario inicial y aprende, una a una, **fusiones**: cada fusión junta el par de tokens
vecinos más frecuente del corpus en un token nuevo. Tras ``k`` fusiones el vocabulario tiene
``256 + k`` tokens, y las palabras frecuentes («que», «modelo») acaban siendo un solo token
mientras que las raras se parten en trozos.

Como la base son bytes UTF-8, cualquier texto se puede codificar (tildes, «ñ», «¿», emojis o
alfabetos que el corpus nunca vio) y decodificar recupera exactamente el texto original.

Igual que GPT-2, el texto se corta antes en fragmentos (una palabra con el espacio que la precede,
una cifra, un signo…) y las fusiones nunca cruzan de un fragmento a otro: así un token no mezcla
el final de una palabra con el principio de la siguiente.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from genai_utils.validation import check_non_negative_int, check_text

__all__ = ["BPETokenizer", "merge_pair", "split_chunks"]

_CHUNK = re.compile(r" ?[^\W\d_]+| ?\d+| ?_+| ?[^\s\w]+|\s+(?!\S)|\s+|.", re.DOTALL)
Pair = tuple[int, int]


def split_chunks(text: str) -> list[str]:
    """Parte ``text`` en los fragmentos que el BPE trata por separado, sin perder caracteres."""
    check_text(text, "text", allow_empty=True)
    return _CHUNK.findall(text)


class BPETokenizer:
    """Tokenizador BPE: ``train`` aprende las fusiones; ``encode`` y ``decode`` las aplican."""

    def __init__(self) -> None:
        self.merges: dict[Pair, int] = {}  # par fusionado → token nuevo, en orden de aprendizaje
        self.vocab: dict[int, bytes] = {i: bytes([i]) for i in range(256)}
        self._cache: dict[str, list[int]] = {}

    @property
    def vocab_size(self) -> int:
        """Número de tokens: 256 bytes más una por fusión aprendida."""
        return len(self.vocab)

    def train(self, text: str, num_merges: int) -> BPETokenizer:
        """Aprende hasta ``num_merges`` fusiones en ``text`` y devuelve el propio tokenizador.

        Se detiene antes si ningún par aparece al menos dos veces. Los empates se deshacen por el
        par de identificadores más pequeño, así que el resultado es determinista.
        """
        check_text(text, "text")
        check_non_negative_int(num_merges, "num_merges")
        self.__init__()
        words = Counter(split_chunks(text))
        sequences = [list(chunk.encode("utf-8")) for chunk in words]
        counts = list(words.values())
        pair_counts, where = _count_pairs(sequences, counts)
        for _ in range(num_merges):
            best = _most_frequent(pair_counts)
            if best is None:
                break
            new_id = len(self.vocab)
            self.merges[best] = new_id
            self.vocab[new_id] = self.vocab[best[0]] + self.vocab[best[1]]
            for i in list(where.pop(best)):
                _replace_in_place(sequences, counts, i, best, new_id, pair_counts, where)
            pair_counts.pop(best, None)
        return self

    def truncated(self, num_merges: int) -> BPETokenizer:
        """Un tokenizador nuevo con solo las ``num_merges`` primeras fusiones aprendidas.

        Como las fusiones se aprenden en orden, equivale a haber entrenado con ``num_merges``.
        """
        check_non_negative_int(num_merges, "num_merges")
        other = BPETokenizer()
        for pair, new_id in list(self.merges.items())[:num_merges]:
            other.merges[pair] = new_id
            other.vocab[new_id] = self.vocab[new_id]
        return other

    def encode(self, text: str) -> list[int]:
        """Convierte ``text`` en una lista de identificadores de token."""
        check_text(text, "text", allow_empty=True)
        ids: list[int] = []
        for chunk in split_chunks(text):
            if chunk not in self._cache:
                self._cache[chunk] = self._encode_chunk(chunk)
            ids.extend(self._cache[chunk])
        return ids

    def decode(self, ids: list[int]) -> str:
        """Convierte identificadores en texto (los bytes UTF-8 incompletos se muestran como �)."""
        if not isinstance(ids, list | tuple) or not all(isinstance(i, int) for i in ids):
            raise TypeError("El argumento `ids` debe ser una lista de enteros (identificadores).")
        unknown = [i for i in ids if i not in self.vocab]
        if unknown:
            raise ValueError(
                f"El argumento `ids` contiene identificadores fuera del vocabulario "
                f"(0…{self.vocab_size - 1}): {unknown[:5]}."
            )
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")

    def char_counts(self, ids: list[int]) -> list[int]:
        """Cuántos caracteres **empiezan** en cada token (bytes UTF-8 que no son de continuación).

        Un carácter de varios bytes puede quedar partido entre dos tokens; se cuenta en el token
        que tiene su primer byte, así que ``sum(char_counts(encode(t))) == len(t)`` para todo texto.
        Sirve para pasar de pérdida por token a bits por carácter.
        """
        self.decode(ids)  # valida los identificadores con el mismo mensaje de error
        return [sum(1 for b in self.vocab[i] if b & 0xC0 != 0x80) for i in ids]

    def token_strings(self, ids: list[int]) -> list[str]:
        """El texto de cada token por separado (útil para ver cómo se ha partido una frase)."""
        return [self.vocab[i].decode("utf-8", errors="replace") for i in ids]

    def _encode_chunk(self, chunk: str) -> list[int]:
        ids = list(chunk.encode("utf-8"))
        while len(ids) > 1:
            # Se aplica la fusión más antigua de las posibles, como al entrenar.
            pairs = set(zip(ids, ids[1:], strict=False))
            pair = min(pairs, key=lambda p: self.merges.get(p, float("inf")))
            if pair not in self.merges:
                break
            ids = _merge_pair(ids, pair, self.merges[pair])
        return ids


def merge_pair(ids: list[int], pair: Pair, new_id: int) -> list[int]:
    """Sustituye cada aparición de ``pair`` en ``ids`` (de izquierda a derecha) por ``new_id``."""
    if isinstance(ids, str | bytes) or not isinstance(ids, list | tuple):
        raise TypeError(
            f"El argumento `ids` debe ser una lista de identificadores enteros; se recibió "
            f"{type(ids).__name__}."
        )
    for token in ids:
        check_non_negative_int(token, "ids")
    if isinstance(pair, str | bytes) or not isinstance(pair, tuple | list) or len(pair) != 2:
        raise TypeError(
            f"El argumento `pair` debe ser una pareja de identificadores (a, b); se recibió "
            f"{pair!r}."
        )
    for token in pair:
        check_non_negative_int(token, "pair")
    check_non_negative_int(new_id, "new_id")
    return _merge_pair(list(ids), tuple(pair), new_id)


def _merge_pair(ids: list[int], pair: Pair, new_id: int) -> list[int]:
    # Sin comprobaciones: el bucle de entrenamiento la llama miles de veces.
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def _count_pairs(
    sequences: list[list[int]], counts: list[int]
) -> tuple[Counter[Pair], dict[Pair, set[int]]]:
    pair_counts: Counter[Pair] = Counter()
    where: dict[Pair, set[int]] = defaultdict(set)
    for i, (seq, n) in enumerate(zip(sequences, counts, strict=True)):
        for pair in zip(seq, seq[1:], strict=False):
            pair_counts[pair] += n
            where[pair].add(i)
    return pair_counts, where


def _most_frequent(pair_counts: Counter[Pair]) -> Pair | None:
    if not pair_counts:
        return None
    best = min(pair_counts, key=lambda p: (-pair_counts[p], p))
    return best if pair_counts[best] >= 2 else None


def _replace_in_place(
    sequences: list[list[int]],
    counts: list[int],
    i: int,
    pair: Pair,
    new_id: int,
    pair_counts: Counter[Pair],
    where: dict[Pair, set[int]],
) -> None:
    """Fusiona ``pair`` en la secuencia ``i`` y actualiza los recuentos de pares."""
    old, n = sequences[i], counts[i]
    for p in zip(old, old[1:], strict=False):
        pair_counts[p] -= n
        if pair_counts[p] <= 0:
            del pair_counts[p]
    new = _merge_pair(old, pair, new_id)
    sequences[i] = new
    for p in zip(new, new[1:], strict=False):
        pair_counts[p] += n
        where[p].add(i)
