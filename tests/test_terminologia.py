"""La terminología del libro es una sola: ``tests/terminologia.toml`` fija, para cada concepto, la
forma que se usa y las variantes que no.

Se revisan la prosa de ``book/``, las celdas de texto de los cuadernos, las cadenas y los
comentarios de sus celdas de código, y los docstrings, mensajes y comentarios de ``genai_utils``
(también los de sus archivos TOML, como los textos de los comprobadores en
``genai_utils/exercises/textos.toml``).
Además, cada entrada del glosario tiene que aparecer en el texto (un glosario no define palabras
que el libro no usa) y el sitio construido no puede contener las frases rotas que produce una
referencia ``{doc}`` mal encajada.
"""

from __future__ import annotations

import io
import json
import re
import tokenize
import tomllib
from functools import cache
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]
REGLAS = tomllib.loads((RAIZ / "tests" / "terminologia.toml").read_text(encoding="utf-8"))

# Lo que no es prosa: bloques de código, código en línea (Markdown y reST), fórmulas, enlaces.
_BLOQUE = re.compile(r"^(```|~~~).*?^\1\s*$", re.MULTILINE | re.DOTALL)
_NO_PROSA = [
    re.compile(r"``[^`]*``"),
    re.compile(r"`[^`\n]*`"),
    re.compile(r"\$\$.*?\$\$", re.DOTALL),
    re.compile(r"\$[^$\n]+\$"),
    re.compile(r"https?://\S+"),
    re.compile(r"\]\([^)]*\)"),
]


# Un ejemplo de doctest y su salida, que es Python (con punto decimal), no prosa.
_DOCTEST = re.compile(r"^[ \t]*>>> .*\n[^\n]*$", re.MULTILINE)


def _limpiar(texto: str) -> str:
    texto = _BLOQUE.sub(" ", texto)
    for patron in _NO_PROSA:
        texto = patron.sub(" ", texto)
    return texto


def _cadenas_y_comentarios(codigo: str) -> list[str]:
    """Cadenas con espacios (frases, no identificadores) y comentarios de un código Python."""
    lineas = [ln for ln in codigo.splitlines() if not ln.lstrip().startswith(("%", "!"))]
    trozos = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO("\n".join(lineas) + "\n").readline):
            if tok.type == tokenize.COMMENT or (tok.type == tokenize.STRING and " " in tok.string):
                trozos.append(tok.string)
            elif getattr(tokenize, "FSTRING_MIDDLE", None) == tok.type and " " in tok.string:
                trozos.append(tok.string)
    except (tokenize.TokenError, SyntaxError):  # pragma: no cover - celda que no es Python
        trozos.append(codigo)
    return trozos


def _cadenas_toml(contenido: str) -> list[str]:
    """Los textos con espacios (frases) y los comentarios de un archivo TOML."""
    trozos = [ln for ln in contenido.splitlines() if ln.lstrip().startswith("#")]
    pendientes = [tomllib.loads(contenido)]
    while pendientes:
        valor = pendientes.pop()
        if isinstance(valor, dict):
            pendientes.extend(valor.values())
        elif isinstance(valor, list):
            pendientes.extend(valor)
        elif isinstance(valor, str) and " " in valor:
            trozos.append(valor)
    return trozos


@cache
def textos() -> dict[str, str]:
    """Texto revisable de cada archivo, ya sin código en línea ni fórmulas."""
    salida = {}
    for md in sorted((RAIZ / "book").rglob("*.md")):
        if "_vendor" not in md.parts:
            salida[str(md.relative_to(RAIZ))] = _limpiar(md.read_text(encoding="utf-8"))
    for nb in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        partes = []
        for celda in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            fuente = "".join(celda["source"])
            if celda["cell_type"] == "markdown":
                partes.append(fuente)
            elif celda["cell_type"] == "code":
                partes.extend(_cadenas_y_comentarios(fuente))
        salida[str(nb.relative_to(RAIZ))] = _limpiar("\n\n".join(partes))
    for py in sorted((RAIZ / "genai_utils").rglob("*.py")):
        trozos = [_DOCTEST.sub(" ", t) for t in _cadenas_y_comentarios(py.read_text("utf-8"))]
        salida[str(py.relative_to(RAIZ))] = _limpiar("\n".join(trozos))
    for datos in sorted((RAIZ / "genai_utils").rglob("*.toml")):
        trozos = _cadenas_toml(datos.read_text("utf-8"))
        salida[str(datos.relative_to(RAIZ))] = _limpiar("\n".join(trozos))
    return salida


