"""Geography with shapely/geopandas: countries of places, basemap building.  No Qt."""
