"""Utilidades del libro «IA generativa: un libro interactivo».

Cada módulo encierra una sola idea (datos, entrenamiento, gráficos, métricas, ejercicios…) y
se importa por separado, por ejemplo ``from genai_utils.data import load_digits``. Importar el
paquete no carga PyTorch ni fija semillas: no tiene efectos secundarios.
"""

__version__ = "0.1.0"
