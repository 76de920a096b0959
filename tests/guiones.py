"""Carga los guiones de ``scripts/`` como módulos, para probar sus funciones.

Los guiones no son un paquete (se ejecutan como ``python scripts/x.py``), así que las pruebas los
cargan desde su archivo. Se registran en ``sys.modules`` con su nombre: las *dataclasses* de un
guion buscan ahí su módulo.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"


def cargar_guion(nombre: str) -> ModuleType:
    """El guion ``scripts/<nombre>.py``, ejecutado como módulo llamado ``nombre``."""
    spec = importlib.util.spec_from_file_location(nombre, SCRIPTS / f"{nombre}.py")
    assert spec is not None and spec.loader is not None, f"no existe scripts/{nombre}.py"
    modulo = importlib.util.module_from_spec(spec)
    sys.modules[nombre] = modulo
    spec.loader.exec_module(modulo)
    return modulo
