"""Invalida la ejecución guardada de los cuadernos cuyas fuentes cambiaron.

La caché de ejecución de Jupyter Book (jupyter-cache) identifica un cuaderno por el texto de sus
celdas de código: si cambia ``genai_utils/`` o la prosa que un cuaderno lee (el corpus del libro),
la caché seguiría sirviendo resultados viejos. Este guion, que ``make construir`` ejecuta antes de
construir, calcula para cada cuaderno una huella de lo que de verdad determina su resultado:

* los módulos de ``genai_utils`` que importa, con los que estos importan a su vez;
* los archivos de datos del paquete (todo lo que no es ``.py`` dentro de ``genai_utils/``);
* si alguno de esos módulos lee el libro (``genai_utils/corpus.py``), la prosa de todas las
  páginas ``book/**/*.md`` y de todos los cuadernos (salvo lo que el corpus no lee: la tabla de
  tiempos y la línea del tiempo medido de cada cabecera, que reescribe ``make tiempos``).

Guarda las huellas en ``_build/.jupyter_cache/huellas.json``. Cuando la de un cuaderno cambia (o
no había ninguna), borra sus entradas de la caché y actualiza la fecha del cuaderno para que
Sphinx lo vuelva a leer: la construcción lo ejecuta de nuevo.

Uso: ``python scripts/invalidar_cache.py [--raiz RUTA] [--comprobar]`` (``--comprobar`` solo
lista los cuadernos afectados, sin tocar nada).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from genai_utils.corpus import GENERATED_PAGES

RAIZ = Path(__file__).resolve().parents[1]
PAQUETE = "genai_utils"
LECTOR_DEL_LIBRO = "genai_utils/corpus.py"
LIBRO_EMPAQUETADO = "datos/libro.zip"
MARCA_TIEMPO = "**Tiempo de ejecución medido:**"


def modulo_a_archivo(nombre: str, raiz: Path) -> Path | None:
    """Archivo de un módulo ``genai_utils.x.y`` (``x/y.py`` o ``x/y/__init__.py``), si existe."""
    base = raiz.joinpath(*nombre.split("."))
    for candidato in (base.with_suffix(".py"), base / "__init__.py"):
        if candidato.is_file():
            return candidato
    return None


def importaciones(codigo: str, modulo: str = "") -> set[str]:
    """Los módulos de ``genai_utils`` que importa un código (también ``from x import submódulo``).

    ``modulo`` es el nombre del módulo que contiene el código, para resolver importaciones
    relativas. El código que no es Python válido (una celda con ``%magia``) se ignora.
    """
    try:
        arbol = ast.parse(codigo)
    except SyntaxError:
        return set()
    nombres: set[str] = set()
    for nodo in ast.walk(arbol):
        if isinstance(nodo, ast.Import):
            nombres.update(a.name for a in nodo.names)
        elif isinstance(nodo, ast.ImportFrom):
            base = nodo.module or ""
            if nodo.level:
                partes = modulo.split(".")[: -nodo.level]
                base = ".".join([*partes, base] if base else partes)
            nombres.add(base)
            nombres.update(f"{base}.{a.name}" for a in nodo.names)
    return {n for n in nombres if n == PAQUETE or n.startswith(PAQUETE + ".")}


def cierre(modulos: Iterable[str], raiz: Path) -> set[Path]:
    """Archivos de los módulos dados y de todos los que importan, recursivamente."""
    pendientes, vistos = list(modulos), set()
    archivos: set[Path] = set()
    while pendientes:
        nombre = pendientes.pop()
        if nombre in vistos:
            continue
        vistos.add(nombre)
        # Importar genai_utils.x.y ejecuta también genai_utils/__init__.py y x/__init__.py.
        partes = nombre.split(".")
        pendientes.extend(".".join(partes[:i]) for i in range(1, len(partes)))
        archivo = modulo_a_archivo(nombre, raiz)
        if archivo is None or archivo in archivos:
            continue
        archivos.add(archivo)
        pendientes.extend(importaciones(archivo.read_text(encoding="utf-8"), nombre))
    return archivos


def codigo_del_cuaderno(cuaderno: Path) -> str:
    celdas = json.loads(cuaderno.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "code")


def dependencias(cuaderno: Path, raiz: Path = RAIZ) -> list[Path]:
    """Los archivos que determinan el resultado de ``cuaderno``, además de su propio código."""
    archivos = cierre(importaciones(codigo_del_cuaderno(cuaderno)), raiz)
    paquete = raiz / PAQUETE
    # La copia empaquetada de la prosa (datos/libro.zip) no cuenta como dato: la escribe
    # empaquetar_libro.py desde book/ y los cuadernos, y quien lee el libro ya depende de esas
    # fuentes (abajo). Contarla haría que cualquier cambio de prosa ejecutase los 22 cuadernos.
    archivos |= {p for p in paquete.rglob("*") if p.is_file() and p.suffix not in {".py", ".pyc"}
                 and "__pycache__" not in p.parts and p != paquete / LIBRO_EMPAQUETADO}
    if (raiz / LECTOR_DEL_LIBRO) in archivos:
        paginas = {p for p in (raiz / "book").rglob("*.md")
                   if p.relative_to(raiz).as_posix() not in GENERATED_PAGES}
        archivos |= paginas | set((raiz / "notebooks").glob("*.ipynb"))
    return sorted(archivos)


def _prosa(archivo: Path) -> bytes:
    """Lo que cuenta de un archivo: la prosa de un cuaderno (no sus salidas) o el archivo entero."""
    if archivo.suffix != ".ipynb":
        return archivo.read_bytes()
    celdas = json.loads(archivo.read_text(encoding="utf-8"))["cells"]
    prosa = "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "markdown")
    # La línea del tiempo medido la reescribe `make tiempos` y el corpus no la lee.
    lineas = [linea for linea in prosa.split("\n") if not linea.startswith(MARCA_TIEMPO)]
    return "\n".join(lineas).encode()


def huella(archivos: Iterable[Path], raiz: Path = RAIZ) -> str:
    resumen = hashlib.sha256()
    for archivo in archivos:
        resumen.update(archivo.relative_to(raiz).as_posix().encode() + b"\0")
        resumen.update(hashlib.sha256(_prosa(archivo)).digest())
    return resumen.hexdigest()


def huellas(raiz: Path = RAIZ) -> dict[str, str]:
    """``ruta del cuaderno → huella`` de todos los cuadernos de ``notebooks/``."""
    return {c.relative_to(raiz).as_posix(): huella(dependencias(c, raiz), raiz)
            for c in sorted((raiz / "notebooks").glob("*.ipynb"))}


def invalidar(raiz: Path, cuadernos: Iterable[str]) -> int:
    """Borra de la caché las ejecuciones de ``cuadernos`` y les cambia la fecha.

    Devuelve cuántas ejecuciones se borraron.
    """
    cuadernos = set(cuadernos)
    carpeta = raiz / "_build" / ".jupyter_cache"
    borradas = 0
    if carpeta.is_dir():
        from jupyter_cache import get_cache

        cache = get_cache(carpeta)
        for registro in cache.list_cache_records():
            ruta = Path(registro.uri)
            ruta = ruta if ruta.is_absolute() else raiz / ruta
            relativa = ruta.relative_to(raiz).as_posix() if ruta.is_relative_to(raiz) else ""
            if relativa in cuadernos:
                cache.remove_cache(registro.pk)
                borradas += 1
    for cuaderno in cuadernos:
        os.utime(raiz / cuaderno)  # Sphinx relee un documento cuya fecha cambió
    return borradas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--raiz", type=Path, default=RAIZ, help="raíz del libro")
    parser.add_argument("--comprobar", action="store_true", help="solo listar, sin invalidar")
    args = parser.parse_args()
    raiz = args.raiz.resolve()
    archivo = raiz / "_build" / ".jupyter_cache" / "huellas.json"
    antiguas = json.loads(archivo.read_text(encoding="utf-8")) if archivo.is_file() else {}
    nuevas = huellas(raiz)
    cambiados = sorted(c for c, h in nuevas.items() if antiguas.get(c) != h)
    if args.comprobar:
        print("\n".join(cambiados) or "Ningún cuaderno tiene fuentes nuevas.")
        return 0
    borradas = invalidar(raiz, cambiados)
    archivo.parent.mkdir(parents=True, exist_ok=True)
    archivo.write_text(json.dumps(nuevas, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"Caché: {len(cambiados)} cuadernos con fuentes nuevas, {borradas} ejecuciones borradas.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
