"""Prueba de la lectura de tiempos desde la caché de ejecución (`medir_cuadernos --desde-cache`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from guiones import cargar_guion

RAIZ = Path(__file__).resolve().parents[1]


def _guion():
    return cargar_guion("medir_cuadernos")


def _cuaderno(ruta: Path, codigo: str) -> None:
    celdas = [{"cell_type": "code", "id": "a", "metadata": {}, "source": [codigo], "outputs": [],
               "execution_count": None}]
    datos = {"cells": celdas, "metadata": {"kernelspec": {"name": "python3", "display_name": "P",
                                                           "language": "python"}},
             "nbformat": 4, "nbformat_minor": 5}
    ruta.write_text(json.dumps(datos), encoding="utf-8")


def test_tiempo_de_la_cache_solo_para_el_codigo_actual(tmp_path: Path) -> None:
    from jupyter_cache import get_cache

    guion = _guion()
    guion.RAIZ = tmp_path
    cuaderno = tmp_path / "x.ipynb"
    _cuaderno(cuaderno, "print(1)")
    carpeta = tmp_path / ".jupyter_cache"
    get_cache(carpeta).cache_notebook_file(cuaderno, check_validity=False,
                                           data={"execution_seconds": 12.5})
    assert guion.cached_seconds(cuaderno, carpeta) == 12.5
    _cuaderno(cuaderno, "print(2)")  # otro código: la medida guardada ya no vale
    with pytest.raises(SystemExit, match="no tiene una ejecución"):
        guion.cached_seconds(cuaderno, carpeta)
