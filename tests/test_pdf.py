"""La edición en PDF (``make pdf``): títulos con tildes, referencias resueltas, figuras y letras.

Lee lo que dejó ``scripts/construir_pdf.py`` (``_build/latex/ia-generativa.pdf``, su registro de
XeLaTeX y ``_build/pdf.rc``) con las herramientas de poppler-utils. Si el PDF no se intentó
construir (no hay ``_build/pdf.rc``), las pruebas se saltan diciendo cómo construirlo; si se
intentó y falló, fallan. ``make libro`` lo construye, así que en la integración continua se
prueban siempre.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml
from guiones import cargar_guion

pytestmark = pytest.mark.libro

RAIZ = Path(__file__).resolve().parents[1]
PDF = RAIZ / "_build/latex/ia-generativa.pdf"
REGISTRO_LATEX = PDF.with_suffix(".log")
CODIGO = RAIZ / "_build/pdf.rc"
SITIO = RAIZ / "_build/html"
OCULTAS = {"remove-output", "remove-cell", "hide-output", "hide-cell"}


@pytest.fixture(scope="module", autouse=True)
def pdf_construido() -> Path:
    """El PDF, o la prueba se salta si nadie intentó construirlo."""
    if not CODIGO.exists():
        pytest.skip("No se ha construido la edición en PDF: ejecuta «make pdf» (o «make libro»).")
    assert CODIGO.read_text().strip() == "0", (
        "La construcción del PDF falló: mira _build/pdf.log (o ejecuta «make pdf»).")
    assert PDF.exists(), f"Falta {PDF.relative_to(RAIZ)} aunque la construcción acabó bien."
    for programa in ("pdfinfo", "pdftotext", "pdfimages"):
        assert shutil.which(programa), f"Falta {programa}: bash scripts/instalar_sistema.sh"
    return PDF


def _normaliza(texto: str) -> str:
    """Texto en NFC, sin guiones de partición a final de línea y con los espacios unificados."""
    texto = unicodedata.normalize("NFC", texto)
    texto = re.sub(r"(\w)-\n\s*(\w)", r"\1\2", texto)
    return re.sub(r"\s+", " ", texto)


@cache
def texto_del_pdf() -> str:
    """Todo el texto del PDF según ``pdftotext``, normalizado."""
    salida = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(PDF), "-"], check=True,
                            capture_output=True, text=True, encoding="utf-8").stdout
    return _normaliza(salida)


@cache
def registro_latex() -> str:
    return REGISTRO_LATEX.read_text(encoding="utf-8", errors="replace")


def _titulo_de(archivo: str) -> str:
    """El primer título «# …» de una página o de la primera celda de texto de un cuaderno."""
    ruta = RAIZ / archivo
    if (RAIZ / f"{archivo}.ipynb").exists():
        celdas = json.loads((RAIZ / f"{archivo}.ipynb").read_text(encoding="utf-8"))["cells"]
        texto = "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "markdown")
    else:
        texto = ruta.with_suffix(".md").read_text(encoding="utf-8")
    titulo = re.search(r"^# (.+)$", texto, re.MULTILINE).group(1)
    # Sin marcas de MyST: *cursiva*, `código`.
    return re.sub(r"[*`]", "", titulo).strip()


def titulos_del_indice() -> list[str]:
    """Las partes de ``_toc.yml`` y el título de cada capítulo y de cada página de capítulo."""
    indice = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    titulos = []
    for parte in indice["parts"]:
        titulos.append(parte["caption"])
        for capitulo in parte["chapters"]:
            titulos.append(_titulo_de(capitulo["file"]))
            titulos += [_titulo_de(seccion["file"]) for seccion in capitulo.get("sections", [])]
    return titulos


def test_numero_de_paginas(pdf_construido: Path) -> None:
    salida = subprocess.run(["pdfinfo", str(pdf_construido)], check=True, capture_output=True,
                            text=True).stdout
    paginas = int(re.search(r"^Pages:\s+(\d+)", salida, re.MULTILINE).group(1))
    print(f"\nEdición en PDF: {paginas} páginas, {pdf_construido.stat().st_size / 1e6:.1f} MB")
    assert 150 < paginas < 2000, f"{paginas} páginas: ¿faltan capítulos o sobra algo?"
    assert "Title:           IA generativa: un libro interactivo" in salida


def test_cada_titulo_del_indice_esta_con_sus_tildes() -> None:
    titulos = titulos_del_indice()
    assert len(titulos) > 90
    assert sum(any(ord(c) > 127 for c in t) for t in titulos) > 20, "títulos con tildes"
    texto = texto_del_pdf()
    # Dos veces como poco: en el índice general y como título de su parte, capítulo o sección.
    faltan = [t for t in titulos if texto.count(_normaliza(t)) < 2]
    assert not faltan, "Títulos del índice que no aparecen en el PDF:\n" + "\n".join(faltan)


