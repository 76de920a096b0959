"""Agentes (capítulo 6): el bucle, las herramientas, la recuperación (RAG) y los modelos.

Cada idea vive en su módulo; este paquete no importa nada pesado al cargarse:

* :mod:`~genai_utils.agents.tools`: registro de herramientas con esquemas de argumentos.
* :mod:`~genai_utils.agents.calculator`: calculadora segura (recorre el AST; nunca ``eval``).
* :mod:`~genai_utils.agents.sql`: consultas de solo lectura sobre SQLite.
* :mod:`~genai_utils.agents.retrieval`: fragmentación, BM25, recuperador denso y recall@k.
* :mod:`~genai_utils.agents.evalset`: preguntas sobre el libro con sus pasajes de referencia.
* :mod:`~genai_utils.agents.loop`: el bucle del agente (ReAct) con su traza completa; lo
  apoyan :mod:`~genai_utils.agents.actions` (la salida del modelo → una acción),
  :mod:`~genai_utils.agents.trace` (pasos y traza), :mod:`~genai_utils.agents.prompt` (lo que lee
  el modelo), :mod:`~genai_utils.agents.quarantine` (texto no fiable) y
  :mod:`~genai_utils.agents.deadline` (plazos por paso y total).
* :mod:`~genai_utils.agents.models`: la interfaz ``LanguageModel`` y sus motores.
* :mod:`~genai_utils.agents.toolgpt`: datos y entrenamiento de un GPT que llama a herramientas.
* :mod:`~genai_utils.agents.rag`: respuestas extractivas con cita.
"""
