def seed(*, units: dict, rng) -> None:
    """Demo data of the awards app; `units` maps demo slugs (see units/demo.py) to units."""
