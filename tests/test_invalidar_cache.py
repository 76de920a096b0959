"""Pruebas del guion que invalida la caché de ejecución al cambiar las fuentes de un cuaderno."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from guiones import cargar_guion

RAIZ = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def guion():
    return cargar_guion("invalidar_cache")


def _cuaderno(ruta: Path, codigo: str, prosa: str = "Texto.") -> None:
    celdas = [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": [prosa]},
              {"cell_type": "code", "id": "b", "metadata": {}, "source": [codigo], "outputs": [],
               "execution_count": None}]
    datos = {"cells": celdas, "metadata": {"kernelspec": {"name": "python3", "display_name": "P",
                                                           "language": "python"}},
             "nbformat": 4, "nbformat_minor": 5}
    ruta.write_text(json.dumps(datos), encoding="utf-8")


def test_importaciones_absolutas_relativas_y_submodulos(guion) -> None:
    codigo = "import os\nfrom genai_utils import gpt\n%matplotlib inline"
    assert guion.importaciones(codigo) == set()  # una celda con magia no es Python: se ignora
    codigo = "import os\nfrom genai_utils import gpt\nimport genai_utils.lm as lm"
    assert guion.importaciones(codigo) == {"genai_utils", "genai_utils.gpt", "genai_utils.lm"}
    relativo = "from .tools import Tool\nfrom ..validation import check_tensor"
    nombres = guion.importaciones(relativo, "genai_utils.agents.loop")
    assert {"genai_utils.agents.tools", "genai_utils.validation"} <= nombres
    assert all(n.startswith("genai_utils.") for n in nombres)


def test_dependencias_del_paquete_y_de_la_prosa(guion, tmp_path: Path) -> None:
    cuaderno = tmp_path / "n.ipynb"
    _cuaderno(cuaderno, "from genai_utils.ngram import CharNGram")
    deps = {p.relative_to(RAIZ).as_posix() for p in guion.dependencias(cuaderno, RAIZ)}
    assert {"genai_utils/ngram.py", "genai_utils/sampling.py", "genai_utils/validation.py",
            "genai_utils/__init__.py"} <= deps
    assert not any(d.startswith("genai_utils/gan/") for d in deps)
    assert not any(d.startswith("book/") for d in deps)  # no lee el libro
    _cuaderno(cuaderno, "from genai_utils.corpus import book_splits")
    deps = {p.relative_to(RAIZ).as_posix() for p in guion.dependencias(cuaderno, RAIZ)}
    assert "book/intro.md" in deps and "notebooks/05_3_gpt_pequeno.ipynb" in deps


def test_huella_cambia_con_el_paquete_o_la_prosa_leida(guion, tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copytree(RAIZ / "genai_utils", tmp_path / "genai_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "book" / "a.md").write_text("Prosa.", encoding="utf-8")
    _cuaderno(tmp_path / "notebooks" / "lee.ipynb", "from genai_utils.corpus import book_corpus")
    _cuaderno(tmp_path / "notebooks" / "gan.ipynb", "from genai_utils.gan import train_gan")
    antes = guion.huellas(tmp_path)
    (tmp_path / "book" / "a.md").write_text("Prosa cambiada.", encoding="utf-8")
    despues = guion.huellas(tmp_path)
    assert despues["notebooks/lee.ipynb"] != antes["notebooks/lee.ipynb"]
    assert despues["notebooks/gan.ipynb"] == antes["notebooks/gan.ipynb"]
    with (tmp_path / "genai_utils" / "gan" / "train.py").open("a", encoding="utf-8") as f:
        f.write("\n# cambio\n")
    tras_gan = guion.huellas(tmp_path)
    assert tras_gan["notebooks/gan.ipynb"] != despues["notebooks/gan.ipynb"]
    # Cambiar la prosa de un cuaderno que no lee el libro no cambia su huella.
    _cuaderno(tmp_path / "notebooks" / "gan.ipynb", "from genai_utils.gan import train_gan",
              "Otro.")
    assert guion.huellas(tmp_path)["notebooks/gan.ipynb"] == tras_gan["notebooks/gan.ipynb"]


def test_invalidar_borra_la_ejecucion_guardada(guion, tmp_path: Path) -> None:
    from jupyter_cache import get_cache

    (tmp_path / "notebooks").mkdir()
    cuaderno = tmp_path / "notebooks" / "x.ipynb"
    _cuaderno(cuaderno, "print(1)")
    cache = get_cache(tmp_path / "_build" / ".jupyter_cache")
    cache.cache_notebook_file(cuaderno, check_validity=False)
    assert len(cache.list_cache_records()) == 1
    assert guion.invalidar(tmp_path, ["notebooks/x.ipynb"]) == 1
    assert cache.list_cache_records() == []


def test_la_linea_del_tiempo_medido_no_cambia_la_huella(guion, tmp_path: Path) -> None:
    (tmp_path / "book").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copytree(RAIZ / "genai_utils", tmp_path / "genai_utils",
                    ignore=shutil.ignore_patterns("__pycache__"))
    lector = tmp_path / "notebooks" / "lee.ipynb"
    _cuaderno(lector, "from genai_utils.corpus import book_corpus",
              "Prosa.\n\n**Tiempo de ejecución medido:** 12 s en una CPU")
    (tmp_path / "book" / "tiempos_cuadernos.md").write_text("| a | 12 s |", encoding="utf-8")
    antes = guion.huellas(tmp_path)["notebooks/lee.ipynb"]
    _cuaderno(lector, "from genai_utils.corpus import book_corpus",
              "Prosa.\n\n**Tiempo de ejecución medido:** 99 s en una CPU")
    (tmp_path / "book" / "tiempos_cuadernos.md").write_text("| a | 99 s |", encoding="utf-8")
    assert guion.huellas(tmp_path)["notebooks/lee.ipynb"] == antes
    _cuaderno(lector, "from genai_utils.corpus import book_corpus", "Otra prosa.")
    assert guion.huellas(tmp_path)["notebooks/lee.ipynb"] != antes


def test_la_prosa_empaquetada_no_cuenta_como_dato(guion) -> None:
    # Un cuaderno que no lee el libro no depende de libro.zip (cambia con cualquier página); uno
    # que sí lo lee depende de las páginas mismas.
    ejemplo = RAIZ / "notebooks" / "01_1_maxima_verosimilitud.ipynb"
    deps = {p.relative_to(RAIZ).as_posix() for p in guion.dependencias(ejemplo)}
    assert "genai_utils/datos/libro.zip" not in deps
    lector = RAIZ / "notebooks" / "05_3_gpt_pequeno.ipynb"
    deps_lector = {p.relative_to(RAIZ).as_posix() for p in guion.dependencias(lector)}
    assert "genai_utils/datos/libro.zip" not in deps_lector
    assert "book/intro.md" in deps_lector
