"""Comprueba que los cuadernos funcionan con el paquete instalado, lejos del repositorio.

Es lo que hace un lector en Colab o en su propia carpeta: ``pip install`` del paquete y abrir un
cuaderno. El guion

1. construye la rueda (*wheel*) del paquete en ``_build/dist`` (con la copia de la prosa del libro,
   ``genai_utils/datos/libro.zip``, que escribe ``scripts/empaquetar_libro.py``);
2. crea un entorno virtual nuevo en una carpeta temporal e instala en él solo esa rueda; las
   demás dependencias (PyTorch, Jupyter…) se toman de ``.venv`` con un archivo ``.pth``, que no
   trae el paquete del repositorio (su instalación editable no se activa por esa vía);
3. copia a otra carpeta temporal los cuadernos que leen el libro y los ejecuta allí, con
   ``GENAI_LIBRO_DIR`` sin definir, y falla si alguno falla o si ``genai_utils`` se importa desde
   el repositorio.

Uso::

    python scripts/probar_fuera_del_repo.py [cuaderno ...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
# Un cuaderno por cada manera de leer el libro: el corpus (n-gramas y BPE) y las páginas (RAG).
CUADERNOS = ("01_2_ngramas", "05_2_tokenizacion", "06_3_rag")


def run(cmd: list[str], **kwargs: object) -> None:
    print("$", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[arg-type]


def build_wheel() -> Path:
    run([sys.executable, str(RAIZ / "scripts/empaquetar_libro.py")])
    dist = RAIZ / "_build" / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(RAIZ)])
    shutil.rmtree(RAIZ / "build", ignore_errors=True)  # lo que deja setuptools al construir
    (wheel,) = dist.glob("genai_utils-*.whl")
    return wheel


def fresh_venv(folder: Path, wheel: Path) -> Path:
    run([sys.executable, "-m", "venv", str(folder)])
    python = folder / "bin" / "python"
    run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)])
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run([str(python), "-c", code], check=True, capture_output=True,
                          text=True).stdout.strip()
    Path(site, "dependencias_del_repo.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def check_import(python: Path, cwd: Path) -> None:
    where = subprocess.run([str(python), "-c", "import genai_utils; print(genai_utils.__file__)"],
                           check=True, capture_output=True, text=True, cwd=cwd).stdout.strip()
    print(f"genai_utils se importa desde {where}")
    if Path(where).resolve().is_relative_to(RAIZ):
        raise SystemExit("genai_utils se importa desde el repositorio, no desde la rueda.")


def main(names: list[str]) -> None:
    wheel = build_wheel()
    with tempfile.TemporaryDirectory(prefix="fuera-del-repo-") as tmp:
        python = fresh_venv(Path(tmp) / "venv", wheel)
        carpeta = Path(tmp) / "cuadernos"
        carpeta.mkdir()
        check_import(python, carpeta)
        env = {k: v for k, v in os.environ.items() if k not in ("GENAI_LIBRO_DIR", "PYTHONPATH")}
        env["PATH"] = f"{python.parent}{os.pathsep}{env.get('PATH', '')}"
        for name in names or CUADERNOS:
            shutil.copy(RAIZ / "notebooks" / f"{name}.ipynb", carpeta)
            start = time.perf_counter()
            run([str(python), "-m", "nbconvert", "--to", "notebook", "--execute",
                 "--ExecutePreprocessor.timeout=600", "--output", f"{name}.ejecutado.ipynb",
                 f"{name}.ipynb"], cwd=carpeta, env=env)
            print(f"{name}: ejecutado fuera del repositorio en {time.perf_counter() - start:.0f} s")
    print("Los cuadernos funcionan con el paquete instalado, fuera del repositorio.")


if __name__ == "__main__":
    main(sys.argv[1:])
