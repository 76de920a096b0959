"""Los textos de los comprobadores (``genai_utils/exercises/textos.toml``) y su cargador.

Cada clave que un comprobador pide existe, cada texto del archivo lo usa algún comprobador (no
hay textos muertos) y una clave que falta se avisa en español, nombrándola.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from genai_utils.exercises import core
from genai_utils.exercises.core import MissingTextError, text, texts

RAIZ = Path(__file__).resolve().parents[1]
CAPITULOS = ["conceptos", "gan", "vae", "difusion", "transformers", "agentes", "desafios"]
TEXTOS = tomllib.loads(core.TEXTS_PATH.read_text(encoding="utf-8"))


def _claves_del_archivo() -> set[str]:
    """Todas las hojas de textos.toml, como ``capítulo.ejercicio.clave``."""
    return {
        f"{capitulo}.{ejercicio}.{clave}"
        for capitulo, ejercicios in TEXTOS.items()
        for ejercicio, tabla in ejercicios.items()
        for clave in tabla
    }


def _claves_pedidas() -> set[str]:
    """Las claves que los comprobadores piden en su código, con ``texts(…)`` o ``text(…)``."""
    pedidas = set()
    for capitulo in CAPITULOS:
        arbol = ast.parse((core.TEXTS_PATH.parent / f"{capitulo}.py").read_text("utf-8"))
        for nodo in ast.walk(arbol):
            if not (isinstance(nodo, ast.Call) and isinstance(nodo.func, ast.Name)):
                continue
            if nodo.func.id not in ("text", "texts"):
                continue
            (argumento,) = nodo.args
            assert isinstance(argumento, ast.Constant), f"{capitulo}: clave no literal"
            assert argumento.value.startswith(f"{capitulo}."), argumento.value
            if nodo.func.id == "texts":
                pedidas |= {f"{argumento.value}.pista", f"{argumento.value}.acierto"}
            else:
                pedidas.add(argumento.value)
    return pedidas


def test_cada_clave_pedida_existe_y_cada_texto_se_usa() -> None:
    pedidas, archivo = _claves_pedidas(), _claves_del_archivo()
    assert not pedidas - archivo, f"Claves que faltan en textos.toml: {sorted(pedidas - archivo)}"
    assert not archivo - pedidas, f"Textos que ningún comprobador usa: {sorted(archivo - pedidas)}"
    assert set(TEXTOS) == set(CAPITULOS)


def test_los_textos_son_frases_limpias() -> None:
    """Ni espacios sobrantes ni dobles: delatan una barra invertida mal puesta al partir líneas."""
    for clave in _claves_del_archivo():
        valor = text(clave)
        assert valor and valor == valor.strip() and "  " not in valor and "\n" not in valor, clave


@pytest.mark.parametrize("capitulo", CAPITULOS)
def test_cada_comprobador_encuentra_sus_textos(capitulo: str) -> None:
    """Llamar a cada comprobador con una respuesta errónea no tropieza con una clave que falta."""
    modulo = importlib.import_module(f"genai_utils.exercises.{capitulo}")
    comprobadores = [
        f for nombre, f in inspect.getmembers(modulo, inspect.isfunction)
        if nombre.startswith("check_") and f.__module__ == modulo.__name__
    ]
    assert comprobadores
    for comprobador in comprobadores:
        feedback = comprobador(lambda *args: None)
        assert not feedback.correct and feedback.hint, comprobador.__name__


def test_una_clave_que_falta_se_nombra_en_espanol() -> None:
    with pytest.raises(MissingTextError, match="Falta el texto «gan.no_existe.pista»"):
        texts("gan.no_existe")
    with pytest.raises(MissingTextError, match="«gan.equilibrio.sin_pista»"):
        text("gan.equilibrio.sin_pista")
    with pytest.raises(MissingTextError, match="es una tabla, no un texto"):
        text("gan.equilibrio")


def test_texts_da_las_opciones_de_los_comprobadores() -> None:
    assert texts("transformers.atencion") == {
        "hint": TEXTOS["transformers"]["atencion"]["pista"],
        "success": TEXTOS["transformers"]["atencion"]["acierto"],
    }


def test_el_archivo_se_lee_solo_al_usarlo() -> None:
    """Importar los comprobadores no lee textos.toml: se carga la primera vez que hace falta."""
    codigo = (
        "import genai_utils.exercises.gan as g\n"
        "from genai_utils.exercises import core\n"
        "assert core._texts_table.cache_info().currsize == 0\n"
        "g.check_lipschitz_answer('b')\n"
        "assert core._texts_table.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", codigo], check=True, cwd=RAIZ)
