"""Workshop templates: the action fields and card kinds a new workshop starts with."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Template:
    key: str
    fields: tuple[str, ...]
    #: (name, colour) pairs; colours come from ``structure.KIND_COLORS``.
    kinds: tuple[tuple[str, str], ...]


TEMPLATES: dict[str, Template] = {
    "kaoa": Template(
        key="kaoa",
        fields=(
            "Studien- und Berufsorientierung",
            "Übergang Schule–Beruf / Systematisierung des Übergangs",
            "Attraktivität des dualen Systems",
            "Kommunale Koordinierung",
        ),
        kinds=(("Erfolg", "green"), ("Herausforderung", "orange")),
    ),
    "blank": Template(key="blank", fields=(), kinds=()),
}
