"""Settings dialogs: preferences, online engines and their keys, language packs."""
