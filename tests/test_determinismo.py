"""Los resultados no dependen del proceso: dos intérpretes con distinta semilla de ``hash`` dan
lo mismo bit a bit.

nbval vuelve a ejecutar cada cuaderno en un proceso nuevo y compara sus salidas con las de la
construcción; Python sortea en cada proceso el orden de iteración de los ``set`` de cadenas
(``PYTHONHASHSEED``). Un cálculo que recorre un ``set`` (una suma en coma flotante, un
vocabulario) puede cambiar de un proceso a otro. Así se detectaron dos fallos: el vocabulario del
GPT de herramientas (cuaderno 6.2) y el orden de suma de BM25 (cuaderno 6.3).
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_BM25 = """
from genai_utils.agents.retrieval import BM25Retriever, chunk_pages, load_pages
from genai_utils.agents.evalset import BOOK_QUESTIONS
bm25 = BM25Retriever(chunk_pages(load_pages()))
for q in BOOK_QUESTIONS:
    print([(c.id, s.hex()) for c, s in bm25.search(q.question, k=5)])
"""

_VOCAB = """
from genai_utils.agents.toolgpt import WordCharVocab, format_phrases, make_examples, render_turns
textos = [t for e in make_examples(40, seed=0) for t, _ in render_turns(e, "42")]
vocab = WordCharVocab(textos, 2, format_phrases(), unknown_token=True)
print(vocab.tokens)
"""


def _ejecutar(codigo: str, semilla: int) -> str:
    entorno = {**os.environ, "PYTHONHASHSEED": str(semilla)}
    proceso = subprocess.run([sys.executable, "-c", codigo], env=entorno, capture_output=True,
                             text=True, timeout=300, check=False)
    assert proceso.returncode == 0, proceso.stderr[-2000:]
    return proceso.stdout


@pytest.mark.parametrize("codigo", [_BM25, _VOCAB], ids=["bm25", "vocabulario_toolgpt"])
def test_igual_con_otra_semilla_de_hash(codigo: str) -> None:
    salidas = {_ejecutar(codigo, semilla) for semilla in (1, 2, 3)}
    assert len(salidas) == 1, "El resultado cambia con PYTHONHASHSEED (se itera un set)."
