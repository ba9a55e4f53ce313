"""Exports that need Qt: the map snapshot (PNG, PDF), the one-page sheet, the dialogs."""
