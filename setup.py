"""Construcción del paquete: antes de copiar los módulos, escribe la copia de la prosa del libro.

Toda la configuración está en ``pyproject.toml``; este archivo solo añade un paso a ``build_py``:
ejecutar ``scripts/empaquetar_libro.py``, que deja ``genai_utils/datos/libro.zip``. Así, también
``pip install git+<repositorio>`` (lo que hace la primera celda de cada cuaderno en Colab) instala
un paquete con el que los cuadernos que leen el libro funcionan fuera del repositorio. Si el
libro no está (al construir desde un paquete ya hecho), el paso no hace nada.
"""

import runpy
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RAIZ = Path(__file__).resolve().parent


class BuildPyWithBook(build_py):
    def run(self) -> None:
        script = RAIZ / "scripts" / "empaquetar_libro.py"
        if script.is_file() and (RAIZ / "book").is_dir():
            runpy.run_path(str(script), run_name="__main__")
        super().run()


setup(cmdclass={"build_py": BuildPyWithBook})
