"""Qt views that observe the model.  Nothing here holds state of its own."""
