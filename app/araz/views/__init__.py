"""Pure view data, no Qt: what the map and the timeline draw, prepared from a dataset."""
