"""Herramientas para medir los riesgos de los modelos generativos (capítulo 7).

Cada módulo mide un riesgo con los modelos del propio libro: sesgo, memorización, inferencia de
pertenencia, detección de contenido generado, marcas de agua en texto, inyección de instrucciones y
coste de cálculo.
"""
