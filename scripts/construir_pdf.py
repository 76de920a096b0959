"""Construye la edición en PDF del libro: ``_build/latex/ia-generativa.pdf`` (``make pdf``).

Usa el constructor LaTeX de Jupyter Book (``jupyter-book build . --builder pdflatex``) en modo
estricto, como el sitio (``-W -n --keep-going``), con XeLaTeX y los ajustes de ``_config.yml``
(claves ``latex`` y ``latex_*``) y de ``scripts/edicion_pdf.py``. Antes, como ``make construir``,
borra de la caché la ejecución de los cuadernos cuyas fuentes cambiaron; los demás salen de la
caché sin ejecutarse. Después:

- guarda el registro en ``_build/pdf.log`` y el código de salida en ``_build/pdf.rc``;
- cuenta los caracteres que XeLaTeX no encontró en la letra («Missing character») y lo dice;
- si existe el sitio (``_build/html``), copia el PDF a ``_build/html/ia-generativa.pdf``: es el
  destino del enlace de descarga de la página «Cómo usar este libro»;
- escribe cuántas páginas tiene y cuánto tardó.

Uso::

    python scripts/construir_pdf.py
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
NOMBRE = "ia-generativa"
PDF = RAIZ / "_build" / "latex" / f"{NOMBRE}.pdf"
REGISTRO_LATEX = PDF.with_suffix(".log")
REGISTRO = RAIZ / "_build" / "pdf.log"
CODIGO = RAIZ / "_build" / "pdf.rc"
EN_EL_SITIO = RAIZ / "_build" / "html" / f"{NOMBRE}.pdf"


def caracteres_que_faltan(registro: str) -> list[str]:
    """Las líneas «Missing character» del registro de XeLaTeX, sin repetir."""
    return sorted(set(re.findall(r"Missing character: There is no .*", registro)))


def paginas(pdf: Path) -> int | None:
    """El número de páginas según ``pdfinfo`` (poppler-utils), o ``None`` si no está."""
    if shutil.which("pdfinfo") is None:
        return None
    salida = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    encontrado = re.search(r"^Pages:\s+(\d+)", salida, re.MULTILINE)
    return int(encontrado.group(1)) if encontrado else None


def construir() -> int:
    """Construye el PDF y devuelve el código de salida de Jupyter Book."""
    if shutil.which("xelatex") is None or shutil.which("latexmk") is None:
        print("Falta XeLaTeX o latexmk: instálalos con «bash scripts/instalar_sistema.sh» "
              "(paquetes de Debian/Ubuntu).", file=sys.stderr)
        return 1
    subprocess.run([sys.executable, str(RAIZ / "scripts/invalidar_cache.py")], cwd=RAIZ,
                   check=True)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    orden = [str(jupyter_book), "build", ".", "--builder", "pdflatex", "-W", "-n", "--keep-going"]
    REGISTRO.parent.mkdir(parents=True, exist_ok=True)
    # Una carpeta LaTeX limpia: latexmk recuerda los fallos de la vez anterior y, si el .tex no
    # cambió, no vuelve a intentarlo.
    shutil.rmtree(PDF.parent, ignore_errors=True)
    inicio = time.monotonic()
    with REGISTRO.open("w", encoding="utf-8") as registro:
        proceso = subprocess.run(orden, cwd=RAIZ, stdout=registro, stderr=subprocess.STDOUT,
                                 stdin=subprocess.DEVNULL)
    segundos = time.monotonic() - inicio
    codigo = proceso.returncode if PDF.exists() else (proceso.returncode or 1)
    CODIGO.write_text(f"{codigo}\n")
    texto = REGISTRO.read_text(encoding="utf-8", errors="replace")
    avisos = [linea for linea in texto.splitlines() if re.search(r"WARNING|ERROR", linea)
              and not linea.startswith("[IPKernelApp]")]
    if codigo != 0:
        print("\n".join(avisos[:40] + [f"… y {len(avisos) - 40} avisos más"] * (len(avisos) > 40)))
        print("\n".join(texto.splitlines()[-20:]))
        print(f"\nNo se pudo construir el PDF (código {codigo}, {len(avisos)} avisos); registro "
              f"completo en {REGISTRO.relative_to(RAIZ)}.", file=sys.stderr)
        return codigo
    for aviso in avisos:
        print(aviso)
    faltan = caracteres_que_faltan(
        REGISTRO_LATEX.read_text(encoding="utf-8", errors="replace")
        if REGISTRO_LATEX.exists() else "")
    for linea in faltan:
        print(f"Aviso de XeLaTeX: {linea}")
    if EN_EL_SITIO.parent.is_dir():
        shutil.copy2(PDF, EN_EL_SITIO)
        print(f"Copiado al sitio: {EN_EL_SITIO.relative_to(RAIZ)}")
    num = paginas(PDF)
    print(f"PDF: {PDF.relative_to(RAIZ)}, {num if num is not None else '?'} páginas, "
          f"{PDF.stat().st_size / 1e6:.1f} MB, {segundos:.0f} s "
          f"({len(avisos)} avisos de Sphinx, {len(faltan)} caracteres sin letra).")
    return 0


if __name__ == "__main__":
    sys.exit(construir())
