"""The finder: one search over what the caller may open (tasks, projects, documents, people) for the command
palette; it reads through the other slices' visibility rules and owns no table."""
