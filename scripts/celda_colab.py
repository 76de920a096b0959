"""Pone (o pone al día) en cada cuaderno la celda que instala el paquete del libro en Colab.

La celda es la primera de código de cada cuaderno y solo actúa en Google Colab: allí el paquete
``genai_utils`` (con sus datos y la prosa del libro) no está instalado, y la celda lo instala desde
el repositorio de ``_config.yml``. En tu equipo, en Binder o en la CI no hace nada, así que nada
se descarga al ejecutar el cuaderno. Uso: ``python scripts/celda_colab.py`` (``--comprobar`` solo
dice qué cuadernos no la tienen al día, y termina con 1 si hay alguno).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

RAIZ = Path(__file__).resolve().parents[1]
ID_CELDA = "colab"


def repository_url(raiz: Path = RAIZ) -> str:
    """La dirección del repositorio que declara ``_config.yml`` (la de los botones del sitio)."""
    config = yaml.safe_load((raiz / "_config.yml").read_text(encoding="utf-8"))
    return str(config["repository"]["url"]).rstrip("/")


def colab_source(url: str) -> list[str]:
    """El texto de la celda, línea a línea, como lo guarda un cuaderno."""
    lineas = [
        "# Solo en Google Colab: instala el paquete del libro (genai_utils, con datos y prosa).",
        "# En tu equipo, en Binder o en la CI ya está instalado y esta celda no hace nada.",
        "import importlib.util",
        "import sys",
        "",
        'if "google.colab" in sys.modules and importlib.util.find_spec("genai_utils") is None:',
        "    import subprocess",
        "",
        '    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",',
        f'                    "git+{url}"], check=True)',
    ]
    return [linea + "\n" for linea in lineas[:-1]] + [lineas[-1]]


def _celda(url: str) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": ID_CELDA,
            "metadata": {"tags": ["hide-input"]}, "outputs": [], "source": colab_source(url)}


def with_colab_cell(cuaderno: dict, url: str) -> dict:
    """El cuaderno con la celda de Colab como primera celda de código (tras el título)."""
    celdas = [c for c in cuaderno["cells"] if c.get("id") != ID_CELDA]
    primera_de_codigo = next((i for i, c in enumerate(celdas) if c["cell_type"] == "code"),
                             len(celdas))
    celdas.insert(primera_de_codigo, _celda(url))
    return {**cuaderno, "cells": celdas}


def _escribir(ruta: Path, cuaderno: dict) -> None:
    ruta.write_text(json.dumps(cuaderno, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comprobar", action="store_true", help="no escribe; dice qué falta")
    args = parser.parse_args(argv)
    url = repository_url()
    pendientes = []
    for ruta in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        cuaderno = json.loads(ruta.read_text(encoding="utf-8"))
        nuevo = with_colab_cell(cuaderno, url)
        if nuevo != cuaderno:
            pendientes.append(ruta.name)
            if not args.comprobar:
                _escribir(ruta, nuevo)
    verbo = "sin la celda de Colab al día" if args.comprobar else "actualizados"
    lista = f": {', '.join(pendientes)}" if pendientes else ""
    print(f"{len(pendientes)} cuadernos {verbo}{lista}")
    return 1 if args.comprobar and pendientes else 0


if __name__ == "__main__":
    sys.exit(main())
