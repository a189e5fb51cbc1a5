"""No models yet: where this stage goes is in docs/architecture.md, "Where a new stage goes"."""
