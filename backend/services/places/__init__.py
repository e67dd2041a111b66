"""The gazetteer: places, sound-alike matching and travel times."""
