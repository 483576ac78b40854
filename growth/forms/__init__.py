"""Forms, one module per area of the web UI."""
