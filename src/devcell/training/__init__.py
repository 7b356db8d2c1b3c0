"""Training roadmaps: import, LLM transformation into units, plans per project, tasks seeded from units."""
