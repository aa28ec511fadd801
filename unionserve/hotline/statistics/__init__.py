"""Statistics of the 12351 platform: volumes, on-time feedback and the three rates (三率) per handling unit."""
