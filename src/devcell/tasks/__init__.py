"""Tasks: personal or in a project, with comments, an activity log of every change, and saved filter presets."""