def test_sin_referencias_sin_resolver() -> None:
    texto = texto_del_pdf()
    sueltas = [texto[max(0, m.start() - 60):m.end() + 20] for m in re.finditer(r"\?\?", texto)]
    assert not sueltas, "Referencias sin resolver («??») en el PDF:\n" + "\n".join(sueltas[:20])
    avisos = re.findall(r"LaTeX Warning: (?:Reference|Citation|Hyper reference) .*",
                        registro_latex())
    assert not avisos, "\n".join(avisos[:20])


def _figuras_esperadas() -> int:
    """Salidas PNG de los cuadernos ejecutados que el PDF muestra (ni ocultas ni quitadas).

    Las ejecuciones salen de la caché de Jupyter Book, como en ``scripts/preparar_nbval.py``: la
    copia de ``_build/jupyter_execute`` no tiene salidas cuando el cuaderno vino de la caché.
    """
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(RAIZ / "_build" / ".jupyter_cache")
    total = 0
    for ruta in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        _, ejecutado = cache.merge_match_into_notebook(nbformat.read(ruta, as_version=4))
        for celda in ejecutado.cells:
            if OCULTAS & set(celda.get("metadata", {}).get("tags", [])):
                continue
            total += sum("image/png" in salida.get("data", {})
                         and "application/vnd.jupyter.widget-view+json" not in salida["data"]
                         and not salida.get("metadata", {}).get("scrapbook")
                         for salida in celda.get("outputs", []))
    return total


def test_figuras_incrustadas() -> None:
    filas = subprocess.run(["pdfimages", "-list", str(PDF)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    imagenes = sum(1 for fila in filas if fila.split()[2] == "image")
    esperadas = _figuras_esperadas()
    print(f"\n{imagenes} imágenes en el PDF; {esperadas} figuras en los cuadernos ejecutados")
    assert esperadas >= 20
    assert imagenes >= esperadas, f"El PDF tiene {imagenes} imágenes y los cuadernos {esperadas}"
    # La línea de tiempo del capítulo 1 es vectorial (book/figuras/linea_tiempo.pdf).
    assert "Hitos de los modelos generativos, de arriba abajo" in texto_del_pdf()


def test_ningun_caracter_sin_letra() -> None:
    """XeLaTeX escribe «Missing character» por cada carácter que la letra no tiene."""
    faltan = sorted(set(re.findall(r"Missing character: There is no .*", registro_latex())))
    assert not faltan, ("Caracteres sin letra (añádelos a newunicodechar en _config.yml):\n"
                        + "\n".join(faltan))


def test_en_espanol_con_particion_de_palabras() -> None:
    tex = PDF.with_suffix(".tex").read_text(encoding="utf-8")
    assert r"\setmainlanguage{spanish}" in tex
    registro = registro_latex()
    assert not re.search(r"No hyphenation patterns were (?:pre)?loaded for", registro), (
        "XeLaTeX no tiene los patrones de partición del español (texlive-lang-spanish).")
    texto = texto_del_pdf()
    assert "Capítulo 1. Conceptos fundamentales" in texto and "Figura 1.1" in texto


def test_glosario_y_bibliografia() -> None:
    texto = texto_del_pdf()
    glosario = (RAIZ / "book/glosario.md").read_text(encoding="utf-8")
    terminos = re.findall(r"^([^\s:`{][^\n]*)\n  \S", glosario, re.MULTILINE)
    assert len(terminos) > 20
    faltan = [t for t in terminos if _normaliza(t) not in texto]
    assert not faltan, "Términos del glosario que no están en el PDF: " + ", ".join(faltan)
    assert "[Goodfellow et al., 2014]" in texto, "las citas en el texto, con autor y año"
    assert "attention is all you need" in texto.casefold(), "la bibliografía, al final"


def test_widgets_y_demos_convertidos_en_texto() -> None:
    edicion = cargar_guion("edicion_pdf")
    texto = texto_del_pdf()
    demos = len(list((RAIZ / "book/_demos").glob("*.md"))) - 1  # menos el índice
    assert texto.count(_normaliza(edicion.FRASE_DEMO)) == demos
    assert _normaliza(edicion.FRASE_CONTROL) in texto
    assert "interactive(children=" not in texto, "la representación en texto de un widget"
    # Las barras de tqdm, con su estado final.
    assert re.search(r"100%\|█{10}\|", texto)


def test_el_sitio_ofrece_el_pdf() -> None:
    if not SITIO.is_dir():
        pytest.skip("No se ha construido el sitio (make libro).")
    copia = SITIO / PDF.name
    assert copia.exists() and copia.read_bytes() == PDF.read_bytes(), (
        "scripts/construir_pdf.py copia el PDF al sitio: ejecuta «make pdf».")
    pagina = (SITIO / "book/como_usar.html").read_text(encoding="utf-8")
    enlace = re.search(r'<a href="([^"]+)" download>', pagina)
    assert enlace, "La página «Cómo usar este libro» no enlaza el PDF"
    assert (SITIO / "book" / enlace.group(1)).resolve() == copia.resolve()
