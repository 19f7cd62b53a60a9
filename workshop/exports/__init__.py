"""Pure renderers of printable and downloadable material."""
