"""Del modelo base al asistente (capítulo 5): instrucciones, SFT, DPO y adaptadores LoRA.

* :mod:`~genai_utils.posttraining.instructions`: un conjunto de instrucciones en español con
  respuesta exacta, generado con plantillas (Python puro);
* :mod:`~genai_utils.posttraining.sft`: ajuste fino supervisado con la pérdida solo en la
  respuesta, y la medida de la tasa de respuestas exactas;
* :mod:`~genai_utils.posttraining.dpo`: optimización directa de preferencias con pares que salen
  del propio modelo;
* :mod:`~genai_utils.posttraining.lora`: adaptadores de rango bajo.

Las importaciones se hacen desde cada submódulo, p. ej.
``from genai_utils.posttraining.sft import train_sft``.
"""
