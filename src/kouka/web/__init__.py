"""The web application: departments enter, the planning division verifies and publishes, the public reads."""
