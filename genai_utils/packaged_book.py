"""La copia de la prosa del libro que viaja dentro del paquete instalado.

Varios cuadernos leen el propio libro: los n-gramas y el GPT se entrenan con su prosa, el RAG
busca en sus páginas. En el repositorio, :func:`genai_utils.corpus.find_book_root` encuentra la
carpeta del libro subiendo desde el cuaderno. Fuera de él (``pip install`` en Colab o en otra
carpeta) no hay tal carpeta; por eso el paquete lleva ``datos/libro.zip``, con ``_toc.yml``, las
páginas ``book/**/*.md`` y el texto de los cuadernos (solo sus celdas de texto), que
``scripts/empaquetar_libro.py`` escribe en cada construcción.

:func:`packaged_book_root` descomprime esa copia una sola vez en la caché del paquete
(``~/.cache/genai_utils`` o ``GENAI_CACHE_DIR``), en una carpeta con la huella del archivo, y
devuelve su ruta, que tiene la misma forma que la raíz del repositorio.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

__all__ = ["PACKAGED_BOOK", "packaged_book_root"]

PACKAGED_BOOK = Path(__file__).parent / "datos" / "libro.zip"
_DONE = ".completo"


def _cache_base() -> Path:
    env = os.environ.get("GENAI_CACHE_DIR")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "genai_utils"


def packaged_book_root(archive: Path = PACKAGED_BOOK) -> Path | None:
    """Carpeta con la copia del libro del paquete, descomprimida; ``None`` si no hay copia.

    Se descomprime en una carpeta temporal junto al destino y se renombra al terminar, así que
    una descompresión interrumpida nunca se confunde con una copia completa.
    """
    if not archive.is_file():
        return None
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = _cache_base() / f"libro-{digest}"
    if (target / _DONE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".libro-", dir=target.parent))
    try:
        with zipfile.ZipFile(archive) as zf:
            _extract_safely(zf, tmp)
        (tmp / _DONE).write_text(digest, encoding="utf-8")
        if target.exists():  # una copia a medias de un intento anterior: la creó este módulo
            shutil.rmtree(target)
        tmp.rename(target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return target


def _extract_safely(zf: zipfile.ZipFile, dest: Path) -> None:
    """Extrae ``zf`` en ``dest``; se niega si alguna ruta saldría de ella (``..``, absolutas)."""
    for name in zf.namelist():
        path = (dest / name).resolve()
        if not path.is_relative_to(dest.resolve()):
            raise ValueError(f"La copia del libro contiene una ruta no válida: «{name}».")
    zf.extractall(dest)
