"""Pruebas de las recetas: una sola fuente para cada modelo del libro."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from genai_utils.recipes import RECIPES, Recipe, _register, get_recipe

RAIZ = Path(__file__).resolve().parents[1]


def _codigo(ruta: Path) -> str:
    celdas = json.loads(ruta.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "code")


def _codigo_del_paquete() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (RAIZ / "genai_utils").rglob("*.py"))


@pytest.mark.parametrize("nombre", sorted(RECIPES))
def test_cada_receta_la_lee_su_cuaderno_o_el_paquete(nombre: str) -> None:
    receta = get_recipe(nombre)
    cuaderno = RAIZ / receta.notebook
    assert cuaderno.is_file(), f"{nombre}: no existe {receta.notebook}"
    patron = re.compile(rf"""get_recipe\(\s*["']{nombre}["']""")
    paquete = _codigo_del_paquete().replace((RAIZ / "genai_utils/recipes.py").read_text(
        encoding="utf-8"), "")
    assert patron.search(_codigo(cuaderno)) or patron.search(paquete), (
        f"Nadie lee la receta {nombre!r}: su cuaderno o el paquete deben usar get_recipe."
    )


def test_las_variantes_no_cambian_la_original() -> None:
    receta = get_recipe("gpt_libro")
    variante = receta.with_training(steps=10).with_model(n_embd=64)
    assert variante.training["steps"] == 10 and variante.model["n_embd"] == 64
    assert receta.training["steps"] != 10 and receta.model["n_embd"] != 64
    with pytest.raises(TypeError):
        receta.training["steps"] = 5  # type: ignore[index]
    with pytest.raises(KeyError, match="pasos"):
        receta.with_training(pasos=3)


def test_errores_claros() -> None:
    with pytest.raises(KeyError, match="gpt_libro"):
        get_recipe("no_existe")
    uno = Recipe("a", "n.ipynb", "d", "datos")
    with pytest.raises(ValueError, match="mismo nombre"):
        _register(uno, uno)
