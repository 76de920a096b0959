"""El guion que ejecuta en paralelo los cuadernos que faltan en la caché de la construcción."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from guiones import cargar_guion
from jupyter_cache import get_cache

RAIZ = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def guion():
    return cargar_guion("ejecutar_cuadernos")


def _proyecto(raiz: Path, celdas: dict[str, str]) -> None:
    (raiz / "notebooks").mkdir(parents=True)
    (raiz / "_config.yml").write_text("execute:\n  timeout: 60\n  allow_errors: false\n")
    for nombre, codigo in celdas.items():
        cuaderno = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(codigo)])
        cuaderno.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        nbformat.write(cuaderno, raiz / "notebooks" / f"{nombre}.ipynb")


def test_ejecuta_guarda_en_la_cache_y_no_repite(guion, tmp_path: Path, capsys, monkeypatch) -> None:
    for variable in guion.HILOS:  # el guion las cambia; monkeypatch las restaura al terminar
        monkeypatch.setenv(variable, "2")
    _proyecto(tmp_path, {"a": "import os\nprint(os.environ.get('OMP_NUM_THREADS'), 6 * 7)",
                         "b": "print('hola')"})
    assert len(guion.pendientes(tmp_path)) == 2
    assert guion.main(["--raiz", str(tmp_path), "--procesos", "2"]) == 0
    assert guion.pendientes(tmp_path) == []  # la construcción los encontrará en la caché
    cache = get_cache(str(tmp_path / guion.CACHE))
    cuaderno = nbformat.read(tmp_path / "notebooks" / "a.ipynb", as_version=4)
    _, ejecutado = cache.merge_match_into_notebook(cuaderno)
    assert ejecutado.cells[0].outputs[0]["text"] == "1 42\n"  # un hilo por núcleo de Jupyter
    assert guion.main(["--raiz", str(tmp_path), "--procesos", "2"]) == 0
    assert "Cuadernos por ejecutar: 0" in capsys.readouterr().out


def test_un_cuaderno_que_falla_no_se_guarda(guion, tmp_path: Path, monkeypatch) -> None:
    for variable in guion.HILOS:
        monkeypatch.setenv(variable, "2")
    _proyecto(tmp_path, {"roto": "assert False, 'a propósito'"})
    assert guion.main(["--raiz", str(tmp_path), "--procesos", "1"]) == 1
    assert len(guion.pendientes(tmp_path)) == 1


def test_procesos_mal_dados(guion, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        guion.main(["--raiz", str(tmp_path), "--procesos", "0"])
