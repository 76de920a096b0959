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


# ------------------------------------------------------------------ el archivo recipes.toml
def test_las_recetas_se_leen_de_su_archivo_toml() -> None:
    import tomllib

    from genai_utils import recipes

    with (RAIZ / "genai_utils/recipes.toml").open("rb") as archivo:
        tablas = tomllib.load(archivo)
    assert list(tablas) == list(RECIPES) == list(recipes._load_recipes())
    assert recipes.RECIPES is RECIPES  # se lee una sola vez
    assert get_recipe("gan_anillo").training["n_points"] == 20_000
    assert get_recipe("pca_digitos").model["jitter"] == 1e-6
    bpe = get_recipe("bpe_tokenizacion")
    assert bpe.seed == 0 and dict(bpe.training) == {}


def test_las_listas_del_archivo_llegan_como_tuplas() -> None:
    for receta in RECIPES.values():
        for valor in (*receta.model.values(), *receta.training.values()):
            assert not isinstance(valor, list), f"{receta.name}: una lista en la receta"
    assert get_recipe("gpt_asistente").training["lora_ranks"] == (1, 4, 16)
    assert get_recipe("gpt_asistente").model["special_like"] == ("\n", ":", ".")
    assert get_recipe("ngramas_libro").model["orders"] == (1, 2, 3, 4, 5, 6)


def test_igual_que_copia_la_otra_receta() -> None:
    vae, auto = get_recipe("vae_digitos"), get_recipe("autocodificador_digitos")
    assert auto.name == "autocodificador_digitos" and auto.description != vae.description
    assert (auto.notebook, auto.data, dict(auto.model), dict(auto.training), auto.seed) == (
        vae.notebook, vae.data, dict(vae.model), dict(vae.training), vae.seed)


_BUENA = """
[uno]
notebook = "n.ipynb"
description = "d"
data = "datos"
seed = 3
model = { a = 1, b = [1, 2] }
training = { lr = 3e-3 }
"""


def _escribe(tmp_path: Path, texto: str) -> Path:
    ruta = tmp_path / "recetas.toml"
    ruta.write_text(texto, encoding="utf-8")
    return ruta


def test_un_archivo_propio_con_igual_que(tmp_path: Path) -> None:
    from genai_utils.recipes import _load_recipes

    texto = _BUENA + '[dos]\nigual_que = "uno"\ndata = "otros"\nmodel = { a = 5 }\n'
    leidas = _load_recipes(_escribe(tmp_path, texto))
    assert list(leidas) == ["uno", "dos"]
    dos = leidas["dos"]
    assert (dos.notebook, dos.data, dos.seed) == ("n.ipynb", "otros", 3)
    assert dict(dos.model) == {"a": 5, "b": (1, 2)} and dos.training["lr"] == 0.003


@pytest.mark.parametrize(
    ("extra", "mensaje"),
    [
        ('[dos]\nnotebook = "n"\ndata = "d"\n', r"'dos'.*faltan.*description"),
        ('[dos]\nnotebook = "n"\ndescription = "d"\ndata = "d"\npasos = 3\n',
         r"'dos'.*desconocidas.*pasos"),
        ('[dos]\nigual_que = "tres"\n[tres]\nnotebook = "n"\ndescription = "d"\ndata = "d"\n',
         r"'dos'.*igual_que = 'tres'.*antes"),
        ('[dos]\nigual_que = "nadie"\n', r"no hay ninguna receta 'nadie'"),
        ('[dos]\nigual_que = "uno"\nmodel = { c = 1 }\n', r"'dos'.*no tiene \['c'\]"),
        ('[dos]\nnotebook = "n"\ndescription = "d"\ndata = "d"\nseed = "0"\n',
         r"'dos'.*`seed` debe ser un entero"),
        ('[dos]\nnotebook = "n"\ndescription = "d"\ndata = 3\n',
         r"'dos'.*`data` debe ser un texto"),
        ("[dos\n", r"no es TOML válido"),
    ],
)
def test_un_archivo_de_recetas_mal_hecho_da_un_error_claro(
    tmp_path: Path, extra: str, mensaje: str
) -> None:
    from genai_utils.recipes import _load_recipes

    with pytest.raises(ValueError, match=mensaje):
        _load_recipes(_escribe(tmp_path, _BUENA + extra))


def test_recipes_no_lee_el_archivo_al_importarse() -> None:
    import subprocess
    import sys

    codigo = (
        "import builtins, io, pathlib\n"
        "abiertos = []\n"
        "original = pathlib.Path.open\n"
        "pathlib.Path.open = lambda self, *a, **k: (abiertos.append(self.name), "
        "original(self, *a, **k))[1]\n"
        "import genai_utils.recipes as r\n"
        "assert 'recipes.toml' not in abiertos, abiertos\n"
        "r.get_recipe('gpt_libro')\n"
        "assert 'recipes.toml' in abiertos, abiertos\n"
    )
    subprocess.run([sys.executable, "-c", codigo], check=True, cwd=RAIZ)
