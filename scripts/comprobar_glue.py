"""Comprueba que cada cifra pegada con ``glue`` en la prosa existe en el cuaderno ejecutado.

Recorre las páginas ``book/**/*.md`` y las celdas de texto de ``notebooks/*.ipynb``, busca los
roles ``{glue:text}`clave``` / ``{glue}`clave``` (y ``/ruta.ipynb::clave:s`` para pegar desde otro
cuaderno) y las directivas ``{glue:figure}``, y comprueba que la clave aparece en la versión
ejecutada del cuaderno. Desde otro documento, el rol ``{glue:text}`` necesita el formato final
(``:s``): myst-nb separa el formato por el último «:», y sin él tomaría la clave por formato.
Es la misma comprobación que hace la construcción estricta, pero en segundos y sin construir el
libro: sirve para revisar un cuaderno recién ejecutado a mano.

Uso::

    python scripts/comprobar_glue.py                       # cuadernos de _build/jupyter_execute
    python scripts/comprobar_glue.py --ejecutados /tmp/ej  # cuadernos ejecutados en otra carpeta

Sale con código 1 si falta alguna clave (o algún cuaderno ejecutado que se cite).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
_ROL = re.compile(r"\{glue(?::(?:text|any|md|math))?\}`(?P<cuerpo>[^`]+)`")
_FIGURA = re.compile(r"^\s*[`:]{3,}\{glue(?::figure|:math|:md)?\}\s+(?P<cuerpo>\S+)", re.M)


def referencias(texto: str) -> list[str]:
    """Los cuerpos de los roles y directivas ``glue`` de un texto (``clave`` o ``ruta::clave``)."""
    cuerpos = [m["cuerpo"] for m in _ROL.finditer(texto)]
    cuerpos += [m["cuerpo"] for m in _FIGURA.finditer(texto)]
    return cuerpos


def separar(cuerpo: str, origen: Path) -> tuple[Path, str]:
    """Cuaderno y clave de una referencia.

    La ruta es relativa a ``origen`` o, si empieza por «/», a la raíz del libro.
    """
    if "::" in cuerpo:
        ruta, clave = cuerpo.split("::", 1)
        destino = RAIZ / ruta.lstrip("/") if ruta.startswith("/") else origen.parent / ruta
    else:
        destino, clave = origen, cuerpo
    clave = clave.split(":", 1)[0]  # quita el formato («:.2f»)
    return destino.resolve(), clave


def claves_pegadas(cuaderno: Path) -> set[str]:
    """Las claves que guardó ``glue`` en las salidas de un cuaderno ejecutado.

    La construcción del libro quita esas salidas del cuaderno y las guarda al lado, en
    ``NOMBRE.glue.json``: si existe, también se lee.
    """
    datos = json.loads(cuaderno.read_text(encoding="utf-8"))
    aparte = cuaderno.with_suffix(".glue.json")
    claves = set(json.loads(aparte.read_text(encoding="utf-8"))) if aparte.is_file() else set()
    for celda in datos["cells"]:
        for salida in celda.get("outputs", []):
            nombre = salida.get("metadata", {}).get("scrapbook", {}).get("name")
            if nombre:
                claves.add(nombre)
    return claves


def fuentes() -> list[tuple[Path, str]]:
    """(archivo, texto) de cada página del libro y de la prosa de cada cuaderno."""
    salida = [(p, p.read_text(encoding="utf-8")) for p in sorted((RAIZ / "book").rglob("*.md"))]
    for cuaderno in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        celdas = json.loads(cuaderno.read_text(encoding="utf-8"))["cells"]
        texto = "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "markdown")
        salida.append((cuaderno, texto))
    return salida


def comprobar(ejecutados: Path, prefijo: str = "") -> list[str]:
    """Lista de problemas: claves citadas que no están en su cuaderno ejecutado.

    Con ``prefijo`` (p. ej. ``"05_"``) solo se miran las referencias a esos cuadernos.
    """
    problemas, cache = [], {}
    for origen, texto in fuentes():
        for cuerpo in referencias(texto):
            destino, clave = separar(cuerpo, origen)
            if not destino.name.startswith(prefijo):
                continue
            sitio = origen.relative_to(RAIZ)
            if "::" in cuerpo and ":" not in cuerpo.split("::", 1)[1]:
                problemas.append(f"{sitio}: {cuerpo!r} necesita el formato final «:s»")
            if destino.suffix != ".ipynb":
                problemas.append(f"{sitio}: {cuerpo!r} no apunta a un cuaderno")
                continue
            ejecutado = ejecutados / destino.name
            if ejecutado not in cache:
                cache[ejecutado] = claves_pegadas(ejecutado) if ejecutado.exists() else None
            if cache[ejecutado] is None:
                problemas.append(f"{sitio}: falta el cuaderno ejecutado {ejecutado}")
            elif clave not in cache[ejecutado]:
                problemas.append(f"{sitio}: la clave {clave!r} no está en {destino.name}")
    return problemas


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ejecutados", type=Path, help="carpeta con los cuadernos ejecutados",
                        default=RAIZ / "_build/jupyter_execute/notebooks")
    parser.add_argument("--prefijo", default="",
                        help="solo los cuadernos que empiezan así (p. ej. 05_)")
    args = parser.parse_args()
    problemas = comprobar(args.ejecutados, args.prefijo)
    for problema in problemas:
        print(problema)
    print(f"{len(problemas)} problemas" if problemas else "Todas las cifras pegadas existen.")
    return 1 if problemas else 0


if __name__ == "__main__":
    sys.exit(main())
