"""The Lens's widgets: the overlay over a live app, the image viewer, the one renderer.

Start it through :class:`companion.ui.lens.controller.LensController`.
"""
