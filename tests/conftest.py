"""Accesorios compartidos por las pruebas del libro."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

RAIZ = Path(__file__).resolve().parents[1]

# Las propiedades (hypothesis) prueban siempre los mismos ejemplos: la CI no puede ponerse roja por
# un sorteo nuevo. Para explorar otros: HYPOTHESIS_PROFILE=explorar pytest tests/test_propiedades_*
settings.register_profile("libro", derandomize=True)
settings.register_profile("explorar", derandomize=False, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "libro"))


@dataclass(frozen=True)
class Construccion:
    """Resultado de construir el libro: código de salida, registro y carpeta HTML."""

    returncode: int
    log: str
    html: Path


FUENTES = ("book", "notebooks", "genai_utils", "_config.yml", "_toc.yml")


def _fuente_mas_reciente() -> float:
    """Fecha de modificación del archivo fuente del libro más reciente."""
    fechas = []
    for nombre in FUENTES:
        ruta = RAIZ / nombre
        archivos = [ruta] if ruta.is_file() else [p for p in ruta.rglob("*") if p.is_file()]
        fechas += [p.stat().st_mtime for p in archivos if "_vendor" not in p.parts]
    return max(fechas)


def _construccion_guardada() -> Construccion | None:
    """La construcción de ``make construir`` si es posterior a todas las fuentes del libro."""
    registro, codigo = RAIZ / "_build/construccion.log", RAIZ / "_build/construccion.rc"
    if not (registro.exists() and codigo.exists()):
        return None
    if registro.stat().st_mtime < _fuente_mas_reciente():
        return None
    return Construccion(int(codigo.read_text().strip()), registro.read_text(encoding="utf-8"),
                        RAIZ / "_build/html")


@pytest.fixture(scope="session")
def libro() -> Construccion:
    """El libro construido en modo estricto, una sola vez.

    Si ``make construir`` (que relee todas las páginas con ``--all`` y guarda su registro en
    ``_build/construccion.log``) es posterior a todas las fuentes, se usa esa construcción: así la
    integración continua construye el libro una sola vez. Si no, se construye aquí igual: antes,
    ``scripts/invalidar_cache.py`` borra de la caché los cuadernos cuyas fuentes cambiaron, y los
    demás no se vuelven a ejecutar.
    """
    subprocess.run([sys.executable, str(RAIZ / "scripts/invalidar_cache.py")], cwd=RAIZ,
                   check=True, capture_output=True, text=True, timeout=600)
    subprocess.run([sys.executable, str(RAIZ / "scripts/exportar_demos.py")], cwd=RAIZ,
                   check=True, capture_output=True, text=True, timeout=900)
    guardada = _construccion_guardada()
    if guardada is not None:
        return guardada
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    orden = [str(jupyter_book), "build", ".", "-W", "-n", "--keep-going", "--all"]
    proceso = subprocess.run(orden, cwd=RAIZ, capture_output=True, text=True, timeout=1800)
    return Construccion(proceso.returncode, proceso.stdout + proceso.stderr, RAIZ / "_build/html")


@pytest.fixture(autouse=True)
def estado_global_intacto():
    """Guarda y repone el estado global que una prueba podría cambiar sin querer.

    Los generadores aleatorios de ``random``, NumPy y PyTorch, el número de hilos y el tipo de
    coma flotante por defecto de PyTorch: así el resultado de una prueba no depende de cuáles
    se ejecutaron antes. Solo se guarda lo de los módulos ya importados (importar PyTorch cuesta
    segundos y muchas pruebas no lo necesitan).
    """
    import random

    estado_random = random.getstate()
    numpy = sys.modules.get("numpy")
    estado_numpy = numpy.random.get_state() if numpy is not None else None
    torch = sys.modules.get("torch")
    if torch is not None:
        estado_torch = (torch.random.get_rng_state(), torch.get_num_threads(),
                        torch.get_default_dtype())
    yield
    random.setstate(estado_random)
    if estado_numpy is not None:
        numpy.random.set_state(estado_numpy)
    if torch is not None:
        rng, hilos, dtype = estado_torch
        torch.random.set_rng_state(rng)
        torch.set_num_threads(hilos)
        torch.set_default_dtype(dtype)
