"""Accesorios compartidos por las pruebas del libro."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

RAIZ = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Construccion:
    """Resultado de construir el libro: código de salida, registro y carpeta HTML."""

    returncode: int
    log: str
    html: Path


@pytest.fixture(scope="session")
def libro() -> Construccion:
    """Construye el libro en modo estricto una sola vez por sesión de pruebas.

    Usa ``--all`` para que Sphinx relea todas las páginas (y repita cualquier aviso); la caché
    de ejecución de los cuadernos se conserva, así que un cuaderno sin cambios no se reejecuta
    (antes, ``scripts/invalidar_cache.py`` borra la de los cuadernos cuyas fuentes cambiaron).
    """
    subprocess.run([sys.executable, str(RAIZ / "scripts/invalidar_cache.py")], cwd=RAIZ,
                   check=True, capture_output=True, text=True, timeout=600)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    orden = [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going", "--all"]
    proceso = subprocess.run(orden, cwd=RAIZ, capture_output=True, text=True, timeout=1800)
    return Construccion(proceso.returncode, proceso.stdout + proceso.stderr, RAIZ / "_build/html")
