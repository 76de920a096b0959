"""Exportación de los modelos del libro para las demos que corren en el navegador del lector.

Las demos vivas del sitio publicado no tienen servidor: el navegador carga los modelos ya
entrenados y los ejecuta él mismo. Este módulo convierte cada modelo en algo que una página web
sabe leer:

* tablas JSON para los modelos que son solo recuentos (n-gramas, el índice BM25, las listas
  verdes de la marca de agua) o reglas (las fusiones del BPE);
* archivos ONNX (``torch.onnx``) para las redes, que ejecuta ``onnxruntime-web``;
* una **huella** (resumen SHA-256) de la receta, del código y de los datos, para no reentrenar si
  nada cambió.

Uso::

    from genai_utils.export import fingerprint, ngram_tables
    huella = fingerprint(receta=repr(receta), codigo=source_digest(["genai_utils/ngram.py"]))
    tablas = ngram_tables(modelo)      # dict listo para json.dump
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import torch
from torch import nn

__all__ = [
    "bm25_index",
    "bpe_tables",
    "export_onnx",
    "fingerprint",
    "green_lists",
    "ngram_tables",
    "source_digest",
    "text_digest",
]


# ------------------------------------------------------------------ huellas
def text_digest(text: str) -> str:
    """Resumen SHA-256 (hexadecimal) de un texto en UTF-8."""
    if not isinstance(text, str):
        raise TypeError(f"El argumento `text` debe ser un str; se recibió {type(text).__name__}.")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def source_digest(paths: Iterable[str | Path]) -> str:
    """Resumen SHA-256 del contenido de varios archivos, en el orden dado (con sus nombres)."""
    digest = hashlib.sha256()
    for path in paths:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"No existe el archivo de código «{path}».")
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def fingerprint(**parts: Any) -> str:
    """Huella de una exportación: SHA-256 de sus partes (receta, código, datos…) en JSON."""
    if not parts:
        raise ValueError("`fingerprint` necesita al menos una parte (p. ej. receta=…).")
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=repr)
    return text_digest(blob)


# ------------------------------------------------------------------ modelos de recuentos
def ngram_tables(model: Any) -> dict[str, Any]:
    """Recuentos de un ``CharNGram`` aditivo como datos JSON para el navegador.

    Devuelve ``{"order", "alpha", "vocab", "counts"}``; ``counts[m]`` asocia a cada contexto de
    ``m`` caracteres un par ``[siguientes, recuentos]``: la cadena de caracteres vistos tras él y
    cuántas veces se vio cada uno (en el mismo orden).
    """
    if getattr(model, "smoothing", None) != "add_alpha" or not getattr(model, "vocab", None):
        raise ValueError("`model` debe ser un CharNGram entrenado con suavizado aditivo.")
    counts = []
    for level in model._counts:
        table = {}
        for context, followers in sorted(level.items()):
            chars = sorted(followers)
            table[context] = ["".join(chars), [int(followers[c]) for c in chars]]
        counts.append(table)
    return {"order": model.order, "alpha": model.alpha, "backoff": model.backoff,
            "vocab": "".join(model.vocab), "counts": counts}


def bpe_tables(tokenizer: Any) -> dict[str, Any]:
    """Fusiones de un ``BPETokenizer`` en orden: el token ``256 + i`` junta el par ``merges[i]``."""
    merges = list(tokenizer.merges.items())
    if any(new_id != 256 + i for i, (_, new_id) in enumerate(merges)):
        raise ValueError("Las fusiones del tokenizador no están numeradas desde 256 en orden.")
    return {"merges": [[int(a), int(b)] for (a, b), _ in merges]}


def green_lists(config: Any) -> list[list[int]]:
    """Lista verde (identificadores ordenados) tras cada token anterior de una marca de agua."""
    from genai_utils.risks.watermark import green_list

    return [green_list(p, config).tolist() for p in range(config.vocab_size)]


def bm25_index(chunks: Sequence[Any], *, k1: float = 1.5, b: float = 0.75) -> dict[str, Any]:
    """Índice BM25 de los fragmentos, con los mismos términos que ``BM25Retriever``.

    Guarda el texto de cada fragmento (para mostrarlo), sus recuentos de términos, el IDF de cada
    término y las palabras vacías: el navegador solo tiene que partir la pregunta y sumar.
    """
    from genai_utils.agents.retrieval import _STOPWORDS, BM25Retriever

    retriever = BM25Retriever(chunks, k1=k1, b=b)
    return {
        "k1": retriever.k1, "b": retriever.b, "avgdl": retriever.avgdl, "prefix": 6,
        "stopwords": sorted(_STOPWORDS),
        "idf": retriever.idf,
        "chunks": [{"id": c.id, "title": c.title, "text": c.text, "terms": dict(tc)}
                   for c, tc in zip(retriever.chunks, retriever.term_counts, strict=True)],
    }


# ------------------------------------------------------------------ redes
def export_onnx(
    module: nn.Module,
    example_inputs: tuple[torch.Tensor, ...],
    path: str | Path,
    *,
    input_names: Sequence[str],
    output_names: Sequence[str],
) -> Path:
    """Exporta ``module`` (en modo evaluación, formas fijas) a un archivo ONNX autocontenido.

    Las demos usan siempre las formas de ``example_inputs``, así que no hacen falta ejes
    dinámicos. Los pesos van dentro del archivo (sin ``.data`` aparte). Devuelve la ruta.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"`module` debe ser un nn.Module; se recibió {type(module).__name__}.")
    if len(input_names) != len(example_inputs):
        raise ValueError("`input_names` debe tener un nombre por cada entrada de ejemplo.")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    module.eval()
    program = torch.onnx.export(module, example_inputs, dynamo=True, optimize=True,
                                input_names=list(input_names), output_names=list(output_names),
                                verbose=False)
    program.save(str(path), external_data=False)
    return path
