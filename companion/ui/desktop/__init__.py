"""Desktop habits: overlay, clipboard watch, hotkeys, tray, speech, screen capture and OCR."""
