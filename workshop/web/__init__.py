"""HTTP adapters: blueprints, security headers, error pages."""
