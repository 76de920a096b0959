"""La celda de Colab: al día en cada cuaderno, inerte fuera de Colab, instala el paquete dentro."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
import yaml
from guiones import cargar_guion

RAIZ = Path(__file__).resolve().parents[1]
CUADERNOS = sorted((RAIZ / "notebooks").glob("*.ipynb"))


def _guion():
    return cargar_guion("celda_colab")


@pytest.mark.parametrize("ruta", CUADERNOS, ids=lambda r: r.stem)
def test_la_primera_celda_de_codigo_es_la_de_colab(ruta: Path) -> None:
    guion = _guion()
    celdas = json.loads(ruta.read_text(encoding="utf-8"))["cells"]
    primera = next(c for c in celdas if c["cell_type"] == "code")
    assert primera["id"] == "colab", "ejecuta scripts/celda_colab.py"
    assert primera["source"] == guion.colab_source(guion.repository_url())
    assert sum(c.get("id") == "colab" for c in celdas) == 1


def _ejecutar(codigo: str, monkeypatch: pytest.MonkeyPatch, en_colab: bool) -> list[list[str]]:
    llamadas: list[list[str]] = []
    monkeypatch.setattr(subprocess, "run", lambda orden, **_: llamadas.append(orden))
    if en_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
        real = importlib.util.find_spec

        def sin_paquete(nombre: str, *resto):  # en Colab, genai_utils aún no está instalado
            return None if nombre == "genai_utils" else real(nombre, *resto)

        monkeypatch.setattr(importlib.util, "find_spec", sin_paquete)
    exec(compile(codigo, "celda_colab", "exec"), {})
    return llamadas


def test_fuera_de_colab_no_hace_nada(monkeypatch: pytest.MonkeyPatch) -> None:
    guion = _guion()
    codigo = "".join(guion.colab_source(guion.repository_url()))
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert _ejecutar(codigo, monkeypatch, en_colab=False) == []


def test_en_colab_instala_el_paquete_del_repositorio(monkeypatch: pytest.MonkeyPatch) -> None:
    guion = _guion()
    url = guion.repository_url()
    llamadas = _ejecutar("".join(guion.colab_source(url)), monkeypatch, en_colab=True)
    assert len(llamadas) == 1
    assert llamadas[0][1:4] == ["-m", "pip", "install"] and llamadas[0][-1] == f"git+{url}"


def test_el_guion_deja_los_cuadernos_igual_si_ya_estan_al_dia() -> None:
    assert _guion().main(["--comprobar"]) == 0


def test_sin_boton_de_jupyterhub_de_ejemplo() -> None:
    config = yaml.safe_load((RAIZ / "_config.yml").read_text(encoding="utf-8"))
    botones = config.get("launch_buttons", {})
    url = botones.get("jupyterhub_url", "")
    assert not url or "tu-universidad" not in url, "jupyterhub_url solo si está configurado"
    assert botones.get("binderhub_url") == "https://mybinder.org"
    assert config["repository"]["url"].startswith("https://github.com/")
