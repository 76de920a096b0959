"""Escribe ``genai_utils/datos/libro.zip``: la prosa del libro que lleva el paquete instalado.

Contiene ``_toc.yml``, cada página ``book/**/*.md`` (sin las carpetas que empiezan por ``_`` o
``.``) y cada cuaderno ``notebooks/*.ipynb`` reducido a sus celdas de texto, que es todo lo que
leen :mod:`genai_utils.corpus` y :mod:`genai_utils.agents.retrieval`. Así, con el paquete
instalado y fuera del repositorio, los cuadernos que leen el libro funcionan igual
(:mod:`genai_utils.packaged_book`). El archivo es reproducible (fechas fijas, orden fijo): si el
libro no cambió, no cambia, y no se reescribe.

Uso::

    python scripts/empaquetar_libro.py
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
DESTINO = RAIZ / "genai_utils" / "datos" / "libro.zip"
FECHA = (2020, 1, 1, 0, 0, 0)


def _visible(path: Path, base: Path) -> bool:
    return not any(part.startswith(("_", ".")) for part in path.relative_to(base).parts)


def book_files() -> dict[str, bytes]:
    """``ruta relativa → contenido`` de todo lo que entra en la copia, en orden."""
    files = {"_toc.yml": (RAIZ / "_toc.yml").read_bytes()}
    for path in sorted((RAIZ / "book").rglob("*.md")):
        if _visible(path, RAIZ / "book"):
            files[path.relative_to(RAIZ).as_posix()] = path.read_bytes()
    for path in sorted((RAIZ / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        nb["cells"] = [
            {"cell_type": "markdown", "metadata": {}, "source": c["source"]}
            for c in nb["cells"] if c.get("cell_type") == "markdown"
        ]
        text = json.dumps(nb, ensure_ascii=False, indent=1) + "\n"
        files[path.relative_to(RAIZ).as_posix()] = text.encode("utf-8")
    return files


def build_archive(files: dict[str, bytes]) -> bytes:
    """El zip de ``files`` con fechas fijas: el mismo libro da siempre los mismos bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=FECHA)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return buffer.getvalue()


def main() -> None:
    data = build_archive(book_files())
    if DESTINO.is_file() and DESTINO.read_bytes() == data:
        print(f"La copia del libro no cambió ({DESTINO.relative_to(RAIZ)}).")
        return
    DESTINO.parent.mkdir(parents=True, exist_ok=True)
    tmp = DESTINO.with_suffix(".zip.tmp")
    tmp.write_bytes(data)
    tmp.replace(DESTINO)
    print(f"Copia del libro escrita en {DESTINO.relative_to(RAIZ)} ({len(data) / 1e6:.2f} MB).")


if __name__ == "__main__":
    main()
