"""Models arrive with their issue (see ROADMAP)."""
