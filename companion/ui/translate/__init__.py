"""The translation pane and the controller that decides when to translate."""
