"""Mide el tiempo de ejecución de cada cuaderno (con un núcleo de Jupyter recién iniciado) y escribe
la tabla del libro.

Uso: ``python scripts/medir_cuadernos.py [--salida book/tiempos_cuadernos.md] [--limite 120]``.
Ejecuta los cuadernos en el orden del índice, uno a uno, con nbclient (como lo haría un lector que
pulsa «Ejecutar todo»), y sale con error si alguno supera el límite. Con ``--desde-cache`` no
ejecuta nada: toma los segundos que midió la última construcción del libro (que también ejecuta
cada cuaderno con un núcleo de Jupyter recién iniciado, uno tras otro) de la caché
``_build/.jupyter_cache``, solo si la entrada corresponde al código actual del cuaderno. También
reescribe, en la cabecera de cada cuaderno, el párrafo que empieza por ``**Tiempo de ejecución
medido:**`` con el tiempo que acaba de medir, para que la cabecera y la tabla digan lo mismo.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

RAIZ = Path(__file__).resolve().parents[1]


def notebooks_in_toc() -> list[Path]:
    """Devuelve los cuadernos del índice ``_toc.yml``, en orden."""
    import yaml

    def walk(node: object) -> list[str]:
        if isinstance(node, dict):
            found = [node["file"]] if "file" in node else []
            return found + [f for value in node.values() for f in walk(value)]
        if isinstance(node, list):
            return [f for item in node for f in walk(item)]
        return []

    toc = yaml.safe_load((RAIZ / "_toc.yml").read_text(encoding="utf-8"))
    paths = [RAIZ / f"{name}.ipynb" for name in walk(toc)]
    return [p for p in paths if p.exists()]


def title_of(path: Path) -> str:
    """El primer encabezado ``# …`` del cuaderno."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def run_notebook(path: Path, timeout: int) -> float:
    """Ejecuta el cuaderno en un núcleo de Jupyter nuevo y devuelve los segundos que tardó."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


MARCA = "**Tiempo de ejecución medido:**"


def update_header(path: Path, seconds: float, cores: int) -> bool:
    """Reescribe el párrafo del tiempo medido en la primera celda de texto; dice si lo encontró."""
    nb = nbformat.read(path, as_version=4)
    cell = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if cell is None:
        return False
    paragraphs = cell.source.split("\n\n")
    for i, paragraph in enumerate(paragraphs):
        if paragraph.startswith(MARCA):
            paragraphs[i] = (f"{MARCA} {seconds:.0f} s con {cores} núcleos de CPU sin carga y un "
                             "núcleo de Jupyter recién iniciado (`make tiempos`; véase la "
                             "{ref}`tabla de tiempos <tiempos-cuadernos>`).")
            new_source = "\n\n".join(paragraphs)
            if new_source != cell.source:
                cell.source = new_source
                nbformat.write(nb, path)
            return True
    return False


def cpu_name() -> str:
    """El modelo de procesador, si el sistema lo dice."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "desconocido"


def table(rows: list[tuple[Path, float]], how: str = "con `make tiempos`") -> str:
    """La tabla en markdown, con la máquina y la fecha de la medición."""
    lines = ["| Cuaderno | Archivo | Tiempo medido |", "|---|---|---:|"]
    for path, seconds in rows:
        lines.append(f"| {title_of(path)} | `{path.relative_to(RAIZ)}` | {seconds:.0f} s |")
    total = sum(seconds for _, seconds in rows)
    lines.append(f"| **Total** | | **{total:.0f} s** |")
    machine = (f"{os.cpu_count()} núcleos de CPU ({cpu_name()}), sin GPU, Python "
               f"{platform.python_version()}")
    lines += ["", f"Medido el {dt.date.today():%d/%m/%Y} en una máquina de {machine}, "
              f"ejecutando cada cuaderno con un núcleo de Jupyter recién iniciado {how}."]
    return "\n".join(lines) + "\n"


def cached_seconds(path: Path, cache_dir: Path) -> float:
    """Segundos de la ejecución guardada en la caché para el código actual de ``path``."""
    from jupyter_cache import get_cache

    try:
        record = get_cache(cache_dir).match_cache_notebook(nbformat.read(path, as_version=4))
    except KeyError:
        raise SystemExit(
            f"{path.relative_to(RAIZ)} no tiene una ejecución en la caché para su código actual: "
            "construye el libro (make construir) o mide sin --desde-cache."
        ) from None
    return float(record.data["execution_seconds"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--salida", type=Path, default=RAIZ / "book/tiempos_cuadernos.md")
    parser.add_argument("--limite", type=float, default=120.0)
    parser.add_argument("--desde-cache", action="store_true",
                        help="usar los tiempos de la última construcción en vez de ejecutar")
    args = parser.parse_args()
    rows = []
    for path in notebooks_in_toc():
        if args.desde_cache:
            seconds = cached_seconds(path, RAIZ / "_build" / ".jupyter_cache")
        else:
            seconds = run_notebook(path, timeout=int(args.limite * 3))
        print(f"{path.relative_to(RAIZ)}: {seconds:.1f} s", flush=True)
        rows.append((path, seconds))
    how = ("en la construcción del libro (`medir_cuadernos.py --desde-cache`)" if args.desde_cache
           else "con `make tiempos`")
    args.salida.write_text(table(rows, how), encoding="utf-8")
    for path, seconds in rows:
        if not update_header(path, seconds, os.cpu_count() or 1):
            print(f"{path.name}: su cabecera no tiene el párrafo «{MARCA}»", file=sys.stderr)
    slow = [p.name for p, s in rows if s > args.limite]
    if slow:
        print(f"Superan el límite de {args.limite:.0f} s: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
