"""Revisión ortográfica de toda la prosa del libro (páginas y celdas markdown de los cuadernos).

Se usa hunspell con el diccionario español de Debian (``hunspell-es``) y la lista de términos del
proyecto ``tests/palabras_del_libro.txt``. Los términos en cursiva (donde el libro pone el término
inglés junto al español) se revisan además contra el diccionario inglés. Las siglas en mayúsculas
(GAN, VAE, PCA…) se aceptan sin más. Una palabra desconocida hace fallar la prueba: o es una
errata, o es un término técnico legítimo que se añade a la lista.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from genai_utils.corpus import strip_markup

RAIZ = Path(__file__).resolve().parents[1]
LISTA = RAIZ / "tests" / "palabras_del_libro.txt"
LETRAS = "A-Za-zÁÉÍÓÚÜÑáéíóúüñÀ-ÖØ-öø-ÿ"
PALABRA = re.compile(rf"[{LETRAS}]+(?:['’-][{LETRAS}]+)*")
CURSIVA = re.compile(r"(?<![*\w])\*(?!\*)([^*\n]+?)\*(?![*\w])")


def _paginas() -> dict[str, str]:
    textos = {}
    for md in sorted((RAIZ / "book").rglob("*.md")):
        if "_vendor" not in md.parts:
            textos[str(md.relative_to(RAIZ))] = md.read_text(encoding="utf-8")
    for nb in sorted((RAIZ / "notebooks").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in nb.parts:
            continue
        celdas = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        markdown = ["".join(c["source"]) for c in celdas if c["cell_type"] == "markdown"]
        textos[str(nb.relative_to(RAIZ))] = "\n\n".join(markdown)
    return textos


def _palabras(texto: str) -> set[str]:
    partes = (parte for p in PALABRA.findall(texto) for parte in re.split(r"[-'’]", p))
    return {p for p in partes if len(p) > 1 and not p.isupper()}


def _desconocidas(palabras: set[str], diccionarios: str) -> set[str]:
    orden = ["hunspell", "-d", diccionarios, "-p", str(LISTA), "-i", "utf-8", "-l"]
    entrada = "\n".join(sorted(palabras))
    salida = subprocess.run(orden, input=entrada, capture_output=True, text=True, check=True)
    return set(salida.stdout.split())


def test_hunspell_disponible() -> None:
    assert shutil.which("hunspell"), "Falta hunspell: ejecuta `make sistema`."
    assert Path("/usr/share/hunspell/es_ES.dic").exists(), "Falta el diccionario hunspell-es."
    assert Path("/usr/share/hunspell/en_US.dic").exists(), "Falta el diccionario hunspell-en-us."


def test_la_lista_de_palabras_esta_ordenada_y_sin_repetidos() -> None:
    palabras = [p for p in LISTA.read_text(encoding="utf-8").splitlines() if p]
    assert palabras == sorted(set(palabras), key=str.casefold), "Ordena la lista y quita repetidos."


def test_ortografia_de_toda_la_prosa() -> None:
    donde: dict[str, set[str]] = defaultdict(set)
    for nombre, texto in _paginas().items():
        cursivas = " ".join(CURSIVA.findall(texto))
        sin_cursivas = CURSIVA.sub(" ", texto)
        for palabra in _desconocidas(_palabras(strip_markup(sin_cursivas)), "es_ES"):
            donde[palabra].add(nombre)
        for palabra in _desconocidas(_palabras(strip_markup(cursivas)), "es_ES,en_US"):
            donde[palabra].add(nombre)
    informe = "\n".join(f"{p}: {', '.join(sorted(f))}" for p, f in sorted(donde.items()))
    if donde:
        pytest.fail(f"{len(donde)} palabras desconocidas (¿errata o término?):\n{informe}")
