"""Ejecuta en paralelo los cuadernos que la caché de ejecución aún no tiene.

Jupyter Book (myst-nb, modo ``cache``) ejecuta los cuadernos de uno en uno mientras lee las
páginas. Casi todos entrenan con un solo hilo (``limit_threads(1)``), así que en una máquina de
dos núcleos la mitad de la CPU queda ociosa. Este guion, que ``make construir`` ejecuta antes de
construir, hace el mismo trabajo que myst-nb, pero con varios procesos a la vez:

* para cada cuaderno de ``notebooks/`` sin una ejecución válida en la caché
  (``_build/.jupyter_cache``), lo ejecuta con los mismos ajustes que la construcción: en su
  carpeta, con el plazo por celda de ``_config.yml`` y sin admitir errores;
* guarda el resultado en la caché, donde la construcción lo encuentra («Using cached notebook»)
  y ya no ejecuta nada.

Con varios procesos, cada núcleo de Jupyter usa **un solo hilo** (``OMP_NUM_THREADS=1``): dos
cuadernos con dos hilos cada uno en dos núcleos de CPU se estorban tanto (los hilos de OpenMP
esperan girando) que un entrenamiento de un minuto pasa de cinco. ``make cuadernos`` valida con
nbval con el mismo ajuste, así que las salidas comparadas salen de la misma aritmética.

Un cuaderno que falla no se guarda: la construcción lo ejecutará de nuevo y mostrará el error
en su registro, como siempre. El guion termina con código 1 si alguno falló.

Uso: ``python scripts/ejecutar_cuadernos.py [--procesos N] [--raiz RUTA]``.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import nbformat
import yaml
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from jupyter_cache.executors.utils import single_nb_execution

from genai_utils.report import fmt_num

RAIZ = Path(__file__).resolve().parents[1]
CACHE = Path("_build") / ".jupyter_cache"
HILOS = ("OMP_NUM_THREADS", "MKL_NUM_THREADS")  # las bibliotecas de hilos de PyTorch


def ajustes_de_ejecucion(raiz: Path) -> tuple[int, bool]:
    """El plazo por celda y si se admiten errores (sección ``execute`` de ``_config.yml``)."""
    config = yaml.safe_load((raiz / "_config.yml").read_text(encoding="utf-8"))
    execute = config.get("execute", {}) or {}
    return int(execute.get("timeout", 30)), bool(execute.get("allow_errors", False))


def pendientes(raiz: Path) -> list[Path]:
    """Los cuadernos de ``notebooks/`` que la caché no tiene ejecutados con su código actual."""
    cache = get_cache(str(raiz / CACHE))
    faltan = []
    for ruta in sorted((raiz / "notebooks").glob("*.ipynb")):
        cuaderno = nbformat.read(ruta, as_version=4)
        try:
            cache.match_cache_notebook(cuaderno)
        except KeyError:
            faltan.append(ruta)
    return faltan


def tiempos_previos(raiz: Path) -> dict[str, float]:
    """Los segundos de cada cuaderno en la tabla del libro (``book/tiempos_cuadernos.md``).

    Sirven para empezar por los más largos: así los dos procesos terminan a la vez.
    """
    tabla = raiz / "book" / "tiempos_cuadernos.md"
    if not tabla.is_file():
        return {}
    filas = re.findall(r"`(notebooks/[^`]+\.ipynb)` \| (\d+) s", tabla.read_text(encoding="utf-8"))
    return {archivo: float(segundos) for archivo, segundos in filas}


def ejecutar(ruta: Path, timeout: int, allow_errors: bool) -> tuple[Path, object, float, str]:
    """Ejecuta un cuaderno en su carpeta; devuelve la ruta, el cuaderno ejecutado, los segundos
    y el texto del error (vacío si terminó bien)."""
    cuaderno = nbformat.read(ruta, as_version=4)
    resultado = single_nb_execution(
        cuaderno,
        cwd=str(ruta.parent),
        timeout=timeout,
        allow_errors=allow_errors,
        meta_override=True,
    )
    return ruta, cuaderno, resultado.time, resultado.exc_string or ""


def guardar(raiz: Path, ruta: Path, cuaderno: object, segundos: float) -> None:
    """Guarda en la caché la ejecución de ``ruta``, como lo haría myst-nb al construir."""
    cache = get_cache(str(raiz / CACHE))
    registro = cache.add_nb_to_project(str(ruta))
    cache.cache_notebook_bundle(
        CacheBundleIn(cuaderno, registro.uri, data={"execution_seconds": segundos}),
        check_validity=False,
        overwrite=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procesos", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--raiz", type=Path, default=RAIZ)
    args = parser.parse_args(argv)
    if args.procesos < 1:
        parser.error(f"--procesos debe ser un entero ≥ 1; se recibió {args.procesos}.")
    raiz = args.raiz.resolve()
    timeout, allow_errors = ajustes_de_ejecucion(raiz)
    if args.procesos > 1:
        for variable in HILOS:
            os.environ[variable] = "1"  # los núcleos de Jupyter la heredan
    previos = tiempos_previos(raiz)
    faltan = sorted(pendientes(raiz), key=lambda r: -previos.get(r.relative_to(raiz).as_posix(), 0))
    print(f"Cuadernos por ejecutar: {len(faltan)}, con {args.procesos} procesos.", flush=True)
    inicio, fallos = time.perf_counter(), []
    with ProcessPoolExecutor(max_workers=args.procesos) as grupo:
        tareas = [grupo.submit(ejecutar, ruta, timeout, allow_errors) for ruta in faltan]
        for tarea in as_completed(tareas):
            ruta, cuaderno, segundos, error = tarea.result()
            nombre = ruta.relative_to(raiz)
            if error:
                fallos.append(nombre)
                print(f"FALLÓ {nombre} ({fmt_num(segundos, 0)} s):\n{error}", flush=True)
                continue
            guardar(raiz, ruta, cuaderno, segundos)
            print(f"{nombre}: {fmt_num(segundos, 1)} s", flush=True)
    total = fmt_num(time.perf_counter() - inicio, 0)
    print(f"Ejecución en paralelo: {total} s en total.", flush=True)
    return 1 if fallos else 0


if __name__ == "__main__":
    sys.exit(main())
