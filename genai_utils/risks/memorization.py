"""Memorización: ¿copia un modelo generativo sus datos de entrenamiento?

Dos medidas sencillas, una para imágenes y otra para texto:

* :func:`nearest_neighbor_distances`: para cada imagen de consulta (p. ej. una muestra generada),
  la distancia euclídea, en el espacio de los píxeles, a la imagen más cercana de un conjunto de
  referencia (p. ej. el de entrenamiento). Una muestra casi idéntica a un dato de entrenamiento
  está mucho más cerca de él de lo que suele estar una imagen real nueva.
* :func:`ngram_overlap` y :func:`longest_copied_substring`: qué fracción de los n-gramas de
  caracteres de un texto generado aparece literalmente en el texto de entrenamiento, y cuál es el
  fragmento más largo copiado letra por letra.
"""

from __future__ import annotations

from collections.abc import Set

import torch

from genai_utils.validation import check_positive_int, check_text
from genai_utils.validation_tensors import check_tensor

__all__ = [
    "char_ngrams",
    "longest_copied_substring",
    "nearest_neighbor_distances",
    "ngram_overlap",
]


def _as_vectors(x: object, name: str) -> torch.Tensor:
    check_tensor(x, name, floating=True, finite=True)
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(
            f"El argumento `{name}` debe tener forma (N, …) con al menos una imagen; "
            f"se recibió un tensor de forma {tuple(x.shape)}."
        )
    return x.detach().to("cpu", torch.float32).reshape(len(x), -1)


@torch.no_grad()
def nearest_neighbor_distances(
    queries: torch.Tensor, reference: torch.Tensor, *, batch_size: int = 512
) -> tuple[torch.Tensor, torch.Tensor]:
    """Distancia L2 de cada consulta a su vecino más cercano de ``reference``, y su índice.

    ``queries`` (N, …) y ``reference`` (M, …) se aplanan a vectores de píxeles del mismo tamaño.
    Se procesa por lotes de ``batch_size`` consultas para no formar de golpe la matriz N × M.
    Devuelve ``(distancias, índices)``, ambos de forma (N,).
    """
    q = _as_vectors(queries, "queries")
    r = _as_vectors(reference, "reference")
    check_positive_int(batch_size, "batch_size")
    if q.shape[1] != r.shape[1]:
        raise ValueError(
            "Los argumentos `queries` y `reference` deben tener el mismo número de píxeles por "
            f"imagen; se recibieron {q.shape[1]} y {r.shape[1]}."
        )
    distances, indices = [], []
    for i in range(0, len(q), batch_size):
        d, j = torch.cdist(q[i : i + batch_size], r).min(dim=1)
        distances.append(d)
        indices.append(j)
    return torch.cat(distances), torch.cat(indices)


def char_ngrams(text: str, n: int) -> set[str]:
    """Conjunto de los n-gramas de caracteres distintos de ``text`` (sus subcadenas de largo n)."""
    check_text(text, "text", allow_empty=True)
    check_positive_int(n, "n")
    return {text[i : i + n] for i in range(len(text) - n + 1)}


def ngram_overlap(generated: str, training: str | Set[str], n: int) -> float:
    """Fracción de los n-gramas de ``generated`` que aparecen literalmente en ``training``.

    Se cuentan todas las posiciones de ``generated`` (un n-grama repetido cuenta cada vez).
    ``training`` es el texto de entrenamiento o, para no recalcularlo con cada muestra, su
    conjunto :func:`char_ngrams` del mismo ``n``.
    """
    check_text(generated, "generated", allow_empty=True)
    check_positive_int(n, "n")
    if len(generated) < n:
        raise ValueError(
            f"El argumento `generated` tiene {len(generated)} caracteres; hacen falta al menos "
            f"`n` = {n} para formar un n-grama."
        )
    if isinstance(training, str):
        training = char_ngrams(training, n)
    elif not isinstance(training, Set):
        raise TypeError(
            "El argumento `training` debe ser un texto o un conjunto de n-gramas; se recibió "
            f"{type(training).__name__}."
        )
    elif any(len(g) != n for g in list(training)[:100]):
        raise ValueError(f"Los n-gramas de `training` no tienen longitud `n` = {n}.")
    grams = [generated[i : i + n] for i in range(len(generated) - n + 1)]
    return sum(g in training for g in grams) / len(grams)


def longest_copied_substring(generated: str, training: str) -> str:
    """Fragmento más largo de ``generated`` que aparece tal cual en ``training``.

    Recorre ``generated`` una vez: para cada inicio solo prueba si el fragmento puede superar al
    mejor encontrado hasta entonces, con una búsqueda ``in`` sobre ``training``. Así hace como
    mucho 2·len(generated) búsquedas. Con varios empates devuelve el primero.
    """
    check_text(generated, "generated", allow_empty=True)
    check_text(training, "training", allow_empty=True)
    start, best = 0, 0
    for i in range(len(generated)):
        while i + best < len(generated) and generated[i : i + best + 1] in training:
            start, best = i, best + 1
    return generated[start : start + best]
