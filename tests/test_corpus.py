"""Pruebas del corpus: limpieza de MyST, cuadernos, raíz del libro y carga de textos."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from genai_utils.corpus import (
    book_corpus,
    book_pages,
    book_splits,
    find_book_root,
    load_text,
    notebook_markdown,
    split_text,
    strip_markup,
)

REPO = Path(__file__).resolve().parents[1]

PAGE = """---
kernelspec:
  name: python3
---

(sec-intro)=
# Introducción a la *IA* generativa

% comentario
Un modelo **generativo** aprende $p(x)$ de los datos; véase {cite}`goodfellow2016`
y el {term}`espacio latente <latente>`, la sección {ref}`sec-intro`,
{doc}`el capítulo <../vae>` y el {term}`decodificador`. El código `torch.randn` no[^1].

$$
\\log p(x) = \\sum_i \\log p(x_i)
$$

```{code-cell} ipython3
import torch
```

```{note}
:class: dropdown
Esta nota se conserva.
```

:::{dropdown} Solución
:open:
Texto del desplegable.

```python
print("no")
```
:::

```{figure} img.png
---
width: 50%
---
Leyenda de la figura.
```

```{admonition} Título oculto
Cuerpo con [un enlace](https://example.com) y <b>negrita</b>.
```

~~~
código con virgulillas
~~~

```{math}
:label: eq-elbo
\\mathcal{L} = 1
```

| Modelo | Idea |
|:------|-----:|
| VAE | latente |

- primer _punto_
- segundo punto, con ¿preguntas? y ñandú

[^1]: Una nota al pie.

