"""The timeline's pure parts: its arrays (data), lane layout (layout) and axis ticks (axis)."""
