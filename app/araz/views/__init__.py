"""Pure (no Qt) logic behind the views: what they draw, computed from the model's arrays."""
