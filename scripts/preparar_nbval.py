"""Prepara los cuadernos que compara nbval: los de la construcción, con sus cifras pegadas.

La construcción guarda cada cuaderno ejecutado en ``_build/jupyter_execute/notebooks``, pero
myst-nb les quita las salidas de ``glue`` (las guarda aparte, en ``*.glue.json``). nbval vuelve a
ejecutar el cuaderno y compara salida por salida: al volver a pegar las cifras, encontraría salidas
«inesperadas» y fallaría. Este guion sustituye cada copia por la ejecución completa guardada en la
caché (``_build/.jupyter_cache``), con las salidas de ``glue`` en su sitio, así que nbval también
comprueba que cada cifra pegada se reproduce.

Uso: ``python scripts/preparar_nbval.py`` (después de construir el libro).
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from jupyter_cache import get_cache

RAIZ = Path(__file__).resolve().parents[1]


def preparar(raiz: Path = RAIZ) -> list[str]:
    """Escribe las ejecuciones completas; devuelve los cuadernos sin ejecución en la caché."""
    cache = get_cache(raiz / "_build" / ".jupyter_cache")
    destino = raiz / "_build" / "jupyter_execute" / "notebooks"
    destino.mkdir(parents=True, exist_ok=True)
    faltan = []
    for cuaderno in sorted((raiz / "notebooks").glob("*.ipynb")):
        try:
            _, completo = cache.merge_match_into_notebook(nbformat.read(cuaderno, as_version=4))
        except KeyError:
            faltan.append(cuaderno.name)
            continue
        nbformat.write(completo, destino / cuaderno.name)
    return faltan


def main() -> int:
    faltan = preparar()
    if faltan:
        print("Sin ejecución en la caché (construye antes el libro): " + ", ".join(faltan),
              file=sys.stderr)
        return 1
    print("Cuadernos listos para nbval, con sus cifras pegadas.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