def infracciones(regla: dict, texto: str) -> list[str]:
    """Apariciones de las variantes prohibidas de ``regla`` en ``texto``, con su contexto."""
    for permitida in regla.get("permitidas", []):
        texto = re.sub(permitida, " ", texto, flags=re.IGNORECASE)
    halladas = []
    for prohibida in regla["prohibidas"]:
        for m in re.finditer(prohibida, texto, flags=re.IGNORECASE):
            contexto = texto[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
            halladas.append(f"«{m.group(0)}» en «…{contexto}…»")
    return halladas


@pytest.mark.parametrize("regla", REGLAS["regla"], ids=lambda r: r["preferida"][:40])
def test_sin_variantes_prohibidas(regla: dict) -> None:
    errores = [
        f"{ruta}: {hallada}"
        for ruta, texto in textos().items()
        for hallada in infracciones(regla, texto)
    ]
    assert not errores, (
        f"Se usa otra forma en lugar de «{regla['preferida']}» ({len(errores)} casos):\n"
        + "\n".join(errores[:40])
    )


def test_se_revisan_los_textos_de_los_comprobadores() -> None:
    """Las pistas y los mensajes de ``textos.toml`` entran en la revisión, como los del código."""
    revisado = textos()["genai_utils/exercises/textos.toml"]
    assert "Tu atención coincide con la de referencia" in revisado
    assert "Los textos largos se parten" in revisado  # y sus comentarios


def test_las_reglas_detectan_lo_que_prohiben() -> None:
    """Cada regla encuentra su ejemplo negativo y respeta la glosa inglesa entre paréntesis."""
    def regla(inicio: str) -> dict:
        return next(r for r in REGLAS["regla"] if r["preferida"].startswith(inicio))

    incrustacion, a_priori = regla("incrustación"), regla("la distribución")
    nucleo = regla("núcleo")
    assert infracciones(incrustacion, "cada embedding tiene 48 números")
    assert not infracciones(incrustacion, "una incrustación (*embedding*) de 48")
    assert infracciones(a_priori, "las muestras de la prior empeoran")
    assert not infracciones(a_priori, "la distribución *a priori* (*prior*)")
    assert infracciones(nucleo, "desde un núcleo nuevo")
    assert not infracciones(nucleo, "un núcleo de Jupyter nuevo en 2 núcleos de CPU")
    numeros = regla("números")
    assert infracciones(numeros, "entrena 20.000 pasos") and infracciones(numeros, "son 1 600")
    assert not infracciones(numeros, "son 1600 pasos, 20\u202f000 muestras y 0,500 de AUC")


def _entradas_del_glosario() -> list[str]:
    texto = (RAIZ / "book" / "glosario.md").read_text(encoding="utf-8")
    bloque = texto.split("```{glossary}", 1)[1].split("```", 1)[0]
    return [
        linea.strip()
        for linea in bloque.splitlines()
        if linea.strip() and not linea.startswith((" ", ":"))
    ]


def test_cada_entrada_del_glosario_se_usa() -> None:
    """Cada término del glosario aparece en el libro (en la prosa o enlazado con ``{term}``)."""
    crudo = []
    for md in sorted((RAIZ / "book").rglob("*.md")):
        if md.name != "glosario.md":
            crudo.append(md.read_text(encoding="utf-8"))
    for nb in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        celdas = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        crudo.extend("".join(c["source"]) for c in celdas if c["cell_type"] == "markdown")
    texto = "\n".join(crudo).lower()
    entradas = _entradas_del_glosario()
    assert len(entradas) > 100
    sin_uso = [e for e in entradas if e.lower() not in texto]
    assert not sin_uso, f"Entradas del glosario que el libro no usa en esa forma: {sin_uso}"


@pytest.mark.libro
def test_el_sitio_no_tiene_frases_rotas(libro) -> None:
    """Las referencias ``{doc}`` no producen frases agramaticales al sustituirse por el título."""
    errores = []
    for pagina in sorted(libro.html.rglob("*.html")):
        if "_static" in pagina.parts:
            continue
        texto = re.sub(r"<[^>]+>", "", pagina.read_text(encoding="utf-8"))
        texto = re.sub(r"\s+", " ", texto)
        for patron in REGLAS["sitio"]["prohibidas"]:
            for m in re.finditer(patron, texto):
                errores.append(f"{pagina.relative_to(libro.html)}: «{m.group(0)}»")
    assert not errores, "Frases rotas en el sitio:\n" + "\n".join(errores)