<!-- comentario html -->
"""


def test_strip_markup_conserva_la_prosa() -> None:
    text = strip_markup(PAGE)
    lines = text.split("\n")
    assert lines[0] == "Introducción a la IA generativa"
    assert "Un modelo generativo aprende de los datos; véase y el espacio latente" in text
    assert "el capítulo y el decodificador" in text
    for kept in ("Esta nota se conserva.", "Texto del desplegable.", "Leyenda de la figura.",
                 "Cuerpo con un enlace y negrita.", "Modelo Idea", "VAE latente",
                 "primer punto", "segundo punto, con ¿preguntas? y ñandú", "Una nota al pie."):
        assert kept in lines


@pytest.mark.parametrize(
    "gone",
    ["kernelspec", "sec-intro", "comentario", "p(x)", "goodfellow", "torch", "sum_i", "print",
     "virgulillas", "mathcal", "eq-elbo", ":class:", ":open:", "width", "img.png", "Título oculto",
     "https", "<b>", "#", "*", "|", "---", "[^1]", "`", "$", "\n\n", "  "],
)
def test_strip_markup_quita_la_sintaxis(gone: str) -> None:
    assert gone not in strip_markup(PAGE)


def test_strip_markup_normaliza_y_valida() -> None:
    assert strip_markup("Cafe\u0301  con\n  leche\n\n\n## Otro") == "Café con leche\nOtro"
    assert strip_markup("") == ""
    with pytest.raises(TypeError, match="`markdown`"):
        strip_markup(None)  # type: ignore[arg-type]


def _notebook(path: Path, cells: list[tuple[str, str]]) -> Path:
    nb = {"cells": [{"cell_type": kind, "metadata": {}, "source": source.splitlines(True)}
                    for kind, source in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_notebook_markdown(tmp_path: Path) -> None:
    path = _notebook(tmp_path / "x.ipynb", [("markdown", "# Título\nTexto *uno*."),
                                            ("code", "print('código')"),
                                            ("markdown", "Texto dos: $x^2$.")])
    assert notebook_markdown(path) == "Título\nTexto uno.\nTexto dos: ."
    (tmp_path / "roto.ipynb").write_text("no es json", encoding="utf-8")
    with pytest.raises(ValueError, match="cuaderno"):
        notebook_markdown(tmp_path / "roto.ipynb")
    with pytest.raises(FileNotFoundError, match="no_existe"):
        notebook_markdown(tmp_path / "no_existe.ipynb")


@pytest.fixture
def fake_book(tmp_path: Path) -> Path:
    (tmp_path / "_toc.yml").write_text("format: jb-book\n", encoding="utf-8")
    (tmp_path / "book" / "cap").mkdir(parents=True)
    (tmp_path / "book" / "_vendor").mkdir()
    (tmp_path / "book" / "a.md").write_text("# Página A\nPrimera página.", encoding="utf-8")
    (tmp_path / "book" / "cap" / "b.md").write_text("Segunda **página**.", encoding="utf-8")
    (tmp_path / "book" / "_oculta.md").write_text("No debe salir.", encoding="utf-8")
    (tmp_path / "book" / "_vendor" / "README.md").write_text("Tampoco.", encoding="utf-8")
    (tmp_path / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    _notebook(tmp_path / "notebooks" / "x.ipynb", [("markdown", "Texto del cuaderno.")])
    _notebook(tmp_path / "notebooks" / ".ipynb_checkpoints" / "x-checkpoint.ipynb",
              [("markdown", "Copia.")])
    return tmp_path


def test_book_corpus_en_un_libro_falso(fake_book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENAI_LIBRO_DIR", raising=False)
    expected = "Página A\nPrimera página.\nSegunda página.\nTexto del cuaderno."
    assert book_corpus(fake_book) == expected
    assert find_book_root(fake_book / "book" / "cap") == fake_book.resolve()
    monkeypatch.setenv("GENAI_LIBRO_DIR", str(fake_book))
    assert find_book_root() == fake_book.resolve()
    assert book_corpus() == expected


def test_book_corpus_vacio_o_sin_libro(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "a.md").write_text("```python\nx = 1\n```\n", encoding="utf-8")
    with pytest.raises(ValueError, match="prosa"):
        book_corpus(tmp_path)
    with pytest.raises(FileNotFoundError, match="book"):
        book_corpus(tmp_path / "book")
    monkeypatch.delenv("GENAI_LIBRO_DIR", raising=False)
    monkeypatch.setattr("genai_utils.corpus.packaged_book_root", lambda: None)  # sin copia
    with pytest.raises(FileNotFoundError, match="GENAI_LIBRO_DIR"):
        find_book_root(tmp_path)
    monkeypatch.setenv("GENAI_LIBRO_DIR", str(tmp_path / "no_existe"))
    with pytest.raises(FileNotFoundError, match="GENAI_LIBRO_DIR"):
        find_book_root()


def test_find_book_root_en_el_repositorio(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENAI_LIBRO_DIR", raising=False)
    assert find_book_root() == REPO
    assert find_book_root(REPO / "genai_utils") == REPO


def test_load_text(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_bytes("\ufeffCafe\u0301 y\r\nniño".encode())
    assert load_text(path) == "Café y\nniño"
    assert load_text(str(path), min_chars=5) == "Café y\nniño"
    with pytest.raises(ValueError, match="min_chars"):
        load_text(path, min_chars=1000)
    (tmp_path / "latin1.txt").write_bytes("año".encode("latin-1"))
    with pytest.raises(ValueError, match="UTF-8"):
        load_text(tmp_path / "latin1.txt")
    (tmp_path / "vacio.txt").write_text("  \n", encoding="utf-8")
    with pytest.raises(ValueError, match="vacío"):
        load_text(tmp_path / "vacio.txt")
    with pytest.raises(FileNotFoundError, match="No existe"):
        load_text(tmp_path / "nada.txt")
    with pytest.raises(TypeError, match="`path`"):
        load_text(3)  # type: ignore[arg-type]


def test_split_text() -> None:
    text = "abcdefghij" * 10
    train, val = split_text(text, 0.2)
    assert (len(train), len(val)) == (80, 20)
    assert train + val == text
    with pytest.raises(ValueError, match="val_fraction"):
        split_text(text, 1.0)
    with pytest.raises(ValueError, match="corto"):
        split_text("ab", 0.1)
    with pytest.raises(TypeError, match="`text`"):
        split_text(["a"])  # type: ignore[arg-type]


_PALABRAS = [f"{a}{b}" for a in ("ma", "pe", "si", "lo", "tu") for b in ("ra", "ne", "co", "vi")]


def _many_pages(root: Path, n: int = 20) -> None:
    (root / "_toc.yml").write_text("format: jb-book\n", encoding="utf-8")
    (root / "book").mkdir()
    for i in range(n):
        (root / "book" / f"p{i:02d}.md").write_text(
            f"Página {i} con texto propio número {_PALABRAS[i]}.\n\n"
            f"**Tiempo de ejecución medido:** {i} s.\n\n"
            "Un aviso que se repite en todas las páginas.", encoding="utf-8")


def test_book_pages_quita_plantillas_y_repeticiones(tmp_path: Path) -> None:
    _many_pages(tmp_path, 3)
    pages = book_pages(tmp_path)
    assert list(pages) == ["book/p00.md", "book/p01.md", "book/p02.md"]
    aviso = "Un aviso que se repite en todas las páginas."
    assert pages["book/p00.md"] == f"Página 0 con texto propio número {_PALABRAS[0]}.\n{aviso}"
    # Las demás conservan su frase propia y pierden el aviso repetido.
    assert pages["book/p01.md"] == f"Página 1 con texto propio número {_PALABRAS[1]}."
    assert not any("Tiempo de ejecución" in t for t in pages.values())


def test_book_splits_reparte_paginas_enteras(tmp_path: Path) -> None:
    _many_pages(tmp_path, 20)
    splits = book_splits(tmp_path, dev_fraction=0.2, test_fraction=0.2)
    partes = [set(splits.pages[k]) for k in ("train", "dev", "test")]
    assert set().union(*partes) == set(book_pages(tmp_path))
    assert sum(len(p) for p in partes) == 20  # ninguna página en dos repartos
    total = sum(len(t) for t in book_pages(tmp_path).values())
    assert 0.2 * total <= len(splits.test) < 0.35 * total
    assert 0.2 * total <= len(splits.dev) < 0.35 * total
    for pagina in splits.pages["test"]:
        frase = f"número {_PALABRAS[int(pagina[6:8])]}."
        assert frase in splits.test and frase not in splits.train
    # Reproducible, y otra semilla sortea otras páginas.
    assert book_splits(tmp_path, dev_fraction=0.2, test_fraction=0.2) == splits
    otra = book_splits(tmp_path, dev_fraction=0.2, test_fraction=0.2, seed=1)
    assert otra.pages["test"] != splits.pages["test"]


def test_book_splits_errores(tmp_path: Path) -> None:
    _many_pages(tmp_path, 2)
    with pytest.raises(ValueError, match="tres páginas"):
        book_splits(tmp_path)
    with pytest.raises(ValueError, match="menor que 1"):
        book_splits(tmp_path, dev_fraction=0.6, test_fraction=0.5)
    with pytest.raises(ValueError, match="seed"):
        book_splits(tmp_path, seed=-1)


def test_la_tabla_de_tiempos_generada_no_es_corpus(tmp_path: Path) -> None:
    _many_pages(tmp_path, 3)
    (tmp_path / "book" / "tiempos_cuadernos.md").write_text("| Cuaderno | 12 s |", encoding="utf-8")
    assert "book/tiempos_cuadernos.md" not in book_pages(tmp_path)
    assert "12 s" not in book_corpus(tmp_path)
