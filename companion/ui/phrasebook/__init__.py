"""The phrasebook tab."""
